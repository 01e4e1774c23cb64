// Paired timing of pre-training steps under several settings in one process (issue 20): the lab-base pre-training
// model on real batches, each batch stepped once under every setting in turn, so that the host's slow drifts (these
// machines move the same command by 5–30% minutes apart) fall on all settings alike. Prints each setting's mean step
// over the rounds and its ratio to the first setting with the standard error of the paired ratio.
// Usage: node --import tsx bench/pretrainPaired.ts [--rounds R] [--batches K] setting...
//   a setting is threads[:pieces per thread], e.g. 1 2 2:2
import * as fs from 'fs';
import * as path from 'path';
import { selectBackend } from '../src/core/model/backend';
import { BertEncoder, initBertWeights } from '../src/core/model/bert';
import { seedFor } from '../src/core/model/init';
import { setKernelThreads, setPiecesPerThread, setThreadThresholds } from '../src/core/model/kernels/threadedKernels';
import { type BertConfig, bertWeightShapes } from '../src/core/model/shapes';
import { Weights } from '../src/core/model/weights';
import { type TokenizerJson, WordPieceTokenizer } from '../src/core/data/tokenizer';
import { loadPretrainConfig } from '../src/core/pretrain/config';
import { loadPretrainCorpus } from '../src/core/pretrain/corpus';
import { buildExamples, disposePretrainBatch, makePretrainBatch } from '../src/core/pretrain/examples';
import { PretrainModel } from '../src/core/pretrain/model';
import { pretrainLoss } from '../src/core/pretrain/run';
import { resolveObjectives } from '../src/core/pretrain/objectives';
import { createRng } from '../src/core/data/random';
import { bucketedBatches } from '../src/core/train/batches';
import { AdamW, decays } from '../src/core/train/adamw';
import { optimizerStep } from '../src/core/train/step';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const valued = ['--rounds', '--batches'];
  const settings = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.includes(all[i - 1]));
  const rounds = option('--rounds', 6);
  const batchCount = option('--batches', 8);
  const file = path.join(__dirname, '..', 'examples', 'lab-base.pretrain.json');
  const { config, problems } = loadPretrainConfig(file);
  if (!config) throw new Error(problems.map((p) => p.message).join('\n'));
  const { corpus, problems: dataProblems } = loadPretrainCorpus(config);
  if (!corpus) throw new Error(dataProblems.map((p) => p.message).join('\n'));
  await selectBackend('wasm');

  const tokenizerFile = path.join(__dirname, '..', 'models', 'lab-base', 'tokenizer.json');
  const tokenizer = new WordPieceTokenizer(JSON.parse(fs.readFileSync(tokenizerFile, 'utf8')) as TokenizerJson);
  const bert: BertConfig = { ...config.shape, vocabSize: tokenizer.vocabSize, typeVocabSize: 2, layerNormEps: 1e-12 };
  const objectives = resolveObjectives(config, corpus);
  const sentences = corpus.train.slice(0, 20000).map((s) => (s.text === undefined ? s : { ...s, words: tokenizer.words(s.text) }));
  const train = buildExamples(sentences, tokenizer, objectives, config.maxLength);
  const batches = bucketedBatches(
    train.map((e) => e.ids.length),
    config.batchSize,
    seedFor(config.seed, 'epoch0'),
  ).slice(0, batchCount);
  const shapes = bertWeightShapes(bert);
  const initial = new Map([...initBertWeights(bert, config.seed)].map(([n, data]) => [n, { shape: shapes.get(n) as number[], data }]));
  const model = new PretrainModel(new BertEncoder(bert, new Weights(initial)), objectives, config.seed);
  const trainable = model.trainable();
  const optimizer = new AdamW(
    trainable.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    config.weightDecay,
  );
  const variables = trainable.map(([, v]) => v);
  const bagOfWords = objectives.some((o) => o.type === 'bag-of-words');
  let stepNumber = 0;
  const step = (k: number) => {
    const batch = makePretrainBatch(train, batches[k], tokenizer, config.maskProbability, createRng(seedFor(config.seed, `mask${k}`)), 5, bagOfWords);
    const start = performance.now();
    optimizerStep(() => pretrainLoss(model, batch, config, stepNumber++), variables, optimizer, config.maxGradNorm, 1e-4);
    const ms = performance.now() - start;
    disposePretrainBatch(batch);
    return ms;
  };
  const apply = (setting: string) => {
    const [threads, pieces, weightGradientPieces, divisor] = setting.split(':').map(Number);
    setKernelThreads(threads);
    setThreadThresholds(null, divisor || 1);
    setPiecesPerThread(pieces || undefined, weightGradientPieces ? { weightGradient: weightGradientPieces } : {});
  };
  for (const s of settings) {
    apply(s);
    step(0); // warm-up: starts the pool
  }
  const perRound = settings.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const sums = settings.map(() => 0);
    for (let k = 0; k < batches.length; k++)
      settings.forEach((s, i) => {
        apply(s);
        sums[i] += step(k);
      });
    sums.forEach((sum, i) => perRound[i].push(sum / batches.length));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const se = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
  console.log(`${rounds} rounds × ${batches.length} real batches, settings interleaved batch by batch`);
  settings.forEach((s, i) => {
    const ratios = perRound[0].map((base, r) => base / perRound[i][r]);
    console.log(
      `${s.padEnd(6)} ${mean(perRound[i]).toFixed(1)} ms a step; ${settings[0]} ÷ this ${mean(ratios).toFixed(3)} ± ${se(ratios).toFixed(3)} (per round ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
    );
  });
  process.exit(0);
}

void main();
