// One model's forward pass and training steps with 1 and 2 kernel threads side by side (in one process, the two of a
// step back to back in each pass, so a busy moment of the machine hits both alike), plus each adapter step's bound: a step that computes no weight
// gradients at all — the forward pass and the input gradients through every frozen layer, down to the embeddings'
// output (measured as the gradient of the loss with respect to that output alone, not applied: the encoder resumes
// from it at layer 0, and the head's weights are frozen too). An adapter step cannot be cheaper than that without
// skipping layers (frozen-prefix cache, AdapterDrop).
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../src/core/model/ops';
import { pool } from '../src/core/model/heads';
import { setKernelThreads } from '../src/core/model/kernels/threadedKernels';
import type { Batch } from '../src/core/train/batches';
import type { BertEncoder } from '../src/core/model/bert';
import { interleaved } from './measure';
import { type BenchModel, type ModelName, buildClassifier } from './models';
import { type Runnable, workloads } from './workloads';

export const THREAD_COUNTS = [1, 2] as const;
export const BOUND = 'bound';
const STEPS = ['forward', 'full', 'houlsby', 'pfeiffer', 'lora', 'head-only'];

export interface ThreadsResult {
  model: ModelName;
  /**
   * By variant, then by thread count: medians of wall and CPU ms (CPU: of the whole process, all threads), and the
   * wall ms of each pass (1 and 2 threads of a variant ran back to back in each).
   */
  ms: Record<string, Record<number, { wallMs: number; cpuMs: number; wallSamplesMs: number[] }>>;
}

/** The bound of an adapter step: forward + input gradients through the frozen encoder, no weight gradient, no update. */
function boundRunnable(bench: BenchModel, encoder: BertEncoder, batch: Batch): Runnable {
  const { head, dispose } = buildClassifier(bench, encoder, null, false);
  const embedded = tf.tidy(() => encoder.embed(batch.input, { trainBase: false, dropoutRate: 0, dropoutSeed: null }));
  const hidden = tf.variable(embedded, true);
  // The bench heads pool by the mean (models.ts): the pooler is not read, but pool() takes one.
  const pooler = {
    weight: encoder.weights.get('bert.pooler.dense.weight') as tf.Tensor2D,
    bias: encoder.weights.get('bert.pooler.dense.bias') as tf.Tensor1D,
    trainable: false,
  };
  embedded.dispose();
  let step = 0;
  return {
    name: BOUND,
    flops: 0,
    run() {
      const seed = step++;
      const loss = () => {
        const options = { trainBase: false, dropoutRate: 0.1, dropoutSeed: seed, resume: { layer: 0, position: 'input' as const, hidden } };
        const encoded = encoder.forward(batch.input, options);
        return crossEntropy(head.logits(pool(encoded, batch.input.mask, head.pooling, pooler), 0.1, seed), batch.labels[0]);
      };
      const { value, grads } = tf.variableGrads(loss, [hidden]);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      hidden.dispose();
      dispose();
    },
  };
}

export function benchThreads(bench: BenchModel, encoder: BertEncoder, batch: Batch, warmup: number, repeats: number): ThreadsResult {
  const base = [...workloads(bench, encoder, batch, false, undefined, STEPS), boundRunnable(bench, encoder, batch)];
  const variants = base.flatMap((r) =>
    THREAD_COUNTS.map((threads) => ({
      name: r.name,
      threads,
      run: () => {
        setKernelThreads(threads);
        r.run();
      },
    })),
  );
  const timings = interleaved(variants, warmup, repeats, (v) => v.name);
  setKernelThreads(1);
  base.forEach((r) => r.dispose());
  const ms: ThreadsResult['ms'] = {};
  for (const [v, t] of timings) (ms[v.name] ??= {})[v.threads] = { wallMs: t.wallMs, cpuMs: t.cpuMs, wallSamplesMs: t.wallSamplesMs };
  return { model: bench.name, ms };
}
