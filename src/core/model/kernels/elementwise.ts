// GELU, LayerNorm and the embedding sum as differentiable tfjs ops computed by elementwise.wasm (see elementwise.c)
// in tfjs's own heap, and the dropout multiplier. ops.gelu, ops.layerNorm, ops.dropoutMultiplier and
// embeddings.embeddingSum choose them when they are available. GELU, LayerNorm and the dropout multiplier split over
// the kernel threads (threadedKernels.ts) when they are large enough: elements, rows, or columns, as each pass allows
// with the same bits as one thread.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { allocate, kernelInTfjsHeap, requireKernel } from './loader';
import { runSplit } from './threadedKernels';

/** The C functions of elementwise.c; every pointer is a byte offset in the shared memory. */
export interface ElementwiseExports {
  gelu_forward(x: number, y: number, cdf: number, n: number): void;
  gelu_backward(x: number, cdf: number, dy: number, dx: number, n: number): void;
  embed_forward(word: number, ids: number, position: number, type: number, types: number, out: number, rows: number, length: number, d: number): void;
  embed_backward(
    dy: number,
    ids: number,
    types: number,
    dword: number,
    dposition: number,
    dtype: number,
    rows: number,
    length: number,
    d: number,
    vocab: number,
    positions: number,
    typeCount: number,
  ): void;
  layer_norm_forward(x: number, gamma: number, beta: number, y: number, mean: number, rstd: number, rows: number, d: number, eps: number): void;
  layer_norm_input_gradient(dy: number, x: number, gamma: number, mean: number, rstd: number, dx: number, rows: number, d: number): void;
  layer_norm_parameter_gradients(
    dy: number,
    x: number,
    mean: number,
    rstd: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    d: number,
    columns: number,
  ): void;
  dropout_mask(out: number, n: number, first: number, seed: number, keepBelow: number, scale: number): void;
}

/** Beside this file in the source tree; beside the bundle in dist/ and dist/extension/ (scripts/build.mjs copies it). */
export const ELEMENTWISE_WASM = path.join(__dirname, 'elementwise.wasm');

/** True when the kernels can run on the current backend. */
export function elementwiseKernelsAvailable(): boolean {
  return kernelInTfjsHeap<ElementwiseExports>(ELEMENTWISE_WASM) !== null;
}

function bound() {
  return requireKernel<ElementwiseExports>(ELEMENTWISE_WASM, 'the elementwise kernels');
}

