// Timers around every tfjs kernel of a backend (by kernel name) and, optionally, around every function of our own
// WebAssembly kernels (by "own:<file>.<function>"), for bench/profile.ts and bench/pretrainProfile.ts.
// tf.profile is not used: on wasm its per-kernel timing inflated a step 5–10×.
import * as tf from '@tensorflow/tfjs';
import { wasmApi } from '../src/core/model/kernels/loader';

export interface KernelTime {
  ms: number;
  calls: number;
  /** Own kernels only: milliseconds spent while a tfjs kernel was running (counted in that kernel's time too). */
  nestedMs: number;
}

export type Clock = 'CPU' | 'wall';

/** Milliseconds since the call on `clock`: CPU time of this process, or wall time (threads > 1). */
export function mark(clock: Clock): () => number {
  if (clock === 'wall') {
    const t0 = performance.now();
    return () => performance.now() - t0;
  }
  const before = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
}

export class KernelTimer {
  readonly byKernel = new Map<string, KernelTime>();
  recording = false;
  private tfjsDepth = 0;

  constructor(readonly clock: Clock) {}

  /** Wraps every kernel of the backend with a timer that adds to byKernel while `recording`. */
  instrumentTfjs(backend: string): void {
    for (const config of tf.getKernelsForBackend(backend)) {
      const inner = config.kernelFunc;
      const timed: tf.KernelFunc = (args) => {
        if (!this.recording) return inner(args);
        const elapsed = mark(this.clock);
        this.tfjsDepth++;
        try {
          return inner(args);
        } finally {
          this.tfjsDepth--;
          this.add(config.kernelName, elapsed(), false);
        }
      };
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel({ ...config, kernelFunc: timed });
    }
  }

  /**
   * Wraps the exports of every own kernel instantiated from now on (the loader's `new WebAssembly.Instance`); call it
   * before the first kernel call. Only this thread's calls are seen (1 kernel thread).
   */
  instrumentOwnKernels(): void {
    const Instance = wasmApi.Instance;
    const wrap = (name: string, f: (...args: unknown[]) => unknown) => {
      const label = `own:${name}`;
      return (...args: unknown[]) => {
        if (!this.recording) return f(...args);
        const elapsed = mark(this.clock);
        try {
          return f(...args);
        } finally {
          this.add(label, elapsed(), this.tfjsDepth > 0);
        }
      };
    };
    // The exports object of an instance is frozen: the loader gets an instance-like object with wrapped functions.
    wasmApi.Instance = function (module: object, imports: { env: { memory: unknown } }) {
      const exports = new Instance(module, imports as never).exports as Record<string, unknown>;
      const timed = Object.fromEntries(
        Object.entries(exports).map(([name, f]) => [name, typeof f === 'function' ? wrap(name, f as (...args: unknown[]) => unknown) : f]),
      );
      return { exports: timed };
    } as unknown as typeof wasmApi.Instance;
  }

  private add(name: string, ms: number, nested: boolean): void {
    const entry = this.byKernel.get(name) ?? { ms: 0, calls: 0, nestedMs: 0 };
    entry.ms += ms;
    entry.calls++;
    if (nested) entry.nestedMs += ms;
    this.byKernel.set(name, entry);
  }
}
