// Loads our own WebAssembly kernels into the tfjs wasm backend's memory, so they read and write tensors where tfjs
// keeps them (no copies in or out). A kernel module must import only `env.memory` and own no memory of its own:
// no data segments, no C stack (see kernels/README.md).
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { isSharedMemory } from './sharedHeap';

// The part of the WebAssembly API used here: Node has it, but the project's lib (ES2022, no DOM) does not declare it.
export type WasmModule = object;
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule; imports(module: WasmModule): { module: string; name: string; kind: string }[] };
  Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const modules = new Map<string, WasmModule | Error>();
const instances = new WeakMap<WasmMemory, Map<string, unknown>>(); // null: unusable, warned once

/** Compiles a kernel file once; an Error says why it cannot be used (missing file, imports other than env.memory). */
export function compileKernel(file: string): WasmModule | Error {
  let module = modules.get(file);
  if (!module) {
    try {
      module = new wasmApi.Module(fs.readFileSync(file));
      const imports = wasmApi.Module.imports(module).map((i) => `${i.module}.${i.name} (${i.kind})`);
      if (imports.join() !== 'env.memory (memory)') throw new Error(`${file} must import only env.memory, but imports ${imports.join(', ')}`);
    } catch (e) {
      module = e instanceof Error ? e : new Error(String(e));
    }
    modules.set(file, module);
  }
  return module;
}

/** Instantiates a compiled kernel on a memory (tfjs's heap, or a test's own). */
export function instantiateKernel<Exports>(module: WasmModule, memory: WasmMemory): Exports {
  return new wasmApi.Instance(module, { env: { memory } }).exports as Exports;
}

/** The active tfjs wasm backend and its heap's memory, or null (another backend). */
export function tfjsHeap(): { backend: BackendWasm; memory: WasmMemory } | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as BackendWasm;
  // The emscripten module behind the backend keeps its memory in `asm.memory` (tfjs-backend-wasm 4.x).
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  return memory instanceof wasmApi.Memory ? { backend, memory } : null;
}

/**
 * The kernel's exports bound to the active tfjs wasm backend's heap, or null (other backend, kernel unusable). `file`
 * names the build for a private heap (<name>.wasm); a shared heap (sharedHeap.ts) gets its <name>.shared.wasm.
 */
export function kernelInTfjsHeap<Exports>(file: string): { backend: BackendWasm; exports: Exports } | null {
  const heap = tfjsHeap();
  if (!heap) return null;
  const { backend, memory } = heap;
  let bound = instances.get(memory);
  if (!bound) instances.set(memory, (bound = new Map()));
  if (!bound.has(file)) bound.set(file, bind(file, memory));
  const exports = bound.get(file);
  return exports ? { backend, exports: exports as Exports } : null;
}

/**
 * The kernel bound to tfjs's heap with `at` (a tensor's address in it), for callers that have checked it is
 * available (`usable` false: forbidden by a switch); throws naming `what` otherwise.
 */
export function requireKernel<Exports>(file: string, what: string, usable = true): { backend: BackendWasm; exports: Exports; at: (t: tf.Tensor) => number } {
  const k = usable ? kernelInTfjsHeap<Exports>(file) : null;
  if (!k) throw new Error(`${what} needs the wasm backend and ${file}`);
  return { ...k, at: (t) => address(k.backend, t) };
}

/**
 * A kernel that tests and benchmarks may forbid, to run the stock formulation on wasm too: `allow` switches it,
 * `available` says whether callers use it now (wasm backend, the binary found, not forbidden), `bound` binds it.
 * `file` is asked at each call: the binary can change while the process runs (FMA or not, kernelVariant.ts).
 */
export function switchableKernel<Exports>(file: () => string, what: string) {
  let allowed = true;
  return {
    allow: (allow: boolean) => void (allowed = allow),
    available: () => allowed && kernelInTfjsHeap<Exports>(file()) !== null,
    bound: () => requireKernel<Exports>(file(), what, allowed),
  };
}

/** The build of a kernel for a shared memory: <name>.shared.wasm beside <name>.wasm. */
export function sharedBuild(file: string): string {
  return file.replace(/\.wasm$/, '.shared.wasm');
}

/** Instantiates on tfjs's memory, or warns once and returns null (missing file). */
function bind(file: string, memory: WasmMemory): unknown {
  try {
    const module = compileKernel(isSharedMemory(memory) ? sharedBuild(file) : file);
    if (module instanceof Error) throw module;
    return instantiateKernel(module, memory);
  } catch (e) {
    process.emitWarning(`${e instanceof Error ? e.message : String(e)}; using the slower stock tfjs formulation instead`, 'AdapterLabKernelWarning');
    return null;
  }
}

/** A new float32 tensor allocated in tfjs's wasm heap, for a kernel to fill. */
export function allocate(backend: BackendWasm, shape: number[]): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'), backend);
}

/** Where a tensor's data starts in tfjs's wasm heap. */
export function address(backend: BackendWasm, t: tf.Tensor): number {
  return backend.getMemoryOffset(t.dataId);
}
