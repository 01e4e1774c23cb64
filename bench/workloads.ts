// What the benchmark times: a forward pass (inference, no dropout) and a training step as src/core/train/loop.ts
// runs it (dropout 0.1, gradients of the trained weights, global-norm clipping, AdamW), each a plain function.
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../src/core/classifier/classifier';
import { allowFusedAttention, crossEntropy } from '../src/core/model/ops';
import { AdamW, decays } from '../src/core/train/adamw';
import type { Batch, Example } from '../src/core/train/batches';
import { FrozenPrefixCache } from '../src/core/train/frozenPrefix';
import type { BertEncoder } from '../src/core/model/bert';
import { type Workload, countFlops } from './flops';
import { ADAPTER_METHODS, type BenchMethod, type BenchModel, buildClassifier } from './models';

export interface Runnable {
  name: string;
  flops: number;
  run(): void;
  dispose(): void;
}

export type Attention = 'fused' | 'batched';

const DROPOUT = 0.1;

function forwardPass(model: Classifier, batch: Batch): void {
  const logits = tf.tidy(() => model.logits(batch.input, 0, null)[0]);
  logits.dataSync();
  logits.dispose();
}

/** One optimiser step on `loss` as the trainer takes it: gradients of `variables`, clipping, AdamW. */
export function trainingStep(variables: tf.Variable[], optimizer: AdamW, loss: () => tf.Scalar): void {
  const { value, grads } = tf.variableGrads(loss, variables);
  value.dataSync();
  const gradList = variables.map((v) => grads[v.name]);
  optimizer.clipAndStep(gradList, 1, 1e-5);
  tf.dispose([value, ...gradList]);
}

export function optimizerFor(model: Classifier): AdamW {
  return new AdamW(
    model.trainable().map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    0.01,
  );
}

function runnable(name: string, bench: BenchModel, encoder: BertEncoder, batch: Batch, workload: Workload, attention: Attention): Runnable {
  const { classifier: model, dispose } = buildClassifier(bench, encoder, workload.adapter, workload.kind === 'train' && workload.trainBase);
  const optimizer = workload.kind === 'train' ? optimizerFor(model) : null;
  const variables = model.trainable().map(([, v]) => v);
  // Inference as evaluate() and run-model run it: a mergeable adapter (LoRA) merged into the frozen weights once per
  // pass, and a pass covers every batch of a split; so the merge is done here, outside the per-batch time.
  const endInference = workload.kind === 'forward' ? model.beginInference() : null;
  let step = 0;
  return {
    name,
    flops: countFlops(bench, workload),
    run() {
      allowFusedAttention(attention === 'fused');
      try {
        const seed = step++;
        if (optimizer) trainingStep(variables, optimizer, () => crossEntropy(model.logits(batch.input, DROPOUT, seed)[0], batch.labels[0]));
        else forwardPass(model, batch);
      } finally {
        allowFusedAttention(true);
      }
    },
    dispose() {
      endInference?.();
      optimizer?.dispose();
      dispose();
    },
  };
}

/**
 * A training step as the trainer takes it from the second epoch on: the frozen prefix of the encoder read from the
 * cache (train/frozenPrefix.ts; filled once here, outside the timing — bench/prefix.ts measures that cost).
 */
function cachedRunnable(name: string, bench: BenchModel, encoder: BertEncoder, examples: Example[], batch: Batch, adapter: BenchMethod | null): Runnable {
  const { classifier: model, dispose } = buildClassifier(bench, encoder, adapter, false);
  const optimizer = optimizerFor(model);
  const variables = model.trainable().map(([, v]) => v);
  const { cache, info } = FrozenPrefixCache.forRun(model, examples, 0);
  if (!cache) throw new Error(`no frozen-prefix cache for ${name}: ${info.used ? '' : info.reason}`);
  const indices = examples.map((_, i) => i);
  cache.prepare(indices);
  let step = 0;
  return {
    name,
    flops: countFlops(bench, { kind: 'train', adapter, trainBase: false }),
    run() {
      const seed = step++;
      trainingStep(variables, optimizer, () => crossEntropy(cache.logits(indices, batch.input, DROPOUT, seed)[0], batch.labels[0]));
    },
    dispose() {
      optimizer.dispose();
      dispose();
    },
  };
}

/**
 * Every variant measured for one model: forward with and without each adapter, full fine-tuning, each adapter
 * method, head-only; each adapter method and head-only also from the frozen-prefix cache (`<name>+cache`) when
 * `examples` (the batch's) are given; `compareAttention` adds forward, full and houlsby with the stock (batched)
 * attention. `only`: just those of the first kinds (no cache, no attention comparison).
 */
export function workloads(
  bench: BenchModel,
  encoder: BertEncoder,
  batch: Batch,
  compareAttention: boolean,
  examples?: Example[],
  only?: readonly string[],
): Runnable[] {
  const adapters = ADAPTER_METHODS;
  const make = (name: string, w: Workload, attention: Attention = 'fused') => runnable(name, bench, encoder, batch, w, attention);
  const steps: [string, Workload][] = [
    ['forward', { kind: 'forward', adapter: null }],
    ...adapters.map((a): [string, Workload] => [`forward+${a}`, { kind: 'forward', adapter: a }]),
    ['full', { kind: 'train', adapter: null, trainBase: true }],
    ...adapters.map((a): [string, Workload] => [a, { kind: 'train', adapter: a, trainBase: false }]),
    ['head-only', { kind: 'train', adapter: null, trainBase: false }],
  ];
  // A big model measures only the steps asked for: each variant holds its own optimiser state.
  if (only) return steps.filter(([name]) => only.includes(name)).map(([name, w]) => make(name, w));
  const list = steps.map(([name, w]) => make(name, w));
  if (examples) {
    list.push(...[...adapters, null].map((a) => cachedRunnable(`${a ?? 'head-only'}+cache`, bench, encoder, examples, batch, a)));
  }
  if (compareAttention) {
    list.push(
      make('forward/batched', { kind: 'forward', adapter: null }, 'batched'),
      make('full/batched', { kind: 'train', adapter: null, trainBase: true }, 'batched'),
      make('houlsby/batched', { kind: 'train', adapter: 'houlsby', trainBase: false }, 'batched'),
    );
  }
  return list;
}