/** Exact GELU, x·Φ(x), any shape; gradient flows to x. Needs elementwiseKernelsAvailable(). */
export function fusedGelu<T extends tf.Tensor>(x: T): T {
  const { backend, exports, at } = bound();
  const f = tf.customGrad((xi, save) => {
    const input = xi as tf.Tensor;
    const y = allocate(backend, input.shape);
    const cdf = allocate(backend, input.shape); // Φ(x): the backward needs it and it costs most of the forward
    const [px, py, pcdf] = [input, y, cdf].map(at);
    splitElements(input.size, exports, (i0, i1) => ({ fn: 'gelu_forward', args: [px + i0 * 4, py + i0 * 4, pcdf + i0 * 4, i1 - i0] }));
    (save as tf.GradSaveFunc)([input, cdf]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, cdfs] = saved;
        const dx = allocate(backend, xs.shape);
        const [px, pcdf, pdy, pdx] = [xs, cdfs, dy as tf.Tensor, dx].map(at);
        splitElements(xs.size, exports, (i0, i1) => ({ fn: 'gelu_backward', args: [px + i0 * 4, pcdf + i0 * 4, pdy + i0 * 4, pdx + i0 * 4, i1 - i0] }));
        return dx;
      },
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return f(x) as T;
}

export interface EmbeddingTables {
  word: tf.Tensor2D; // [vocab, d]
  position: tf.Tensor2D; // [positions, d]
  type: tf.Tensor2D; // [types, d]
}

/**
 * word[ids] + position[t] + type[typeIds] for ids, typeIds [B, T] (int32): [B·T, d], d a multiple of 4.
 * `trainable`: gradients flow to all three tables (dense, zero where unused); else none are computed.
 */
export function fusedEmbeddingSum(tables: EmbeddingTables, ids: tf.Tensor2D, typeIds: tf.Tensor2D, trainable: boolean): tf.Tensor2D {
  const { backend, exports, at } = bound();
  const [batch, length] = ids.shape;
  const rows = batch * length;
  const d = tables.word.shape[1];
  const forward = (word: tf.Tensor, position: tf.Tensor, type: tf.Tensor) => {
    const out = allocate(backend, [rows, d]);
    exports.embed_forward(at(word), at(ids), at(position), at(type), at(typeIds), at(out), rows, length, d);
    return out as tf.Tensor2D;
  };
  if (!trainable) return forward(tables.word, tables.position, tables.type);
  const f = tf.customGrad((word, position, type) => ({
    value: forward(word as tf.Tensor, position as tf.Tensor, type as tf.Tensor),
    gradFunc: (dy) => {
      const grads = [tables.word, tables.position, tables.type].map((t) => allocate(backend, t.shape));
      const [dw, dp, dt] = grads.map(at);
      exports.embed_backward(
        at(dy as tf.Tensor),
        at(ids),
        at(typeIds),
        dw,
        dp,
        dt,
        rows,
        length,
        d,
        tables.word.shape[0],
        tables.position.shape[0],
        tables.type.shape[0],
      );
      return grads;
    },
  })) as (w: tf.Tensor2D, p: tf.Tensor2D, t: tf.Tensor2D) => tf.Tensor2D;
  return f(tables.word, tables.position, tables.type);
}

/** LayerNorm over the last axis of x [rows, d] (d a multiple of 4); gradients flow to x, gamma and beta. */
export function fusedLayerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  const { backend, exports, at } = bound();
  const [rows, d] = x.shape;
  const f = tf.customGrad((xi, g, b, save) => {
    const [xt, gt, bt] = [xi, g, b] as tf.Tensor[];
    const y = allocate(backend, [rows, d]);
    const mean = allocate(backend, [rows]);
    const rstd = allocate(backend, [rows]);
    const [px, pg, pb, py, pm, pr] = [xt, gt, bt, y, mean, rstd].map(at);
    const row = d * 4;
    splitWork(rows, 1, rows * d, exports, (r0, r1) => ({
      fn: 'layer_norm_forward',
      args: [px + r0 * row, pg, pb, py + r0 * row, pm + r0 * 4, pr + r0 * 4, r1 - r0, d, eps],
    }));
    (save as tf.GradSaveFunc)([xt, gt, mean, rstd]);
    return {
      value: y as tf.Tensor2D,
      gradFunc: (dy, saved) => {
        const [xs, gs, ms, rs] = saved;
        const [dx, dgamma, dbeta] = [[rows, d], [d], [d]].map((s) => allocate(backend, s));
        const [pdy, px, pg, pm, pr, pdx, pdg, pdb] = [dy as tf.Tensor, xs, gs, ms, rs, dx, dgamma, dbeta].map(at);
        const row = d * 4;
        splitWork(rows, 1, rows * d, exports, (r0, r1) => ({
          fn: 'layer_norm_input_gradient',
          args: [pdy + r0 * row, px + r0 * row, pg, pm + r0 * 4, pr + r0 * 4, pdx + r0 * row, r1 - r0, d],
        }));
        splitWork(d, 4, rows * d, exports, (j0, j1) => ({
          fn: 'layer_norm_parameter_gradients',
          args: [pdy + j0 * 4, px + j0 * 4, pm, pr, pdg + j0 * 4, pdb + j0 * 4, rows, d, j1 - j0],
        }));
        return [dx, dgamma, dbeta];
      },
    };
  }) as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;
  return f(x, gamma, beta);
}

/**
 * The dropout multiplier for a tensor of `shape`: `scale` where mulberry32's draw from `seed` is below `keepBelow`
 * (⌈keep probability · 2³²⌉, < 2³²), else 0 — the values of ops.dropoutMultiplier's JavaScript loop, bit for bit.
 */
export function dropoutMaskKernel(shape: number[], seed: number, keepBelow: number, scale: number): tf.Tensor {
  const { backend, exports, at } = bound();
  const mask = allocate(backend, shape);
  const out = at(mask);
  splitElements(mask.size, exports, (i0, i1) => ({ fn: 'dropout_mask', args: [out + i0 * 4, i1 - i0, i0, seed >>> 0, keepBelow, scale] }));
  return mask;
}

type Share = { fn: keyof ElementwiseExports; args: number[] };

/** A pass over `count` float elements, split into shares of whole SIMD vectors when it pays. */
function splitElements(count: number, exports: ElementwiseExports, task: (start: number, end: number) => Share): void {
  runSplit('elementwise', 'elementwise', count, count, 4, exports, task);
}

/** `count` rows or columns (in multiples of `unit`) of a pass writing `floats`, split when it pays. */
function splitWork(count: number, unit: number, floats: number, exports: ElementwiseExports, task: (start: number, end: number) => Share): void {
  runSplit('elementwise', 'elementwise', floats, count, unit, exports, task);
}
