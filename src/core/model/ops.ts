// Building blocks with hand-written gradients where the stock ones are slow or missing on the wasm backend
// (measured: matMul with transpose flags runs at 1–2 GFLOP/s there vs 13–25 in plain 2-D form; the gradient of
// `gather` needs UnsortedSegmentSum, which wasm lacks). Each variant is tested against the stock formulation.
import * as tf from '@tensorflow/tfjs';
import { type AttentionShape, fusedAttention, fusedAttentionAvailable } from './kernels/attention';
import { dropoutMaskKernel, elementwiseKernelsAvailable, fusedGelu, fusedLayerNorm } from './kernels/elementwise';
import { useGradientKernels, weightAndBiasGradients, weightGradient } from './kernels/gradients';
import { matmul, matmulTransposed, useMatmulKernel } from './kernels/matmul';

/**
 * x · w (+ b) in one kernel: on wasm our own (kernels/matmul.c, packed 4 × 8 register tiles, 36–43 GFLOP/s at the
 * mini and tiny-18 shapes and faster at every adapter shape measured, bias added at the store), else tfjs's
 * (_FusedMatMul adds the bias in the product's output pass; no separate Add).
 */
function denseProduct(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  if (useMatmulKernel()) return matmul(x, w, b);
  return b ? (tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D) : tf.matMul(x, w);
}

/** The input gradient dy · wᵀ: on wasm without a transposed copy of w (kernels/matmul.c reads w as it lies). */
function denseInputGradient(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return useMatmulKernel() ? matmulTransposed(dy, w) : tf.matMul(dy, tf.transpose(w));
}

/**
 * The weight gradient xᵀ · dy (and the bias gradient Σ_rows dy): on wasm in one kernel pass (kernels/gradients.c),
 * with no transposed copy of x and no Sum over axis 0 (tfjs-wasm transposes dy for it).
 */
function denseWeightGradients(x: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  return useGradientKernels() ? weightAndBiasGradients(x, dy) : [tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)];
}

function denseWeightGradient(x: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  return useGradientKernels() ? weightGradient(x, dy) : tf.matMul(tf.transpose(x), dy);
}

/** x [n, in] · w [in, out] + b. Dense weights are kept as [in, out] (HF stores [out, in]; io transposes). */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null, trainable: boolean): tf.Tensor2D {
  return trainable ? denseTrainable(x, w, b) : denseFrozen(x, w, b);
}

