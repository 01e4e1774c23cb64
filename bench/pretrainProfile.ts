// Where a pre-training step's time goes (issue 20): the lab-base pre-training model of a config (default
// examples/lab-base.pretrain.json: its shape, objectives, batch size and length) on real batches of its corpora,
// tokenised by the shipped lab-base tokenizer (the one that run trained), one full optimiser step each as run.ts takes
// it (forward, gradients of the weighted objectives, AdamW). Prints the CPU time per tfjs kernel and per function of our
// own kernels, and the rest (JavaScript: taping, bookkeeping, batch making is outside the timing).
// Own kernels called inside a tfjs kernel are counted in both and subtracted once from the rest. Batches come from
// the first 20,000 training sentences (building examples from all of them takes longer than the steps).
// Usage: node --import tsx bench/pretrainProfile.ts [config] [--steps N] [--batches K] [--length L] [--threads T] [--stock-losses]
//   --steps N    timed steps (default 8) after 2 warm-up steps, cycling over K real batches (default 4)
//   --length L   only sentences of at least L pieces, so that each batch is about maxLength long (default 0: the
//                run's own mix of lengths)
//   --threads T  kernel threads (default 1); with T > 1 wall time is measured instead of CPU time (which would add the
//                workers' time), and an own kernel's time is its calling thread's, waiting for the others included
//   --stock-losses  the cross-entropies by the stock tfjs ops instead of the fused loss kernels (losses.c)
import * as path from 'path';
import { selectBackend } from '../src/core/model/backend';
import { allowLossKernels, useLossKernels } from '../src/core/model/kernels/losses';
import { kernelThreads, setKernelThreads } from '../src/core/model/kernels/threadedKernels';
import { disposePretrainBatch } from '../src/core/pretrain/examples';
import { KernelTimer } from './kernelTimer';
import { timeOnce } from './measure';
import { LAB_BASE_RECIPE, pretrainBench } from './pretrainSetup';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const valued = ['--steps', '--batches', '--length', '--threads'];
  const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.includes(all[i - 1]));
  const file = args[0] ?? LAB_BASE_RECIPE;
  const steps = option('--steps', 8);
  const batchCount = option('--batches', 4);
  const minLength = option('--length', 0);
  const threads = option('--threads', 1);

  await selectBackend('wasm');
  setKernelThreads(threads);
  allowLossKernels(!process.argv.includes('--stock-losses'));
  const timer = new KernelTimer(threads > 1 ? 'wall' : 'CPU');
  timer.instrumentTfjs('wasm');
  timer.instrumentOwnKernels();
  const bench = pretrainBench(file, batchCount, minLength);
  const { config, tokenizer, train, batches, optimizer } = bench;
  const lossOrder = Object.keys(config.objectives);

  const shape = batches.map((b) => `${b.length}×${Math.max(...b.map((i) => train[i].ids.length))}`).join(', ');
  const rows: number[] = [];
  const wall: number[] = [];
  /** One optimiser step as run.ts takes it; returns its ms on the timer's clock and keeps its wall ms (batch making excluded). */
  const step = (k: number) => {
    const batch = bench.batch(k, k);
    rows.push(batch.maskedCount);
    const { cpuMs, wallMs } = timeOnce(() => bench.step(batch, k));
    disposePretrainBatch(batch);
    wall.push(wallMs);
    return timer.clock === 'wall' ? wallMs : cpuMs;
  };
  for (let k = 0; k < 2; k++) step(k); // warm-up
  rows.length = 0;
  wall.length = 0;
  timer.recording = true;
  const timed = Array.from({ length: steps }, (_, k) => step(k));
  timer.recording = false;
  optimizer.dispose();

  const stepMs = timed.reduce((a, b) => a + b, 0) / steps;
  const entries = [...timer.byKernel].map(([name, e]) => ({ name, ms: e.ms / steps, nestedMs: e.nestedMs / steps, calls: e.calls / steps }));
  const own = entries.filter((e) => e.name.startsWith('own:'));
  const tfjsMs = entries.filter((e) => !e.name.startsWith('own:')).reduce((s, e) => s + e.ms, 0);
  const ownMs = own.reduce((s, e) => s + e.ms, 0);
  const ownUnnestedMs = own.reduce((s, e) => s + e.ms - e.nestedMs, 0);
  console.log(
    `lab-base pre-training step (${path.basename(file)}: ${config.shape.layers} layers × ${config.shape.hiddenSize}, vocabulary ${tokenizer.vocabSize}, ` +
      `objectives ${lossOrder.join(', ')}), ${kernelThreads()} kernel thread(s), ${useLossKernels() ? 'fused' : 'stock'} losses; ${steps} steps over ${batches.length} real batches (${shape}; ${(rows.reduce((a, b) => a + b, 0) / rows.length).toFixed(0)} masked rows per batch on average)`,
  );
  console.log(
    `step ${stepMs.toFixed(1)} ${timer.clock} ms (mean; min ${Math.min(...timed).toFixed(1)}, max ${Math.max(...timed).toFixed(1)}; wall ${(wall.reduce((a, b) => a + b, 0) / steps).toFixed(1)} ms); stock tfjs kernels ${tfjsMs.toFixed(1)} ms ` +
      `(${((100 * tfjsMs) / stepMs).toFixed(1)}%), own kernels ${ownMs.toFixed(1)} ms (${((100 * ownMs) / stepMs).toFixed(1)}%), ` +
      `outside kernels ${(stepMs - tfjsMs - ownUnnestedMs).toFixed(1)} ms (${((100 * (stepMs - tfjsMs - ownUnnestedMs)) / stepMs).toFixed(1)}%); load average ${(
        await import('os')
      )
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(`| kernel | ${timer.clock} ms / step | calls / step | % of step |\n|---|---:|---:|---:|`);
  for (const e of entries.sort((a, b) => b.ms - a.ms).slice(0, 30)) {
    console.log(`| ${e.name} | ${e.ms.toFixed(2)} | ${e.calls} | ${((100 * e.ms) / stepMs).toFixed(1)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
