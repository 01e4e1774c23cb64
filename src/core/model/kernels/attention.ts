// Multi-head attention as one differentiable op on the wasm backend, computed by attention.wasm (see attention.c)
// in tfjs's own heap. ops.attention chooses it when it is available.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { kernelBinary } from './kernelVariant';
import { allocate, kernelInTfjsHeap, requireKernel } from './loader';
import { attentionBackwardOnThreads, attentionForwardOnThreads, poolFor } from './threadedKernels';

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
  const pool = poolFor('attention', batch * heads * length * length * dh);
  const view = (t: tf.Tensor) => backend.typedArrayFromHeap(t) as Float32Array;
  const dims = { batch, length, heads, headSize: dh, scale };

  const f = tf.customGrad((qi, ki, vi, save) => {
    const [qt, kt, vt] = [qi, ki, vi] as tf.Tensor[];
    const probs = allocate(backend, [batch, heads, length, length]); // before dropout, for the backward
    const context = allocate(backend, [batch * length, d]);
    if (pool) {
      attentionForwardOnThreads(
        pool,
        { q: view(qt), k: view(kt), v: view(vt), mask: view(additiveMask), keep: keep ? view(keep) : null },
        { probs: view(probs), ctx: view(context) },
        dims,
        forwardScratch(length, dh),
      );
    } else {
      const scratch = allocate(backend, [forwardScratch(length, dh)]);
      exports.attention_forward(
        at(qt),
        at(kt),
        at(vt),
        at(additiveMask),
        keep ? at(keep) : 0,
        at(probs),
        at(context),
        at(scratch),
        batch,
        length,
        heads,
        dh,
        scale,
      );
      scratch.dispose();
    }
    // Saved, not closed over: tfjs disposes the forward pass's intermediates (such as `keep`) before the backward.
    (save as tf.GradSaveFunc)(keep ? [qt, kt, vt, probs, keep] : [qt, kt, vt, probs]);
    return {
      value: context as tf.Tensor2D,
      gradFunc: (dy, saved) => {
        const [qs, ks, vs, ps, keeps] = saved;
        const [dq, dk, dv] = [0, 1, 2].map(() => allocate(backend, [batch * length, d]));
        if (pool) {
          const inputs = { dctx: view(dy as tf.Tensor), q: view(qs), k: view(ks), v: view(vs), probs: view(ps), keep: keeps ? view(keeps) : null };
          attentionBackwardOnThreads(pool, inputs, { dq: view(dq), dk: view(dk), dv: view(dv) }, dims, backwardScratch(length, dh));
          return [dq, dk, dv];
        }
        const work = allocate(backend, [backwardScratch(length, dh)]);
        exports.attention_backward(
          at(dy as tf.Tensor),
          at(qs),
          at(ks),
          at(vs),
          at(ps),
          keeps ? at(keeps) : 0,
          at(dq),
          at(dk),
          at(dv),
          at(work),
          batch,
          length,
          heads,
          dh,
          scale,
        );
        work.dispose();
        return [dq, dk, dv];
      },
    };
  }) as (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;
  return f(q, k, v);
}
