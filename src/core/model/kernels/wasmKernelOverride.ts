// Our replacements of stock tfjs-wasm kernels (heapSlice.ts, heapGather.ts, sharedCopies.ts): each handles the cases
// it does better and leaves the rest to the stock kernel.
import * as tf from '@tensorflow/tfjs';

/** What the replacements use of the wasm backend. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export type KernelArgs = Parameters<tf.KernelFunc>[0];

const replaced = new Set<string>();

/**
 * Registers `handle` as the wasm backend's `kernelName`; where it returns undefined, the stock kernel runs.
 * Idempotent; call after the wasm backend's kernels are registered (importing it registers them).
 */
export function replaceWasmKernel(kernelName: string, handle: (args: KernelArgs) => tf.TensorInfo | undefined): void {
  if (replaced.has(kernelName)) return;
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return;
  replaced.add(kernelName);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc: (args) => handle(args) ?? stock.kernelFunc(args) });
}
