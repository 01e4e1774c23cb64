// The lab-base pre-training model of a config and real batches of its corpora, tokenised by the shipped lab-base
// tokenizer, for the benches that time pre-training steps (pretrainProfile.ts, pretrainPaired.ts); a step is taken
// as src/core/pretrain/run.ts takes it. Batches come from the first 20,000 training sentences (building examples
// from all of them takes longer than the steps).
import * as fs from 'fs';
import * as path from 'path';
import { seedFor } from '../src/core/model/init';
import type { BertConfig } from '../src/core/model/shapes';
import { type TokenizerJson, WordPieceTokenizer } from '../src/core/data/tokenizer';
import { createRng } from '../src/core/data/random';
import { type PretrainConfig, loadPretrainConfig } from '../src/core/pretrain/config';
import { loadPretrainCorpus } from '../src/core/pretrain/corpus';
import { type PretrainBatch, type PretrainExample, buildExamples, makePretrainBatch } from '../src/core/pretrain/examples';
import { resolveObjectives } from '../src/core/pretrain/objectives';
import { newPretrainModel, pretrainLoss } from '../src/core/pretrain/run';
import { bucketedBatches } from '../src/core/train/batches';
import type { AdamW } from '../src/core/train/adamw';
import { optimizerStep } from '../src/core/train/step';

export const LAB_BASE_RECIPE = path.join(__dirname, '..', 'examples', 'lab-base.pretrain.json');

export interface PretrainBench {
  config: PretrainConfig;
  tokenizer: WordPieceTokenizer;
  train: PretrainExample[];
  /** The first `batchCount` batches of epoch 0, as the run orders them. */
  batches: number[][];
  /** Batch `k` (a fresh masking seeded by `maskSeed`). */
  batch(k: number, maskSeed: number): PretrainBatch;
  /** One optimiser step on `batch` as run.ts takes it (dropout seeded by `step`). */
  step(batch: PretrainBatch, step: number): void;
  optimizer: AdamW;
}

/** Loads `file` and its corpora; call after selecting the backend. `minLength`: only sentences of that many pieces or more. */
export function pretrainBench(file: string, batchCount: number, minLength = 0): PretrainBench {
  const { config, problems } = loadPretrainConfig(file);
  if (!config) throw new Error(problems.map((p) => p.message).join('\n'));
  const { corpus, problems: dataProblems } = loadPretrainCorpus(config);
  if (!corpus) throw new Error(dataProblems.map((p) => p.message).join('\n'));
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
  const { model, trainable, optimizer } = newPretrainModel(config, bert, objectives);
  const variables = trainable.map(([, v]) => v);
  const bagOfWords = objectives.some((o) => o.type === 'bag-of-words');
  return {
    config,
    tokenizer,
    train,
    batches,
    optimizer,
    batch: (k, maskSeed) =>
      makePretrainBatch(
        train,
        batches[k % batches.length],
        tokenizer,
        config.maskProbability,
        createRng(seedFor(config.seed, `mask${maskSeed}`)),
        5,
        bagOfWords,
      ),
    step: (batch, step) => void optimizerStep(() => pretrainLoss(model, batch, config, step), variables, optimizer, config.maxGradNorm, 1e-4),
  };
}
