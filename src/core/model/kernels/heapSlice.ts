// Slices that read only what they keep on the wasm backend. tfjs-backend-wasm's Slice starts with readSync of the
// whole input — a copy of all of it out of the wasm heap into a new JS buffer — however little the slice keeps. The
// Parallel composition slices its replicated batch per branch at every adapter (and Split, BatchSplit and the heads
// slice too): those copies took 663 of 14,258 ms of a Parallel evaluation (CPU profile), plus the garbage they left.
// This registers a Slice that copies from a view of the heap instead.
import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmHeapBackend, replaceWasmKernel } from './wasmKernelOverride';

/** Idempotent; call after the wasm backend's kernels are registered (importing it registers them). */
export function sliceFromWasmHeap(): void {
  replaceWasmKernel('Slice', heapSlice);
}

/** The slice for 1-D and 2-D tensors and for contiguous ones; undefined for the rest (the stock kernel does them). */
function heapSlice(args: KernelArgs): tf.TensorInfo | undefined {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return undefined;
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  const [start, extent] = tf.slice_util.parseSliceParams(x, begin, size);
  const contiguous = tf.slice_util.isSliceContinous(x.shape, start, extent);
  if (!contiguous && x.shape.length !== 2) return undefined;
  const backend = args.backend as WasmHeapBackend;
  const out = backend.makeOutput(extent, x.dtype);
  if (tf.util.sizeFromShape(extent) === 0) return out;
  // Views only after makeOutput: allocating can grow the heap, which detaches views taken before.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (contiguous) {
    const offset = tf.slice_util.computeFlatOffset(start, strides);
    target.set(source.subarray(offset, offset + tf.util.sizeFromShape(extent)));
    return out;
  }
  const [rows, columns] = extent;
  for (let r = 0; r < rows; r++) {
    const from = (start[0] + r) * strides[0] + start[1];
    target.set(source.subarray(from, from + columns), r * columns);
  }
  return out;
}
