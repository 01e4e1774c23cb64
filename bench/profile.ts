// Where a training step's time goes: the CPU time of each kernel call summed by kernel name (every wasm kernel's
// function is wrapped with a timer; CPU time, because wall time counts waiting when others share the cores), and the rest
// of the step (JavaScript outside kernels: taping, random numbers for dropout masks, tensor bookkeeping); the timers
// are bench/kernelTimer.ts's.
// With --threads N (N > 1) the own kernels run on N threads and wall time is measured instead: CPU time would add the
// workers' time to the calls that wait for them. tfjs's kernels (and the own elementwise and optimiser kernels, called
// from them or from plain JavaScript) run on the main thread only: what stays of the step is the serial part. Run it
// under `node --cpu-prof` to see the own kernels' wasm functions by name.
// Usage: node --import tsx bench/profile.ts [model] [variant…] [--threads N]   e.g. `tiny-18 houlsby full head-only`
import { selectBackend } from '../src/core/model/backend';
import { setKernelThreads } from '../src/core/model/kernels/threadedKernels';
import { KernelTimer } from './kernelTimer';
import { timeOnce } from './measure';
import { MODELS, type ModelName, buildEncoder, syntheticBatch, syntheticExamples } from './models';
import { workloads } from './workloads';

const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : 1;
const timer = new KernelTimer(threads > 1 ? 'wall' : 'CPU');
const byKernel = timer.byKernel;

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--threads' && all[i - 1] !== '--threads');
  const [modelName = 'tiny-18', ...names] = args;
  await selectBackend('wasm');
  setKernelThreads(threads);
  timer.instrumentTfjs('wasm');
  const bench = MODELS[modelName as ModelName];
  const encoder = buildEncoder(bench);
  const batch = syntheticBatch(bench);
  const wanted = names.length ? names : ['forward', 'full', 'houlsby', 'head-only'];
  const runnables = workloads(bench, encoder, batch, false, syntheticExamples(bench)).filter((r) => wanted.includes(r.name));
  const repeats = 5;
  for (const r of runnables) {
    for (let i = 0; i < 2; i++) r.run(); // warm-up
    byKernel.clear();
    timer.recording = true;
    const cpu = Array.from({ length: repeats }, () => timeOnce(() => r.run())[threads > 1 ? 'wallMs' : 'cpuMs']);
    timer.recording = false;
    const stepMs = cpu.reduce((a, b) => a + b, 0) / repeats;
    const kernelMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0) / repeats;
    console.log(
      `\n${bench.name} ${r.name}, ${threads} thread(s): step ${stepMs.toFixed(1)} ${timer.clock} ms (mean of ${repeats}); tfjs kernels ${kernelMs.toFixed(1)} ms, outside them ${(stepMs - kernelMs).toFixed(1)} ms`,
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
