// Multi-head attention as one differentiable op on the wasm backend, computed by attention.wasm (see attention.c)
// in tfjs's own heap. ops.attention chooses it when it is available.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { kernelBinary } from './kernelVariant';
import { allocate, kernelInTfjsHeap, requireKernel } from './loader';
import { poolFor, runShares, taskRanges } from './threadedKernels';

/** The C functions of attention.c; every pointer is a byte offset in the shared memory. */
export interface AttentionExports {
  attention_forward(
    q: number,
    k: number,
    v: number,
    mask: number,
    keep: number,
    probs: number,
    ctx: number,
    scratch: number,
    batch: number,
    len: number,
    heads: number,
    dh: number,
    scale: number,
  ): void;
  attention_backward(
    dctx: number,
    q: number,
    k: number,
    v: number,
    probs: number,
    keep: number,
    dq: number,
    dk: number,
    dv: number,
    scratch: number,
    batch: number,
    len: number,
    heads: number,
    dh: number,
    scale: number,
  ): void;
}

export interface AttentionShape {
  batch: number;
  length: number;
  heads: number;
}

/** The plain binary: beside this file in the source tree; beside the bundle in dist/ and dist/extension/ (scripts/build.mjs must copy it). */
export const ATTENTION_WASM = path.join(__dirname, 'attention.wasm');

/** Floats of scratch space the C functions need. */
export const forwardScratch = (length: number, headSize: number) => headSize * length + length * length;
export const backwardScratch = (length: number, headSize: number) => headSize * length + 2 * length * length;

/** True when the fused kernel can run on the current backend. */
export function fusedAttentionAvailable(): boolean {
  return kernelInTfjsHeap<AttentionExports>(kernelBinary('attention')) !== null;
}

/**
 * Multi-head attention with q, k, v [B·T, d] (head h in columns h·dh…), additive mask [B, T] (0 or −1e9) and the
 * dropout multiplier of the probabilities [B, H, T, T] (null: no dropout). Returns the context [B·T, d], heads
 * merged. Gradients flow to q, k and v. Needs fusedAttentionAvailable().
 */
export function fusedAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  additiveMask: tf.Tensor2D,
  keep: tf.Tensor4D | null,
  shape: AttentionShape,
): tf.Tensor2D {
  const { backend, exports, at } = requireKernel<AttentionExports>(kernelBinary('attention'), 'the fused attention kernel');
  const { batch, length, heads } = shape;
  const d = q.shape[1];
  const dh = d / heads;
  const scale = 1 / Math.sqrt(dh);
  // Sequences of the batch per thread (every head of a sequence on one thread).
  const pool = poolFor('attention', batch * heads * length * length * dh);
  const parts = taskRanges(pool, batch, 1);
  const row = length * d * 4; // bytes of one sequence in q, k, v, the context and their gradients
  const square = heads * length * length * 4; // bytes of one sequence in the probabilities and the dropout multiplier
  /** Runs `fn` on each share: the pointers at the share's first sequence, then its scratch and sizes (both functions end so). */
  const split = (fn: 'attention_forward' | 'attention_backward', scratchFloats: number, pointers: (b0: number) => number[]) => {
    const scratch = parts.map(() => allocate(backend, [scratchFloats]));
    runShares(
      pool,
      parts.map(([b0, b1], t) => (b1 > b0 ? { kernel: 'attention', fn, args: [...pointers(b0), at(scratch[t]), b1 - b0, length, heads, dh, scale] } : null)),
      exports,
    );
    scratch.forEach((s) => s.dispose());
  };

  const f = tf.customGrad((qi, ki, vi, save) => {
    const [qt, kt, vt] = [qi, ki, vi] as tf.Tensor[];
    const probs = allocate(backend, [batch, heads, length, length]); // before dropout, for the backward
    const context = allocate(backend, [batch * length, d]);
    const [pq, pk, pv, pmask, pkeep, pprobs, pctx] = [qt, kt, vt, additiveMask, keep, probs, context].map((t) => (t ? at(t) : 0));
    split('attention_forward', forwardScratch(length, dh), (b0) => [
      pq + b0 * row,
      pk + b0 * row,
      pv + b0 * row,
      pmask + b0 * length * 4,
      keep ? pkeep + b0 * square : 0,
      pprobs + b0 * square,
      pctx + b0 * row,
    ]);
    // Saved, not closed over: tfjs disposes the forward pass's intermediates (such as `keep`) before the backward.
    (save as tf.GradSaveFunc)(keep ? [qt, kt, vt, probs, keep] : [qt, kt, vt, probs]);
    return {
      value: context as tf.Tensor2D,
      gradFunc: (dy, saved) => {
        const [qs, ks, vs, ps, keeps] = saved;
        const [dq, dk, dv] = [0, 1, 2].map(() => allocate(backend, [batch * length, d]));
        const [pdctx, sq, sk, sv, sprobs, skeep, pdq, pdk, pdv] = [dy as tf.Tensor, qs, ks, vs, ps, keeps, dq, dk, dv].map((t) => (t ? at(t) : 0));
        split('attention_backward', backwardScratch(length, dh), (b0) => [
          pdctx + b0 * row,
          sq + b0 * row,
          sk + b0 * row,
          sv + b0 * row,
          sprobs + b0 * square,
          keeps ? skeep + b0 * square : 0,
          pdq + b0 * row,
          pdk + b0 * row,
          pdv + b0 * row,
        ]);
        return [dq, dk, dv];
      },
    };
  }) as (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;
  return f(q, k, v);
}
