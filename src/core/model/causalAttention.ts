// Masked (causal) multi-head self-attention for the decoder. The fused wasm kernel (kernels/attention.c) takes only a
// per-key padding mask [B, T] and square T × T scores, so the causal mask and the key/value cache's longer key list
// (S = cached + new keys) go through stock tfjs ops here.
import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from './ops';

export interface CausalShape {
  batch: number;
  length: number; // T: new tokens (queries) per example
  heads: number;
  keyLength: number; // S ≥ T: keys per example (a prefix, the cached tokens, then the T new ones)
}

/**
 * 0 where query t may read key s, −1e9 elsewhere, [1, 1, T, S]. The T queries are the last T of the S keys, so query
 * t sees every key up to and including its own position S − T + t: the cache and any prefix stay visible, later
 * tokens never are.
 */
function causalMask(length: number, keyLength: number): tf.Tensor4D {
  const values = new Float32Array(length * keyLength);
  for (let t = 0; t < length; t++) {
    for (let s = keyLength - length + t + 1; s < keyLength; s++) values[t * keyLength + s] = -1e9;
  }
  return tf.tensor4d(values, [1, 1, length, keyLength]);
}

/** q [B·T, d], k and v [B·S, d] (head h in columns h·dh…) → context [B·T, d]; `keep`: dropout of the probabilities. */
export function causalAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, keep: tf.Tensor4D | null, shape: CausalShape): tf.Tensor2D {
  const { batch, length, heads, keyLength } = shape;
  const headSize = q.shape[1] / heads;
  const split = (t: tf.Tensor2D, rows: number, perm: number[]) => tf.transpose(tf.reshape(t, [batch, rows, heads, headSize]), perm);
  const toBatches = (t: tf.Tensor, rows: number, cols: number) => tf.reshape(t, [batch * heads, rows, cols]) as tf.Tensor3D;
  const qh = toBatches(split(q, length, [0, 2, 1, 3]), length, headSize); // [B·H, T, dh]
  const kT = toBatches(split(k, keyLength, [0, 2, 3, 1]), headSize, keyLength); // [B·H, dh, S]
  const vh = toBatches(split(v, keyLength, [0, 2, 1, 3]), keyLength, headSize); // [B·H, S, dh]

  const scores = tf.reshape(tf.mul(batchMatMul(qh, kT), 1 / Math.sqrt(headSize)), [batch, heads, length, keyLength]);
  const probs = tf.softmax(tf.add(scores, causalMask(length, keyLength)));
  const dropped = keep ? tf.mul(probs, keep) : probs;
  const context = batchMatMul(toBatches(dropped, length, keyLength), vh); // [B·H, T, dh]
  return tf.reshape(tf.transpose(tf.reshape(context, [batch, heads, length, headSize]), [0, 2, 1, 3]), [batch * length, heads * headSize]);
}
