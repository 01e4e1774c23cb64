// The 2-D matrix product of dense layers computed by matmul.wasm (see matmul.c) in tfjs's own heap: a·b + bias
// (the forward) and a·bᵀ without a transposed copy of b (the input gradient dy·Wᵀ). ops.dense uses them whenever
// they are available (see useMatmulKernel). These are plain ops: ops.dense defines the gradients.
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import { kernelBinary } from './kernelVariant';
import { allocate, switchableKernel } from './loader';
import { poolFor, runShares, taskRanges } from './threadedKernels';

/** The C functions of matmul.c; every pointer is a byte offset in the shared memory (0: none). */
export interface MatmulExports {
  matmul(a: number, b: number, bias: number, out: number, scratch: number, m: number, k: number, n: number, ld: number, bTransposed: number): void;
  matmul_scratch(m: number, k: number, n: number): number;
}

/** The plain binary: beside this file in the source tree; beside the bundle in dist/ and dist/extension/ (scripts/build.mjs copies it). */
export const MATMUL_WASM = path.join(__dirname, 'matmul.wasm');

// The FMA variant (matmul.fma.wasm) where the runtime has it and it is wanted (kernelVariant.ts).
const kernel = switchableKernel<MatmulExports>(() => kernelBinary('matmul'), 'the matmul kernel');

/** Allows or forbids the kernel, so benchmarks and tests can run the stock formulation on wasm too. */
export const allowMatmulKernel = kernel.allow;

/**
 * True when ops.dense runs its products on the kernel now (wasm backend, the binary found, not forbidden). There is no
 * rule by shape: the kernel was as fast or faster than tfjs at every shape measured (min of 25–30 interleaved rounds,
 * CPU ms, tfjs → kernel), narrow ones included: x·W + b [2048, 256]·[256, 16] 0.61 → 0.49, [2048, 16]·[16, 256]
 * 0.61 → 0.47, [2048, 256]·[256, 8] 0.38 → 0.31, [2048, 256]·[256, 1] 0.31 → 0.23, [32, 256]·[256, 2] 0.028 → 0.009;
 * dy·Wᵀ [2048, 16]·[16, 256] 0.71 → 0.47, [2048, 256]·[256, 16] 0.60 → 0.43. Only k = 1 at 2,048 rows (an outer
 * product: [2048, 1]·[1, 256] 0.12 → 0.14 ms forward, 0.11 → 0.17 ms dy·Wᵀ by the minimum, the same by the median)
 * was not faster (by 0.02–0.06 ms); the layers with 1 input or output here are heads, which see one row per sequence.
 */
export const useMatmulKernel = kernel.available;

/** a [m, k] · b [k, n] (+ bias [n]), float32. Needs useMatmulKernel(). */
export function matmul(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor1D | null = null): tf.Tensor2D {
  return run(a, b, bias, false);
}

/** a [m, k] · bᵀ for b [n, k] (+ bias [n]), float32, without a transposed copy of b. Needs useMatmulKernel(). */
export function matmulTransposed(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor1D | null = null): tf.Tensor2D {
  return run(a, b, bias, true);
}

function run(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor1D | null, bTransposed: boolean): tf.Tensor2D {
  const { backend, exports, at } = kernel.bound();
  const [m, k] = a.shape;
  const [kb, n] = bTransposed ? [b.shape[1], b.shape[0]] : b.shape;
  const what = bTransposed ? 'matmul (b transposed)' : 'matmul';
  if (kb !== k) throw new Error(`${what}: a is [${a.shape}] but b [${b.shape}]`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== n)) throw new Error(`${what}: bias [${bias.shape}] for ${n} columns`);
  for (const t of bias ? [a, b, bias] : [a, b]) if (t.dtype !== 'float32') throw new Error(`${what}: float32 only, not ${t.dtype}`);
  const out = allocate(backend, [m, n]) as tf.Tensor2D;
  // Each thread packs the whole of the operand it does not split: so split the rows of a (strips of 4) when b is the
  // smaller, else the columns of the output (panels of 8: b's columns, or its rows when given transposed), as for the
  // vocabulary-sized layers (a few hundred rows × 8,000 columns). One share (all of it) on one thread.
  const pool = poolFor(bTransposed ? 'inputGradient' : 'forward', m * k * n);
  const byColumns = pool !== null && n > m;
  const parts = byColumns ? taskRanges(pool, n, 8) : taskRanges(pool, m, 4);
  const scratch = parts.map(([s0, s1]) =>
    allocate(backend, [Math.max(1, byColumns ? exports.matmul_scratch(m, k, Math.max(1, s1 - s0)) : exports.matmul_scratch(Math.max(1, s1 - s0), k, n))]),
  );
  const [pa, pb, pbias, pout] = [at(a), at(b), bias ? at(bias) : 0, at(out)];
  const transposed = bTransposed ? 1 : 0;
  const args = (s0: number, s1: number, scratchAt: number) =>
    byColumns
      ? [pa, pb + s0 * (bTransposed ? k : 1) * 4, bias ? pbias + s0 * 4 : 0, pout + s0 * 4, scratchAt, m, k, s1 - s0, n, transposed]
      : [pa + s0 * k * 4, pb, pbias, pout + s0 * n * 4, scratchAt, s1 - s0, k, n, n, transposed];
  runShares(
    pool,
    parts.map(([s0, s1], t) => (s1 > s0 ? { kernel: 'matmul', fn: 'matmul', args: args(s0, s1, at(scratch[t])) } : null)),
    exports,
  );
  scratch.forEach((s) => s.dispose());
  return out;
}
