// Where a training step's time goes: the CPU time of each kernel call summed by kernel name (every wasm kernel's
// function is wrapped with a timer; CPU time, because wall time counts waiting when others share the cores), and the rest
// of the step (JavaScript outside kernels: taping, random numbers for dropout masks, tensor bookkeeping).
// tf.profile is not used: on wasm its per-kernel timing inflated a step 5–10×.
// Usage: node --import tsx bench/profile.ts [model] [variant…]   e.g. `tiny-18 houlsby full head-only`
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/core/model/backend';
import { timeOnce } from './measure';
import { MODELS, type ModelName, buildEncoder, syntheticBatch, syntheticExamples } from './models';
import { workloads } from './workloads';

const byKernel = new Map<string, { ms: number; calls: number }>();
let recording = false;

/** Wraps every kernel of the backend with a timer that adds to byKernel while `recording`. */
function instrument(backend: string): void {
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    const timed: tf.KernelFunc = (args) => {
      if (!recording) return inner(args);
      const before = process.cpuUsage();
      const out = inner(args);
      const used = process.cpuUsage(before);
      const entry = byKernel.get(config.kernelName) ?? { ms: 0, calls: 0 };
      entry.ms += (used.user + used.system) / 1000;
      entry.calls++;
      byKernel.set(config.kernelName, entry);
      return out;
    };
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({ ...config, kernelFunc: timed });
  }
}

async function main(): Promise<void> {
  const [modelName = 'tiny-18', ...names] = process.argv.slice(2);
  await selectBackend('wasm');
  instrument('wasm');
  const bench = MODELS[modelName as ModelName];
  const encoder = buildEncoder(bench);
  const batch = syntheticBatch(bench);
  const wanted = names.length ? names : ['forward', 'full', 'houlsby', 'head-only'];
  const runnables = workloads(bench, encoder, batch, false, syntheticExamples(bench)).filter((r) => wanted.includes(r.name));
  const repeats = 5;
  for (const r of runnables) {
    for (let i = 0; i < 2; i++) r.run(); // warm-up
    byKernel.clear();
    recording = true;
    const cpu = Array.from({ length: repeats }, () => timeOnce(() => r.run()).cpuMs);
    recording = false;
    const stepMs = cpu.reduce((a, b) => a + b, 0) / repeats;
    const kernelMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0) / repeats;
    console.log(
      `\n${bench.name} ${r.name}: step ${stepMs.toFixed(1)} CPU ms (mean of ${repeats}); kernels ${kernelMs.toFixed(1)} ms, outside kernels ${(stepMs - kernelMs).toFixed(1)} ms`,
    );
    for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 16)) {
      const ms = e.ms / repeats;
      console.log(
        `  ${name.padEnd(18)} ${ms.toFixed(2).padStart(8)} ms  ${String(e.calls / repeats).padStart(5)} calls  ${((100 * ms) / stepMs).toFixed(1).padStart(5)}%`,
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
