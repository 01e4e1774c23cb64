// GELU, LayerNorm and the embedding sum as differentiable tfjs ops computed by elementwise.wasm (see elementwise.c)
// in tfjs's own heap. ops.gelu, ops.layerNorm and embeddings.embeddingSum choose them when they are available.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { allocate, kernelInTfjsHeap, requireKernel } from './loader';

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
  layer_norm_backward(
    dy: number,
    x: number,
    gamma: number,
    mean: number,
    rstd: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    d: number,
  ): void;
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
    exports.gelu_forward(at(input), at(y), at(cdf), input.size);
    (save as tf.GradSaveFunc)([input, cdf]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, cdfs] = saved;
        const dx = allocate(backend, xs.shape);
        exports.gelu_backward(at(xs), at(cdfs), at(dy as tf.Tensor), at(dx), xs.size);
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
    exports.layer_norm_forward(at(xt), at(gt), at(bt), at(y), at(mean), at(rstd), rows, d, eps);
    (save as tf.GradSaveFunc)([xt, gt, mean, rstd]);
    return {
      value: y as tf.Tensor2D,
      gradFunc: (dy, saved) => {
        const [xs, gs, ms, rs] = saved;
        const [dx, dgamma, dbeta] = [[rows, d], [d], [d]].map((s) => allocate(backend, s));
        exports.layer_norm_backward(at(dy as tf.Tensor), at(xs), at(gs), at(ms), at(rs), at(dx), at(dgamma), at(dbeta), rows, d);
        return [dx, dgamma, dbeta];
      },
    };
  }) as (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;
  return f(x, gamma, beta);
}
