// Copies that share data on the wasm backend. tfjs saves every tensor a gradient will need by "cloning" it (the
// Identity kernel), and a gradient casts float32 to float32 often; the cpu backend answers both by sharing the data
// (a reference count), the wasm backend copies it — 80-odd copies of [576, 128] and more per adapter step, ~10% of
// the step (bench/profile.ts). tfjs tensors are immutable (every kernel, ours included, writes only to new outputs),
// so sharing is safe; this registers the cpu backend's behaviour for wasm.
import type * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './wasmKernelOverride';

interface RefCounting {
  incRef(dataId: object): void;
}

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Idempotent; call after the wasm backend's kernels are registered (importing it registers them). */
export function shareDataOnWasmCopies(): void {
  replaceWasmKernel('Identity', ({ inputs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    return x.dtype === 'string' ? undefined : share(x, backend);
  });
  replaceWasmKernel('Cast', ({ inputs, attrs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    return x.dtype === (attrs as { dtype: string }).dtype ? share(x, backend) : undefined;
  });
}
