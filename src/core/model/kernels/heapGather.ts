// Row gathers that copy from a view of the wasm heap. tfjs-backend-wasm's GatherV2 reads the indices out of the heap,
// checks each with a closure, reshapes both operands and runs a general strided gather: ~1 ms for pre-training's
// masked-LM rows ([~240 of ~2,000, 128] a step), on the one thread that runs everything between our kernels. A
// gather of whole rows is a copy per row; this registers a GatherV2 that does just that for 2-D tensors on axis 0.
import type * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmHeapBackend, replaceWasmKernel } from './wasmKernelOverride';

/** Idempotent; call after the wasm backend's kernels are registered (importing it registers them). */
export function gatherFromWasmHeap(): void {
  replaceWasmKernel('GatherV2', gatherRows);
}

/** x [rows, columns] gathered by 1-D int32 indices on axis 0; undefined for anything else (the stock kernel does it). */
function gatherRows(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
  if (x.shape.length !== 2 || indices.shape.length !== 1 || indices.dtype !== 'int32' || x.dtype === 'string') return undefined;
  if ((axis !== 0 && axis !== -2) || batchDims) return undefined;
  const backend = args.backend as WasmHeapBackend;
  const [rows, columns] = x.shape;
  const out = backend.makeOutput([indices.shape[0], columns], x.dtype);
  // Views only after makeOutput: allocating can grow the heap, which detaches views taken before.
  const ids = backend.typedArrayFromHeap(indices);
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  for (let i = 0; i < ids.length; i++) {
    const row = ids[i];
    if (!(row >= 0 && row < rows)) throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
    target.set(source.subarray(row * columns, (row + 1) * columns), i * columns);
  }
  return out;
}
