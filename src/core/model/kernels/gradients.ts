// The weight and bias gradients of a dense layer computed by gradients.wasm (see gradients.c) in tfjs's own heap:
// dW = xᵀ·dy without a transposed copy of x, and db = Σ_rows dy in the same pass. ops.dense's backward uses them
// when they are available. These run inside a gradFunc: they are not differentiable themselves.
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import { kernelBinary } from './kernelVariant';
import { allocate, switchableKernel } from './loader';
import { poolFor, runShares, taskRanges } from './threadedKernels';

/** The C functions of gradients.c; every pointer is a byte offset in the shared memory (0: none). */
export interface GradientExports {
  weight_gradient(
    x: number,
    dy: number,
    dw: number,
    db: number,
    scratch: number,
    rows: number,
    inputs: number,
    outputs: number,
    xStride: number,
    outStride: number,
  ): void;
  weight_gradient_scratch(rows: number, inputs: number, outputs: number): number;
}

/** The plain binary: beside this file in the source tree; beside the bundle in dist/ and dist/extension/ (scripts/build.mjs copies it). */
export const GRADIENTS_WASM = path.join(__dirname, 'gradients.wasm');

// The FMA variant (gradients.fma.wasm) where the runtime has it and it is wanted (kernelVariant.ts).
const kernel = switchableKernel<GradientExports>(() => kernelBinary('gradients'), 'the gradient kernels');

/** Allows or forbids the kernels, so benchmarks and tests can run the stock formulation on wasm too. */
export const allowGradientKernels = kernel.allow;

/** True when ops.dense's backward runs on the kernels now (wasm backend, the binary found, not forbidden). */
export const useGradientKernels = kernel.available;

/** xᵀ·dy for x [rows, in] and dy [rows, out] (float32): [in, out], the weight gradient. Needs useGradientKernels(). */
export function weightGradient(x: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  return run(x, dy, false)[0];
}

/** The weight gradient xᵀ·dy and the bias gradient Σ_rows dy, in one pass over dy. Needs useGradientKernels(). */
export function weightAndBiasGradients(x: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  const [dw, db] = run(x, dy, true);
  return [dw, db as tf.Tensor1D];
}

function run(x: tf.Tensor2D, dy: tf.Tensor2D, withBias: boolean): [tf.Tensor2D, tf.Tensor1D | null] {
  const { backend, exports, at } = kernel.bound();
  const [rows, inputs] = x.shape;
  const outputs = dy.shape[1];
  if (dy.shape[0] !== rows) throw new Error(`weight gradient: x has ${rows} rows but dy ${dy.shape[0]}`);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`weight gradient: float32 only, not ${x.dtype} and ${dy.dtype}`);
  const dw = allocate(backend, [inputs, outputs]) as tf.Tensor2D;
  const db = withBias ? (allocate(backend, [outputs]) as tf.Tensor1D) : null;
  // Split dW by rows (columns of x, strips of 4) or by columns (columns of dy, panels of 8), whichever side is
  // larger: every task packs all of the other operand's rows (x's block or dy's strips), so that one should be the
  // narrower. Split by rows, db is summed by the first task; by columns, each task sums its columns of db.
  const pool = poolFor('weightGradient', rows * inputs * outputs);
  const byColumns = pool !== null && outputs > inputs;
  const parts = byColumns ? taskRanges(pool, outputs, 8, 'weightGradient') : taskRanges(pool, inputs, 4, 'weightGradient');
  // Sized for at least one column: an empty share's size would divide by zero (its task does not run).
  const scratch = parts.map(([i0, i1]) =>
    allocate(backend, [Math.max(1, exports.weight_gradient_scratch(rows, byColumns ? inputs : Math.max(1, i1 - i0), outputs))]),
  );
  const [px, pdy, pdw, pdb] = [at(x), at(dy), at(dw), db ? at(db) : 0];
  const args = (s0: number, s1: number, t: number) =>
    byColumns
      ? [px, pdy + s0 * 4, pdw + s0 * 4, db ? pdb + s0 * 4 : 0, at(scratch[t]), rows, inputs, s1 - s0, inputs, outputs]
      : [px + s0 * 4, pdy, pdw + s0 * outputs * 4, t === 0 ? pdb : 0, at(scratch[t]), rows, s1 - s0, outputs, inputs, outputs];
  runShares(
    pool,
    parts.map(([s0, s1], t) => (s1 > s0 || t === 0 ? { kernel: 'gradients', fn: 'weight_gradient', args: args(s0, s1, t) } : null)),
    exports,
  );
  scratch.forEach((s) => s.dispose());
  return [dw, db];
}
