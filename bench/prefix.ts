// The frozen-prefix idea for head-only runs, measured (not used by the trainer): with the base frozen and no dropout
// in it, the pooled encoder output of an example never changes, so it can be computed once and the head trained
// on the cached vectors. Compared: today's head-only step (the encoder runs every step, with dropout), encoding one
// batch once, and a head-only step on cached pooled vectors.
import * as tf from '@tensorflow/tfjs';
import { pool } from '../src/core/model/heads';
import { crossEntropy } from '../src/core/model/ops';
import type { Batch } from '../src/core/train/batches';
import type { BertEncoder } from '../src/core/model/bert';
import { interleaved } from './measure';
import { type BenchModel, buildClassifier } from './models';
import { optimizerFor, trainingStep } from './workloads';

/** Medians, CPU ms (see measure.ts). */
export interface PrefixResult {
  headOnlyStepMs: number; // encoder forward (dropout on) + head forward/backward + AdamW
  encodeOnceMs: number; // encoder forward without dropout + pooling, per batch, paid once per example
  cachedStepMs: number; // head forward/backward + AdamW on cached pooled vectors
  /** Whole head-only run of `epochs` over `examples` (batch size of the model), today vs cached. */
  run: { examples: number; epochs: number; todayS: number; cachedS: number };
}

export function benchFrozenPrefix(bench: BenchModel, encoder: BertEncoder, batch: Batch, warmup: number, repeats: number, run = { examples: 2100, epochs: 12 }): PrefixResult {
  const { classifier: model, head, dispose } = buildClassifier(bench, encoder, null, false);
  const variables = model.trainable().map(([, v]) => v);
  const optimizer = optimizerFor(model);
  const pooler = { weight: encoder.weights.get('bert.pooler.dense.weight') as tf.Tensor2D, bias: encoder.weights.get('bert.pooler.dense.bias') as tf.Tensor1D, trainable: false };
  const encode = () => tf.tidy(() => pool(encoder.forward(batch.input, { trainBase: false, dropoutRate: 0, dropoutSeed: null }), batch.input.mask, head.pooling, pooler));
  const cached = encode();
  let step = 0;
  const stepOn = (logits: (seed: number) => tf.Tensor2D) => {
    const seed = step++;
    trainingStep(variables, optimizer, () => crossEntropy(logits(seed), batch.labels[0]));
  };
  const today = { run: () => stepOn((seed) => model.logits(batch.input, 0.1, seed)[0]) };
  const once = {
    run: () => {
      const pooled = encode();
      pooled.dataSync();
      pooled.dispose();
    },
  };
  const onCache = { run: () => stepOn((seed) => head.logits(cached, 0.1, seed)) };
  const timings = interleaved([today, once, onCache], warmup, repeats);
  const ms = (t: { run(): void }) => timings.get(t)?.cpuMs as number;
  const steps = Math.ceil(run.examples / bench.batch) * run.epochs;
  const result = {
    headOnlyStepMs: ms(today),
    encodeOnceMs: ms(once),
    cachedStepMs: ms(onCache),
    run: { ...run, todayS: (steps * ms(today)) / 1000, cachedS: (Math.ceil(run.examples / bench.batch) * ms(once) + steps * ms(onCache)) / 1000 },
  };
  tf.dispose(cached);
  optimizer.dispose();
  dispose();
  return result;
}
