// Attention alone, forward and forward+backward, for the shapes the models use: the stock batched matMul on
// [B·H, T, dh], per-head 2-D products, the fused SIMD kernel (in place in tfjs's heap), and what copying the
// kernel's inputs out of tfjs and its outputs back in would add to it.
import * as tf from '@tensorflow/tfjs';
import { batchedAttention, dense, dropoutMultiplier } from '../src/core/model/ops';
import { type AttentionShape, fusedAttention } from '../src/core/model/kernels/attention';
import { interleaved, median, timeOnce } from './measure';

export interface AttentionCase {
  model: string;
  batch: number;
  heads: number;
  headSize: number;
  length: number;
}

type Pass = 'forward' | 'forwardBackward';

/** Medians, CPU ms (see measure.ts), per formulation. */
export interface AttentionResult extends AttentionCase {
  ms: Record<string, Record<Pass, number>>;
  copyMs: number; // forward and backward copies a kernel outside tfjs's heap would need
  gflops: Record<string, number>; // forward+backward
}

type AttentionFn = (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, mask: tf.Tensor2D, keep: tf.Tensor4D, shape: AttentionShape) => tf.Tensor2D;

/** One 2-D product per (example, head), with the transpose-free gradient of `dense`. */
const perHead: AttentionFn = (q, k, v, mask, keep, { batch, length, heads }) => {
  const dh = q.shape[1] / heads;
  const blocks = (t: tf.Tensor2D, perm: number[], rows: number, cols: number) =>
    tf.unstack(tf.reshape(tf.transpose(tf.reshape(t, [batch, length, heads, dh]), perm), [batch * heads, rows, cols])) as tf.Tensor2D[];
  const qs = blocks(q, [0, 2, 1, 3], length, dh);
  const kTs = blocks(k, [0, 2, 3, 1], dh, length);
  const vs = blocks(v, [0, 2, 1, 3], length, dh);
  const masks = tf.unstack(tf.reshape(mask, [batch, 1, length]));
  const keeps = tf.unstack(tf.reshape(keep, [batch * heads, length, length]));
  const contexts = qs.map((qi, i) => {
    const scores = tf.add(tf.mul(dense(qi, kTs[i], null, true), 1 / Math.sqrt(dh)), masks[Math.floor(i / heads)]);
    return dense(tf.mul(tf.softmax(scores), keeps[i]) as tf.Tensor2D, vs[i], null, true);
  });
  return tf.reshape(tf.transpose(tf.reshape(tf.stack(contexts), [batch, heads, length, dh]), [0, 2, 1, 3]), [batch * length, heads * dh]);
};

const FORMULATIONS: Record<string, AttentionFn> = { batched: batchedAttention, perHead, fused: fusedAttention };

export function attentionCases(quick: boolean): AttentionCase[] {
  const tiny = (length: number) => ({ model: 'tiny', batch: 32, heads: 4, headSize: 32, length });
  const mini = (length: number) => ({ model: 'mini', batch: 16, heads: 4, headSize: 64, length });
  return quick ? [tiny(18), tiny(64), mini(128)] : [tiny(16), tiny(18), tiny(32), tiny(64), mini(32), mini(64), mini(128)];
}

/** Copies a kernel working outside tfjs's heap would make: q, k, v, mask, keep out and context, probs in
 * (forward); dy out and dq, dk, dv in (backward). */
function copyCost(tensors: tf.Tensor[], dy: tf.Tensor, shapes: { ctx: number[]; probs: number[] }): number {
  return timeOnce(() => {
    const inputs = tensors.map((t) => t.dataSync() as Float32Array);
    const heap = new Float32Array(inputs.reduce((n, a) => n + a.length, 0));
    inputs.reduce((at, a) => (heap.set(a, at), at + a.length), 0);
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const outputs = [shapes.ctx, shapes.probs].map((s) => tf.tensor(heap.subarray(0, size(s)), s));
    heap.set(dy.dataSync() as Float32Array);
    const grads = [0, 1, 2].map(() => tf.tensor(heap.subarray(0, size(shapes.ctx)), shapes.ctx));
    tf.dispose([...outputs, ...grads]);
  }).cpuMs;
}

export function benchAttention(c: AttentionCase, warmup: number, repeats: number): AttentionResult {
  const { batch, heads, headSize, length } = c;
  const n = batch * length;
  const d = heads * headSize;
  const shape = { batch, length, heads };
  const [q, k, v, up] = [1, 2, 3, 4].map((seed) => tf.randomNormal([n, d], 0, 1, 'float32', seed) as tf.Tensor2D);
  const mask = tf.zeros([batch, length]) as tf.Tensor2D;
  const keep = dropoutMultiplier([batch, heads, length, length], 0.1, 5) as tf.Tensor4D;

  const variants = Object.entries(FORMULATIONS).flatMap(([name, f]) => [
    {
      name,
      pass: 'forward' as Pass,
      run: (): void => {
        const context = tf.tidy(() => f(q, k, v, mask, keep, shape));
        context.dataSync();
        context.dispose();
      },
    },
    {
      name,
      pass: 'forwardBackward' as Pass,
      run: (): void => {
        const grads = tf.grads((a, b, c2) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D, c2 as tf.Tensor2D, mask, keep, shape), up)))([q, k, v]);
        grads.forEach((g) => g.dataSync());
        tf.dispose(grads);
      },
    },
  ]);
  const timings = interleaved(variants, warmup, repeats);
  const ms: AttentionResult['ms'] = {};
  for (const [variant, timing] of timings) (ms[variant.name] ??= { forward: 0, forwardBackward: 0 })[variant.pass] = timing.cpuMs;
  const copies = Array.from({ length: Math.max(3, repeats) }, () =>
    copyCost([q, k, v, mask, keep], up, { ctx: [n, d], probs: [batch, heads, length, length] }),
  );
  // Forward QKᵀ + P·V is 4·B·H·T²·dh; the backward twice that.
  const flops = 3 * 4 * batch * heads * length * length * headSize;
  const gflops = Object.fromEntries(Object.entries(ms).map(([name, m]) => [name, flops / m.forwardBackward / 1e6]));
  tf.dispose([q, k, v, up, mask, keep]);
  return { ...c, ms, copyMs: median(copies), gflops };
}
