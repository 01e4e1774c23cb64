// One model's forward pass and training steps with the plain and the FMA kernels (kernelVariant.ts), each with 1 and
// 2 kernel threads, side by side: interleaved in one process, every variant once a pass in a new random order, so a
// busy moment of the machine hits all alike. The FMA/plain ratio is also taken pass by pass (the two ran minutes
// apart at most), and its spread over the passes is reported: this machine is shared, one median is not enough.
import { fmaKernels, setFmaKernels } from '../src/core/model/kernels/kernelVariant';
import { relaxedSimdSupported } from '../src/core/model/kernels/relaxedSimd';
import { setKernelThreads } from '../src/core/model/kernels/threadedKernels';
import type { Batch } from '../src/core/train/batches';
import type { BertEncoder } from '../src/core/model/bert';
import { interleaved, median } from './measure';
import type { BenchModel, ModelName } from './models';
import { workloads } from './workloads';

export const FMA_THREADS = [1, 2] as const;
export const FMA_STEPS = ['forward', 'full', 'houlsby', 'lora'];
export type KernelBuild = 'plain' | 'fma';

export interface FmaCell {
  wallMs: number; // median
  cpuMs: number; // median
  wallSamplesMs: number[];
}

export interface FmaResult {
  model: ModelName;
  /** By step, then `${build} ${threads}` ("plain 1", "fma 2", …). */
  ms: Record<string, Record<string, FmaCell>>;
  /** By step and thread count: fma ÷ plain wall time of each pass (paired), and their median. */
  ratios: Record<string, Record<number, { perPass: number[]; median: number }>>;
}

export const cellKey = (build: KernelBuild, threads: number) => `${build} ${threads}`;

export function benchFma(bench: BenchModel, encoder: BertEncoder, batch: Batch, warmup: number, repeats: number): FmaResult {
  if (!relaxedSimdSupported()) {
    throw new Error('the FMA bench needs WebAssembly relaxed SIMD: run it with --experimental-wasm-relaxed-simd on Node 20 (bench/main.ts does)');
  }
  const base = workloads(bench, encoder, batch, false, undefined, FMA_STEPS);
  const variants = base.flatMap((r) =>
    (['plain', 'fma'] as const).flatMap((build) =>
      FMA_THREADS.map((threads) => ({
        name: r.name,
        build,
        threads,
        run: () => {
          setFmaKernels(build === 'fma');
          setKernelThreads(threads);
          if (fmaKernels() !== (build === 'fma')) throw new Error(`the ${build} kernels are not the ones in use`);
          r.run();
        },
      })),
    ),
  );
  const timings = interleaved(variants, warmup, repeats);
  setKernelThreads(1);
  setFmaKernels(true);
  base.forEach((r) => r.dispose());
  const ms: FmaResult['ms'] = {};
  for (const [v, t] of timings) (ms[v.name] ??= {})[cellKey(v.build, v.threads)] = { wallMs: t.wallMs, cpuMs: t.cpuMs, wallSamplesMs: t.wallSamplesMs };
  // The samples of a variant are in pass order, so plain and fma of the same pass pair up.
  const ratios: FmaResult['ratios'] = {};
  for (const [step, cells] of Object.entries(ms))
    for (const threads of FMA_THREADS) {
      const plain = cells[cellKey('plain', threads)].wallSamplesMs;
      const perPass = cells[cellKey('fma', threads)].wallSamplesMs.map((w, i) => w / plain[i]);
      (ratios[step] ??= {})[threads] = { perPass, median: median(perPass) };
    }
  return { model: bench.name, ms, ratios };
}
