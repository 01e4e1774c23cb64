// Where a pre-training step's time goes (issue 20): the lab-base pre-training model of a config (default
// examples/lab-base.pretrain.json: its shape, objectives, batch size and length) on real batches of its corpora,
// tokenised by the shipped lab-base tokenizer (the one that run trained), one full optimiser step each as run.ts takes
// it (forward, gradients of the weighted objectives, AdamW). Prints the CPU time per tfjs kernel and per function of our
// own kernels, and the rest (JavaScript: taping, bookkeeping, batch making is outside the timing).
// Own kernels called inside a tfjs kernel are counted in both and subtracted once from the rest. Batches come from
// the first 20,000 training sentences (building examples from all of them takes longer than the steps).
// Usage: node --import tsx bench/pretrainProfile.ts [config] [--steps N] [--batches K] [--length L] [--threads T] [--stock-losses]
//   --steps N    timed steps (default 8) after 2 warm-up steps, cycling over K real batches (default 4)
//   --length L   only sentences of at least L pieces, so that each batch is about maxLength long (default 0: the
//                run's own mix of lengths)
//   --threads T  kernel threads (default 1); with T > 1 wall time is measured instead of CPU time (which would add the
//                workers' time), and an own kernel's time is its calling thread's, waiting for the others included
//   --stock-losses  the cross-entropies by the stock tfjs ops instead of the fused loss kernels (losses.c)
import * as fs from 'fs';
import * as path from 'path';
import { selectBackend } from '../src/core/model/backend';
import { BertEncoder, initBertWeights } from '../src/core/model/bert';
import { seedFor } from '../src/core/model/init';
import { allowLossKernels, useLossKernels } from '../src/core/model/kernels/losses';
import { kernelThreads, setKernelThreads } from '../src/core/model/kernels/threadedKernels';
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
import { KernelTimer } from './kernelTimer';
import { timeOnce } from './measure';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const valued = ['--steps', '--batches', '--length', '--threads'];
  const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.includes(all[i - 1]));
  const file = args[0] ?? path.join(__dirname, '..', 'examples', 'lab-base.pretrain.json');
  const steps = option('--steps', 8);
  const batchCount = option('--batches', 4);
  const minLength = option('--length', 0);
  const threads = option('--threads', 1);
  const { config, problems } = loadPretrainConfig(file);
  if (!config) throw new Error(problems.map((p) => p.message).join('\n'));
  const { corpus, problems: dataProblems } = loadPretrainCorpus(config);
  if (!corpus) throw new Error(dataProblems.map((p) => p.message).join('\n'));

  await selectBackend('wasm');
  setKernelThreads(threads);
  allowLossKernels(!process.argv.includes('--stock-losses'));
  const timer = new KernelTimer(threads > 1 ? 'wall' : 'CPU');
  timer.instrumentTfjs('wasm');
  timer.instrumentOwnKernels();

  const tokenizerFile = path.join(__dirname, '..', 'models', 'lab-base', 'tokenizer.json');
  const tokenizer = new WordPieceTokenizer(JSON.parse(fs.readFileSync(tokenizerFile, 'utf8')) as TokenizerJson);
  const bert: BertConfig = { ...config.shape, vocabSize: tokenizer.vocabSize, typeVocabSize: 2, layerNormEps: 1e-12 };
  const objectives = resolveObjectives(config, corpus);
  const sentences = corpus.train.slice(0, 20000).map((s) => (s.text === undefined ? s : { ...s, words: tokenizer.words(s.text) }));
  const train = buildExamples(sentences, tokenizer, objectives, config.maxLength).filter((e) => e.ids.length >= minLength);
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
  const lossOrder = Object.keys(config.objectives);
  const bagOfWords = objectives.some((o) => o.type === 'bag-of-words');

  const shape = batches.map((b) => `${b.length}×${Math.max(...b.map((i) => train[i].ids.length))}`).join(', ');
  const rows: number[] = [];
  const wall: number[] = [];
  /** One optimiser step as run.ts takes it; returns its ms on the timer's clock and keeps its wall ms (batch making excluded). */
  const step = (k: number) => {
    const batch = makePretrainBatch(
      train,
      batches[k % batches.length],
      tokenizer,
      config.maskProbability,
      createRng(seedFor(config.seed, `mask${k}`)),
      5,
      bagOfWords,
    );
    rows.push(batch.maskedCount);
    const { cpuMs, wallMs } = timeOnce(() => optimizerStep(() => pretrainLoss(model, batch, config, k), variables, optimizer, config.maxGradNorm, 1e-4));
    disposePretrainBatch(batch);
    wall.push(wallMs);
    return timer.clock === 'wall' ? wallMs : cpuMs;
  };
  for (let k = 0; k < 2; k++) step(k); // warm-up
  rows.length = 0;
  wall.length = 0;
  timer.recording = true;
  const timed = Array.from({ length: steps }, (_, k) => step(k));
  timer.recording = false;
  optimizer.dispose();

  const stepMs = timed.reduce((a, b) => a + b, 0) / steps;
  const entries = [...timer.byKernel].map(([name, e]) => ({ name, ms: e.ms / steps, nestedMs: e.nestedMs / steps, calls: e.calls / steps }));
  const own = entries.filter((e) => e.name.startsWith('own:'));
  const tfjsMs = entries.filter((e) => !e.name.startsWith('own:')).reduce((s, e) => s + e.ms, 0);
  const ownMs = own.reduce((s, e) => s + e.ms, 0);
  const ownUnnestedMs = own.reduce((s, e) => s + e.ms - e.nestedMs, 0);
  console.log(
    `lab-base pre-training step (${path.basename(file)}: ${config.shape.layers} layers × ${config.shape.hiddenSize}, vocabulary ${tokenizer.vocabSize}, ` +
      `objectives ${lossOrder.join(', ')}), ${kernelThreads()} kernel thread(s), ${useLossKernels() ? 'fused' : 'stock'} losses; ${steps} steps over ${batches.length} real batches (${shape}; ${(rows.reduce((a, b) => a + b, 0) / rows.length).toFixed(0)} masked rows per batch on average)`,
  );
  console.log(
    `step ${stepMs.toFixed(1)} ${timer.clock} ms (mean; min ${Math.min(...timed).toFixed(1)}, max ${Math.max(...timed).toFixed(1)}; wall ${(wall.reduce((a, b) => a + b, 0) / steps).toFixed(1)} ms); stock tfjs kernels ${tfjsMs.toFixed(1)} ms ` +
      `(${((100 * tfjsMs) / stepMs).toFixed(1)}%), own kernels ${ownMs.toFixed(1)} ms (${((100 * ownMs) / stepMs).toFixed(1)}%), ` +
      `outside kernels ${(stepMs - tfjsMs - ownUnnestedMs).toFixed(1)} ms (${((100 * (stepMs - tfjsMs - ownUnnestedMs)) / stepMs).toFixed(1)}%); load average ${(
        await import('os')
      )
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(`| kernel | ${timer.clock} ms / step | calls / step | % of step |\n|---|---:|---:|---:|`);
  for (const e of entries.sort((a, b) => b.ms - a.ms).slice(0, 30)) {
    console.log(`| ${e.name} | ${e.ms.toFixed(2)} | ${e.calls} | ${((100 * e.ms) / stepMs).toFixed(1)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