const denseTrainableWithBias = tf.customGrad((x, w, b, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor2D, w as tf.Tensor2D]);
  return {
    value: denseProduct(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
    gradFunc: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [denseInputGradient(dy2, ws), ...denseWeightGradients(xs, dy2)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const denseTrainableNoBias = tf.customGrad((x, w, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor2D, w as tf.Tensor2D]);
  return {
    value: denseProduct(x as tf.Tensor2D, w as tf.Tensor2D, null),
    gradFunc: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [denseInputGradient(dy2, ws), denseWeightGradient(xs, dy2)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

function denseTrainable(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  return b ? denseTrainableWithBias(x, w, b) : denseTrainableNoBias(x, w);
}

/** A frozen layer: the weights are closed over, so only the input gradient is computed. */
function denseFrozen(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  const f = tf.customGrad((input) => ({
    value: denseProduct(input as tf.Tensor2D, w, b),
    gradFunc: (dy) => denseInputGradient(dy as tf.Tensor2D, w),
  })) as (input: tf.Tensor2D) => tf.Tensor2D;
  return f(x);
}

/**
 * x [n, d] · tableᵀ (+ bias) for a table [vocab, d]: an output layer tied to the word embeddings. `trainable`: the
 * table and bias get gradients (else only x, the table closed over). On wasm without the transposed copy of the table
 * each way (2 × 1M floats at lab-base's 8,000 × 128): x · tableᵀ and dx = dy · table are the matmul kernel's two
 * forms, dtable = dyᵀ · x its weight gradient, dbias = 1ᵀ · dy a product (each sum over rows in ascending order,
 * as the weight-gradient kernel's db); elsewhere tfjs's matMul with its transpose flag.
 */
export function tiedOutputLayer(x: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D | null, trainable: boolean): tf.Tensor2D {
  if (!useMatmulKernel() || !useGradientKernels()) {
    const product = tf.matMul(x, table, false, true) as tf.Tensor2D;
    return bias ? (tf.add(product, bias) as tf.Tensor2D) : product;
  }
  const inputGradient = (dy: tf.Tensor2D, t: tf.Tensor2D) => matmul(dy, t);
  if (!trainable) {
    const f = tf.customGrad((xi) => ({ value: matmulTransposed(xi as tf.Tensor2D, table, bias), gradFunc: (dy) => inputGradient(dy as tf.Tensor2D, table) }));
    return (f as (x: tf.Tensor2D) => tf.Tensor2D)(x);
  }
  const gradients = (dy: tf.Tensor2D, xs: tf.Tensor2D, ts: tf.Tensor2D) => [inputGradient(dy, ts), weightGradient(dy, xs)];
  const biasGradient = (dy: tf.Tensor2D) => tf.reshape(matmul(tf.ones([1, dy.shape[0]]) as tf.Tensor2D, dy), [-1]);
  if (!bias) {
    const f = tf.customGrad((xi, ti, save) => {
      (save as tf.GradSaveFunc)([xi as tf.Tensor2D, ti as tf.Tensor2D]);
      return {
        value: matmulTransposed(xi as tf.Tensor2D, ti as tf.Tensor2D),
        gradFunc: (dy, [xs, ts]) => gradients(dy as tf.Tensor2D, xs as tf.Tensor2D, ts as tf.Tensor2D),
      };
    });
    return (f as (x: tf.Tensor2D, t: tf.Tensor2D) => tf.Tensor2D)(x, table);
  }
  const f = tf.customGrad((xi, ti, bi, save) => {
    (save as tf.GradSaveFunc)([xi as tf.Tensor2D, ti as tf.Tensor2D]);
    return {
      value: matmulTransposed(xi as tf.Tensor2D, ti as tf.Tensor2D, bi as tf.Tensor1D),
      gradFunc: (dy, [xs, ts]) => [...gradients(dy as tf.Tensor2D, xs as tf.Tensor2D, ts as tf.Tensor2D), biasGradient(dy as tf.Tensor2D)],
    };
  });
  return (f as (x: tf.Tensor2D, t: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D)(x, table, bias);
}

/** Rows of `table` [vocab, d] for `ids` [n] (int32); gradient by scatter-add (ScatterNd sums duplicate ids). */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((t) => ({
    value: tf.gather(t as tf.Tensor2D, ids),
    gradFunc: (dy) => tf.scatterND(tf.expandDims(ids, 1), dy, (t as tf.Tensor2D).shape),
  })) as (t: tf.Tensor2D) => tf.Tensor2D;
  return f(table);
}

/** Batched a [b, m, k] · b [b, k, n] whose backward uses explicit transposes instead of transpose flags. */
export const batchMatMul = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor3D, b as tf.Tensor3D]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy, saved) => {
      const [as, bs] = saved as [tf.Tensor3D, tf.Tensor3D];
      const dy3 = dy as tf.Tensor3D;
      return [tf.matMul(dy3, tf.transpose(bs, [0, 2, 1])), tf.matMul(tf.transpose(as, [0, 2, 1]), dy3)];
    },
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** `keyLength`: keys per example when it differs from the queries' `length` (prefix tuning); default `length`. */
export type KeyedAttentionShape = AttentionShape & { keyLength?: number };

/**
 * Multi-head scaled dot-product attention. q [B·T, d], k and v [B·S, d] (S = keyLength, T unless a prefix adds
 * keys) with head h in columns h·dh…; additiveMask [B, S] (0 = token, −1e9 = padding); keep: the dropout multiplier
 * of the probabilities [B, H, T, S] or null. Returns the context [B·T, d]. On wasm a fused SIMD kernel
 * (kernels/attention.c, S = T only) runs it 6–9× faster than batched matMul; elsewhere the stock formulation.
 */
export function attention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  additiveMask: tf.Tensor2D,
  keep: tf.Tensor4D | null,
  shape: KeyedAttentionShape,
): tf.Tensor2D {
  const square = (shape.keyLength ?? shape.length) === shape.length;
  return square && attentionImplementation() === 'fused'
    ? fusedAttention(q, k, v, additiveMask, keep, shape)
    : batchedAttention(q, k, v, additiveMask, keep, shape);
}

/** Keys and values prepended to every example's own (prefix tuning): [B, P, d] each, and their additive mask [B, P]. */
export interface KeyValuePrefix {
  keys: tf.Tensor3D;
  values: tf.Tensor3D;
  additiveMask: tf.Tensor2D;
}

/** k, v [B·T, d] and mask [B, T] with the prefix in front of each example: [B·(P+T), d] and [B, P+T]. */
export function prependPrefix(
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  additiveMask: tf.Tensor2D,
  prefix: KeyValuePrefix,
  batch: number,
  length: number,
): { keys: tf.Tensor2D; values: tf.Tensor2D; additiveMask: tf.Tensor2D; keyLength: number } {
  const keyLength = prefix.keys.shape[1] + length;
  const join = (own: tf.Tensor2D, before: tf.Tensor3D) =>
    tf.reshape(tf.concat([before, tf.reshape(own, [batch, length, -1])], 1), [batch * keyLength, -1]) as tf.Tensor2D;
  return { keys: join(k, prefix.keys), values: join(v, prefix.values), additiveMask: tf.concat([prefix.additiveMask, additiveMask], 1), keyLength };
}

let fusedAttentionAllowed = true;

/** Allows or forbids the fused kernel, so benchmarks and tests can run the stock formulation on wasm too. */
export function allowFusedAttention(allowed: boolean): void {
  fusedAttentionAllowed = allowed;
}

/** Which formulation `attention` runs now. */
export function attentionImplementation(): 'fused' | 'batched' {
  return fusedAttentionAllowed && fusedAttentionAvailable() ? 'fused' : 'batched';
}

/** The stock formulation of `attention`: heads split to [B·H, T, dh], batched matMuls, heads merged again. */
export function batchedAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  additiveMask: tf.Tensor2D,
  keep: tf.Tensor4D | null,
  shape: KeyedAttentionShape,
): tf.Tensor2D {
  const { batch, length, heads } = shape;
  const keyLength = shape.keyLength ?? length;
  const headSize = q.shape[1] / heads;
  const split = (t: tf.Tensor2D, rows: number, perm: number[]) => tf.transpose(tf.reshape(t, [batch, rows, heads, headSize]), perm);
  const toBatches = (t: tf.Tensor, rows: number, cols: number) => tf.reshape(t, [batch * heads, rows, cols]) as tf.Tensor3D;
  const qh = toBatches(split(q, length, [0, 2, 1, 3]), length, headSize);
  const kT = toBatches(split(k, keyLength, [0, 2, 3, 1]), headSize, keyLength);
  const vh = toBatches(split(v, keyLength, [0, 2, 1, 3]), keyLength, headSize);

  const scores = tf.reshape(tf.mul(batchMatMul(qh, kT), 1 / Math.sqrt(headSize)), [batch, heads, length, keyLength]);
  const probs = tf.softmax(tf.add(scores, tf.reshape(additiveMask, [batch, 1, 1, keyLength])));
  const dropped = keep ? tf.mul(probs, keep) : probs;
  const context = batchMatMul(toBatches(dropped, length, keyLength), vh); // [B·H, T, dh]
  return tf.reshape(tf.transpose(tf.reshape(context, [batch, heads, length, headSize]), [0, 2, 1, 3]), [batch * length, heads * headSize]);
}

/**
 * The dropout multiplier for an x of this shape, 0 or 1/(1 − rate) per element, from the seed. Drawn with
 * mulberry32 (data/random.ts, the same sequence as createRng(seed)) in one loop: tf.randomUniform's generator took ~50 ns per element, ~20 ms of a
 * reviews-sized adapter step (bench/profile.ts). The same on every backend.
 */
export function dropoutMultiplier(shape: number[], rate: number, seed: number): tf.Tensor {
  const keepProb = 1 - rate;
  const scale = Math.fround(1 / keepProb);
  const threshold = keepProb * 4294967296;
  // On wasm a kernel makes the same draws, split over the kernel threads (elementwise.c's dropout_mask).
  const keepBelow = Math.ceil(threshold);
  if (useElementwiseKernels() && keepBelow < 4294967296) return dropoutMaskKernel(shape, seed, keepBelow, scale);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  // createRng's mulberry32 inlined (a closure call per element cost 3× more): keep when u32 / 2^32 < keepProb.
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (t ^ (t >>> 14)) >>> 0 < threshold ? scale : 0;
  }
  return tf.tensor(values, shape, 'float32');
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Exact GELU, 0.5·x·(1 + erf(x/√2)), as BERT's "gelu". On wasm one SIMD pass each way (kernels/elementwise.c:
 * tfjs's Erf and its gradient took ~10% of a step); elsewhere the stock formulation.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  return useElementwiseKernels() ? fusedGelu(x) : stockGelu(x);
}

