// Pre-training of a decoder base (objective "clm"): a byte-level BPE vocabulary trained on the corpora, a GPT-2-layout
// decoder trained to predict each token from the ones before it, checkpoints that resume exactly (batch order and
// dropout seeded by epoch and step), held-out perplexity, and a Hugging Face GPT-2 folder at the end.
import * as path from 'path';
import { ByteLevelBpeTokenizer, type BpeTokenizerJson } from '../data/bpeTokenizer';
import { bpeTokenizerOf, trainByteLevelBpe } from '../data/bpeTrainer';
import { writeJsonAtomic } from '../io/atomic';
import { writeGpt2Checkpoint } from '../io/hfGpt2';
import { causalLmLoss, disposeLmBatch, lmBatch } from '../model/causalLm';
import { Gpt2Decoder, type Gpt2Config, initGpt2Weights } from '../model/gpt2';
import { seedFor } from '../model/init';
import { Weights } from '../model/weights';
import { AdamW, decays } from '../train/adamw';
import { lmMetrics } from '../train/lmMetrics';
import { optimizerStep } from '../train/step';
import type { PretrainConfig } from './config';
import type { PretrainCorpus } from './corpus';
import { type PretrainHooks, type PretrainOutcome, runPretrainSteps } from './loop';
import { type CheckpointState, checkpointTokenizer, loadCheckpoint, pretrainRecord, saveCheckpointFiles } from './run';

const CHECKPOINT = 'checkpoint';

/** A sentence as the decoder reads it: `<|endoftext|>` before (a document starts there) and after (it ends there). */
export function clmSequence(tokenizer: ByteLevelBpeTokenizer, text: string, maxLength: number): number[] {
  const eos = tokenizer.endOfTextId as number;
  return [eos, ...tokenizer.encode(text), eos].slice(0, maxLength);
}

export function decoderConfigOf(config: PretrainConfig, tokenizer: ByteLevelBpeTokenizer): Gpt2Config {
  const s = config.shape;
  return {
    hiddenSize: s.hiddenSize,
    layers: s.layers,
    heads: s.heads,
    intermediateSize: s.intermediateSize,
    vocabSize: tokenizer.vocabSize,
    maxPositions: s.maxPositions,
    layerNormEps: 1e-5,
    activation: 'gelu_new',
    eosTokenId: tokenizer.endOfTextId,
  };
}

export async function pretrainDecoder(
  config: PretrainConfig,
  corpus: PretrainCorpus,
  runDir: string,
  backend: string,
  hooks: PretrainHooks,
): Promise<PretrainOutcome> {
  const checkpointDir = path.join(runDir, CHECKPOINT);
  const { tokenizer, resuming } = checkpointTokenizer(
    checkpointDir,
    (json) => new ByteLevelBpeTokenizer(json as BpeTokenizerJson),
    () => bpeTokenizerOf(trainByteLevelBpe(corpus.texts, config.shape.vocabSize)),
  );
  const gpt: Gpt2Config = decoderConfigOf(config, tokenizer);
  const text = (s: { text?: string; words: string[] }) => s.text ?? s.words.join(' ');
  const train = corpus.train.map((s) => clmSequence(tokenizer, text(s), config.maxLength));
  const heldOut = corpus.heldOut.map((s) => clmSequence(tokenizer, text(s), config.maxLength));
  hooks.log(
    `corpus: ${train.length} training sentences, ${heldOut.length} held out; byte-level BPE vocabulary ${tokenizer.vocabSize}; objective clm (causal language modelling)`,
  );

  const decoder = new Gpt2Decoder(gpt, new Weights(initGpt2Weights(gpt, config.seed)));
  const trainable = decoder.weights.entries();
  const optimizer = new AdamW(
    trainable.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    config.weightDecay,
  );
  let state: CheckpointState = { step: 0, elapsedMs: 0 };
  if (resuming) {
    state = loadCheckpoint(checkpointDir, trainable, optimizer, new Map());
    hooks.log(`resumed from the checkpoint at step ${state.step}`);
  }
  const variables = trainable.map(([, v]) => v);
  try {
    const outcome = await runPretrainSteps(config, state, hooks, {
      lengths: train.map((s) => s.length),
      step(indices, step, learningRate) {
        const batch = lmBatch(indices.map((i) => train[i]));
        const result = optimizerStep(
          () => {
            const loss = causalLmLoss(decoder, batch, { trainBase: true, dropoutRate: config.dropout, dropoutSeed: seedFor(config.seed, `step${step}`) });
            return { total: loss, parts: { clm: loss } };
          },
          variables,
          optimizer,
          config.maxGradNorm,
          learningRate,
        );
        disposeLmBatch(batch);
        return { result, tokens: batch.predictions };
      },
      evaluate() {
        const clm = lmMetrics(decoder, heldOut, config.batchSize);
        return { metrics: { clm }, score: clm.accuracy };
      },
      saveCheckpoint: (step, elapsedMs) => saveCheckpointFiles(checkpointDir, trainable, optimizer, { step, elapsedMs }),
    });
    if (outcome.status !== 'completed') return outcome;
    const values = new Map(decoder.weights.entries().map(([name, v]) => [name, { shape: [...v.shape], data: v.dataSync() as Float32Array }]));
    writeGpt2Checkpoint(config.output, gpt, values, tokenizer);
    writeJsonAtomic(path.join(config.output, 'pretraining.json'), pretrainRecord(config, outcome.step, outcome.elapsedMs, backend, outcome.heldOut));
    return outcome;
  } finally {
    optimizer.dispose();
  }
}
