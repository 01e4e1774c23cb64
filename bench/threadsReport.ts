// bench/results-threads.md: 1 and 2 kernel threads side by side, each adapter step against its bound, and PyTorch at
// its best with 1 and 2 threads (wall and CPU time), from `npm run bench -- --threads-only`.
import { median } from './measure';
import type { Machine } from './report';
import { BOUND, THREAD_COUNTS, type ThreadsResult } from './threads';
import type { TorchBest } from './torch';
import type { HostParallelism } from './hostParallelism';

export interface ThreadsBench {
  machine: Machine;
  loadAverageAfter: number[];
  options: { warmup: number; repeats: number };
  models: ThreadsResult[];
  torch: Record<number, TorchBest | { error: string } | { skipped: string }>;
  /** What the host gave two threads before and after the models (bench/hostParallelism.ts). */
  host: HostParallelism[];
}

const ADAPTER_STEPS = ['houlsby', 'pfeiffer', 'lora'];
const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');

/** The median over passes of 1 thread's wall ÷ 2 threads' in the same pass (they ran back to back). */
function pairedGain(byThreads: ThreadsResult['ms'][string]): string {
  const [one, two] = THREAD_COUNTS.map((t) => byThreads[t]?.wallSamplesMs);
  if (!one?.length || one.length !== two?.length) return ratio(byThreads[1]?.wallMs, byThreads[2]?.wallMs);
  return `${median(one.map((w, i) => w / two[i])).toFixed(2)}×`;
}

function describe(t: TorchBest): string {
  const c = t.config;
  return `torch threads ${c.torchThreads}, OPENBLAS_NUM_THREADS=${c.blasThreads}${c.cpuKernels ? ', OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset' : ''}; BLAS ${t.blas}`;
}

export function threadsMarkdown(r: ThreadsBench): string {
  const m = r.machine;
  const lines = [
    '# Kernel threads: 1 and 2 side by side',
    '',
    `\`npm run bench -- --threads-only\`, ${m.date}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, tfjs ${m.tfjs}; ` +
      `${r.options.warmup} warm-up + ${r.options.repeats} timed passes, every step once a pass with 1 and 2 threads back ` +
      'to back, the steps in a new random order each pass; medians over the passes.',
    '',
    `**Load average (1 / 5 / 15 min): ${load(m.loadAverage)} at the start, ${load(r.loadAverageAfter)} at the end.** ` +
      `With a load above the core count, 2 threads compete with other processes for the same cores: the ratios below ` +
      `then understate what 2 threads give on an idle machine and are not evidence that a target is met.`,
    '',
    `**What the host gave two threads** (the same product on one thread alone and on two at once, 7 rounds; 2.00× = ` +
      `two whole cores): ${r.host.map((h, i) => `${i ? 'after' : 'before'} the models ${h.median.toFixed(2)}× (${Math.min(...h.gains).toFixed(2)}–${Math.max(...h.gains).toFixed(2)}×)`).join(', ')}. ` +
      'No split can beat it: a low figure says the run measured the host.',
    '',
    'Wall: what a user waits for. CPU: of the whole process, every thread (so 2 threads show CPU ≥ wall).',
    '',
    '## Adapter Lab (wasm backend, own kernels)',
    '',
    '| model | step | 1 thread wall / CPU ms | 2 threads wall / CPU ms | 2 threads faster by (wall, median of the passes) |',
    '|---|---|---|---|---|',
  ];
  for (const model of r.models)
    for (const [step, byThreads] of Object.entries(model.ms)) {
      const [one, two] = THREAD_COUNTS.map((t) => byThreads[t]);
      lines.push(`| ${model.model} | ${step} | ${ms(one?.wallMs)} / ${ms(one?.cpuMs)} | ${ms(two?.wallMs)} / ${ms(two?.cpuMs)} | ${pairedGain(byThreads)} |`);
    }
  lines.push(
    '',
    '## Adapter steps against their bound',
    '',
    `The bound (\`${BOUND}\`): a step that computes no weight gradients — the forward pass and the input gradients through ` +
      "every frozen layer down to the embeddings' output, no update. Each adapter's lowest module sits inside layer 0, " +
      'so an adapter step also skips the input gradients of the part of layer 0 below it (LoRA: the products of Q, K and V; ' +
      'Houlsby: its attention; Pfeiffer: its attention and feed-forward block): its own bound is somewhat lower, and ' +
      'step ÷ bound here understates how far the step is from it (Pfeiffer can go below 1×).',
    '',
    '| model | step | threads | step wall ms | bound wall ms | step ÷ bound |',
    '|---|---|---|---|---|---|',
  );
  for (const model of r.models)
    for (const step of ADAPTER_STEPS)
      for (const t of THREAD_COUNTS) {
        const [s, b] = [model.ms[step]?.[t]?.wallMs, model.ms[BOUND]?.[t]?.wallMs];
        lines.push(`| ${model.model} | ${step} | ${t} | ${ms(s)} | ${ms(b)} | ${ratio(s, b)} |`);
      }
  lines.push('', '## PyTorch reference at its best', '');
  const usable: Record<number, TorchBest> = {};
  for (const t of THREAD_COUNTS) {
    const ref = r.torch[t];
    if (!ref) continue;
    if ('error' in ref) lines.push(`- ${t} thread(s): failed: ${ref.error}`);
    else if ('skipped' in ref) lines.push(`- ${t} thread(s): not run: ${ref.skipped}`);
    else {
      const tried = ref.tried.map((x) => `torch ${x.config.torchThreads} / OpenBLAS ${x.config.blasThreads}: ${ms(x.fullWallMs)} ms`).join('; ');
      lines.push(`- ${t} thread(s): ${describe(ref)} (tried, last model's full step wall: ${tried}).`);
      if (ref.optimizedBlas) usable[t] = ref;
      else lines.push(`  **No ratio against this reference**: it runs on Debian's reference BLAS (install \`python3-torch libopenblas0-pthread\`).`);
    }
  }
  lines.push(
    '',
    '| model | step | PyTorch 1 thread wall / CPU ms | PyTorch 2 threads wall / CPU ms | Adapter Lab 2 threads ÷ PyTorch 2 threads (wall) |',
    '|---|---|---|---|---|',
  );
  for (const model of r.models)
    for (const step of Object.keys(model.ms)) {
      if (step === BOUND) continue;
      const [one, two] = THREAD_COUNTS.map((t) => usable[t]?.ms[model.model]?.[step]);
      if (!one && !two) continue;
      lines.push(
        `| ${model.model} | ${step} | ${ms(one?.wallMs)} / ${ms(one?.cpuMs)} | ${ms(two?.wallMs)} / ${ms(two?.cpuMs)} | ${ratio(model.ms[step]?.[2]?.wallMs, two?.wallMs)} |`,
      );
    }
  return lines.join('\n') + '\n';
}
