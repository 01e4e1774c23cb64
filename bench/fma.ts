// One model's forward pass and training steps with the plain and the FMA kernels (kernelVariant.ts), each with 1 and
// 2 kernel threads, side by side: interleaved in one process, every variant once a pass in a new random order, so a
// busy moment of the machine hits all alike. The FMA/plain ratio is also taken pass by pass (the two ran minutes
// apart at most), and its spread over the passes is reported: this machine is shared, one median is not enough.
import * as tf from '@tensorflow/tfjs';
import { fusedAttention } from '../src/core/model/kernels/attention';
import { weightAndBiasGradients } from '../src/core/model/kernels/gradients';
import { fmaKernels, setFmaKernels } from '../src/core/model/kernels/kernelVariant';
import { matmul, matmulTransposed } from '../src/core/model/kernels/matmul';
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
  cpuSamplesMs: number[];
}

export interface FmaResult {
  model: ModelName;
  /** By step, then `${build} ${threads}` ("plain 1", "fma 2", …). */
  ms: Record<string, Record<string, FmaCell>>;
  /** By step and thread count: fma ÷ plain wall time of each pass (paired), and their median. */
  ratios: Record<string, Record<number, { perPass: number[]; median: number }>>;
  /** The same from CPU time (of the whole process): less moved by other processes than wall time. */
  cpuRatios: Record<string, Record<number, { perPass: number[]; median: number }>>;
  /** The kernels alone at this model's shapes, 1 thread (null for models without a kernel table). */
  kernels: KernelTiming[] | null;
}

export interface KernelTiming {
  kernel: string;
  plain: { minCpuMs: number; medianCpuMs: number };
  fma: { minCpuMs: number; medianCpuMs: number };
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
  for (const [v, t] of timings)
    (ms[v.name] ??= {})[cellKey(v.build, v.threads)] = { wallMs: t.wallMs, cpuMs: t.cpuMs, wallSamplesMs: t.wallSamplesMs, cpuSamplesMs: t.cpuSamplesMs };
  // The samples of a variant are in pass order, so plain and fma of the same pass pair up.
  const paired = (samples: (c: FmaCell) => number[]) => {
    const out: FmaResult['ratios'] = {};
    for (const [step, cells] of Object.entries(ms))
      for (const threads of FMA_THREADS) {
        const plain = samples(cells[cellKey('plain', threads)]);
        const perPass = samples(cells[cellKey('fma', threads)]).map((w, i) => w / plain[i]);
        (out[step] ??= {})[threads] = { perPass, median: median(perPass) };
      }
    return out;
  };
  const kernels =
    bench.name === 'mini' ? benchKernels(bench.config.hiddenSize, bench.config.intermediateSize, bench.batch, bench.length, bench.config.heads) : null;
  return { model: bench.name, ms, ratios: paired((c) => c.wallSamplesMs), cpuRatios: paired((c) => c.cpuSamplesMs), kernels };
}

/** Each FMA kernel against its plain one at a model's shapes, 1 thread: CPU ms, min and median of 15 interleaved rounds. */
function benchKernels(d: number, ffn: number, batch: number, length: number, heads: number): KernelTiming[] {
  const rows = batch * length;
  const x = tf.randomNormal([rows, d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const w = tf.randomNormal([d, ffn], 0, 0.05, 'float32', 2) as tf.Tensor2D;
  const bias = tf.zeros([ffn]) as tf.Tensor1D;
  const dy = tf.randomNormal([rows, ffn], 0, 1, 'float32', 3) as tf.Tensor2D;
  const [q, k, v] = [4, 5, 6].map((seed) => tf.randomNormal([rows, d], 0, 1, 'float32', seed) as tf.Tensor2D);
  const mask = tf.zeros([batch, length]) as tf.Tensor2D;
  const shape = { batch, length, heads };
  const attentionStep = () => {
    const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
      tf.sum(fusedAttention(qi as tf.Tensor2D, ki as tf.Tensor2D, vi as tf.Tensor2D, mask, null, shape));
    return tf.grads(f)([q, k, v]);
  };
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    [`x·W + b [${rows}, ${d}]·[${d}, ${ffn}]`, () => matmul(x, w, bias)],
    [`dy·Wᵀ [${rows}, ${ffn}]·[${ffn}, ${d}]`, () => matmulTransposed(dy, w)],
    [`dW = xᵀ·dy, db [${rows}, ${d}], [${rows}, ${ffn}]`, () => weightAndBiasGradients(x, dy)],
    [`attention forward + backward B ${batch}, T ${length}, H ${heads}, d ${d}`, attentionStep],
  ];
  setKernelThreads(1);
  const variants = cases.flatMap(([kernel, f]) =>
    (['plain', 'fma'] as const).map((build) => ({
      kernel,
      build,
      run: () => {
        setFmaKernels(build === 'fma');
        tf.dispose(f());
      },
    })),
  );
  const timings = interleaved(variants, 2, 15);
  setFmaKernels(true);
  tf.dispose([x, w, bias, dy, q, k, v, mask]);
  return cases.map(([kernel]) => {
    const of = (build: KernelBuild) => {
      const t = [...timings].find(([variant]) => variant.kernel === kernel && variant.build === build)![1];
      return { minCpuMs: Math.min(...t.cpuSamplesMs), medianCpuMs: t.cpuMs };
    };
    return { kernel, plain: of('plain'), fma: of('fma') };
  });
}
