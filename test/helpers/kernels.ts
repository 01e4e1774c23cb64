// Shared by the tests of our own wasm kernels (test/model/*kernel*.test.ts, elementwise.test.ts).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { type WasmMemory, compileKernel, instantiateKernel, wasmApi } from '../../src/core/model/kernels/loader';
import { type KernelKind, kernelThreads, poolFor, setKernelThreads } from '../../src/core/model/kernels/threadedKernels';

/** Skips a test off wasm (ADAPTERLAB_TEST_BACKEND=cpu): the kernels run in the wasm backend's heap. */
export function needsWasm(t: { skip(message: string): void }): boolean {
  if (tf.getBackend() === 'wasm') return false;
  t.skip('needs the wasm backend');
  return true;
}

/** float32 unit roundoff */
export const U = 2 ** -24;

/**
 * |a − e| ≤ 2(n + 1)·u·scale + 1e-30 elementwise, where scale = Σ|terms| of each sum of n terms: the bound on the
 * difference of two float32 sums of the same n terms taken in any orders (each is within (n + 1)·u·Σ|terms| of the
 * exact value). A wrong, missing or extra term is far outside it.
 */
export function assertSumsClose(actual: tf.Tensor, expected: tf.Tensor, scale: tf.Tensor, n: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, what);
  const [a, e, s] = [actual, expected, scale].map((t) => t.dataSync());
  const factor = 2 * (n + 1) * U;
  for (let i = 0; i < a.length; i++) {
    assert.ok(Number.isFinite(a[i]), `${what}[${i}] = ${a[i]}`);
    assert.ok(Math.abs(a[i] - e[i]) <= factor * s[i] + 1e-30, `${what}[${i}]: ${a[i]} vs ${e[i]} (Σ|terms| ${s[i]})`);
  }
}

/**
 * A kernel binary instantiated on a memory of its own (`pages` × 64 KB) filled with NaN canaries, so a test can
 * check that it writes only its outputs; fails if the binary does not compile or imports more than env.memory.
 */
export function kernelOnCanaryMemory<Exports>(file: string, pages: number): { kernel: Exports; memory: WasmMemory; heap: Float32Array } {
  const module = compileKernel(file);
  assert.ok(!(module instanceof Error), String(module));
  const memory = new wasmApi.Memory({ initial: pages });
  const kernel = instantiateKernel<Exports>(module, memory);
  const heap = new Float32Array(memory.buffer);
  heap.fill(Number.NaN);
  return { kernel, memory, heap };
}

// Shapes above the sizes from which the kernel thread pool splits a call (threadedKernels.ts), and uneven, so that
// shares end mid-tile and some are short: used by the thread and FMA kernel tests alike.
// Split by rows of a when m ≥ n, else by columns of the output (the last like a vocabulary layer: 8,001 columns).
export const SPLIT_MATMUL_SHAPES = [
  [1401, 129, 97],
  [1030, 500, 36],
  [130, 513, 257],
  [67, 128, 8001],
] as const;
export const SPLIT_WEIGHT_GRADIENT_SHAPES = [
  [1100, 130, 237], // split by dW's columns (more outputs than inputs)
  [2048, 67, 256],
  [1100, 301, 150], // split by dW's rows
] as const;
/** batch, length, heads, head size */
export const SPLIT_ATTENTION_SHAPE = [7, 101, 3, 40] as const;

/** The values of what `f` returns with `threads` kernel threads; asserts that each call is split exactly when threads > 1. */
export function valuesWithThreads(f: () => tf.Tensor[], calls: [KernelKind, number][], threads: number): Float32Array[] {
  setKernelThreads(threads);
  assert.equal(kernelThreads(), threads, 'the pool started');
  for (const [kind, work] of calls) assert.equal(poolFor(kind, work) !== null, threads > 1, `the ${kind} call is split`);
  return tf
    .tidy(() => f())
    .map((t) => {
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    });
}