/** GELU from stock tfjs ops (no `pow`, which is slow on wasm). */
export function stockGelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1)) as T;
}

let elementwiseKernelsAllowed = true;

/** Allows or forbids the GELU, LayerNorm and embedding kernels, so benchmarks and tests can run the stock formulations on wasm. */
export function allowElementwiseKernels(allowed: boolean): void {
  elementwiseKernelsAllowed = allowed;
}

/** True when gelu, layerNorm and the embedding sum run on our wasm kernels now. */
export function useElementwiseKernels(): boolean {
  return elementwiseKernelsAllowed && elementwiseKernelsAvailable();
}

/** LayerNorm over the last axis, eps as in BERT. On wasm one kernel pass (9 tfjs ops forward, ~25 backward). */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-12): tf.Tensor2D {
  return useElementwiseKernels() && x.shape[1] % 4 === 0 ? fusedLayerNorm(x, gamma, beta, eps) : stockLayerNorm(x, gamma, beta, eps);
}

/** LayerNorm from stock tfjs ops. */
export function stockLayerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-12): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

export function activation(name: 'relu' | 'gelu' | 'swish' | 'tanh', x: tf.Tensor2D): tf.Tensor2D {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      return gelu(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'tanh':
      return tf.tanh(x);
  }
}

/** Mean cross-entropy of logits [n, c] against integer labels [n], numerically stable (wasm has no LogSoftmax). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // Shifting by the row max keeps exp finite; its own gradient cancels out exactly.
  const max = tf.max(logits, -1, true);
  const shifted = tf.sub(logits, max);
  const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1));
  const picked = tf.sum(tf.mul(shifted, tf.oneHot(labels, logits.shape[1])), -1);
  return tf.mean(tf.sub(logSumExp, picked));
}

/** Inverted dropout with the multiplier of `dropoutMultiplier` (no-op for rate 0 or a null seed: inference). */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number | null): T {
  return rate > 0 && seed !== null ? (tf.mul(x, dropoutMultiplier(x.shape, rate, seed)) as T) : x;
}
