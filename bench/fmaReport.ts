// bench/results-fma.md: the plain and the FMA kernels side by side, with 1 and 2 kernel threads, from
// `npm run bench -- --fma-only` (also the last part of the whole suite).
import { FMA_STEPS, FMA_THREADS, type FmaResult, cellKey } from './fma';
import type { Machine } from './report';

export interface FmaBench {
  machine: Machine;
  loadAverageAfter: number[];
  options: { warmup: number; repeats: number };
  /** The V8 flag the bench children were given for relaxed SIMD ('' when the runtime has it by default). */
  flag: string;
  models: FmaResult[];
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');

export function fmaMarkdown(r: FmaBench): string {
  const m = r.machine;
  const range = (perPass: number[]) => `${Math.min(...perPass).toFixed(2)}–${Math.max(...perPass).toFixed(2)}`;
  const lines = [
    '# FMA kernels (WebAssembly relaxed SIMD) against the plain ones',
    '',
    `\`npm run bench -- --fma-only\`, ${m.date}: ${m.cpu}, ${m.cores} cores, Node ${m.node}${r.flag ? ` with ${r.flag}` : ''}, tfjs ${m.tfjs}; ` +
      `${r.options.warmup} warm-up + ${r.options.repeats} timed passes, every variant once a pass in a new random order; wall ms, medians.`,
    '',
    `**Load average (1 / 5 / 15 min): ${load(m.loadAverage)} at the start, ${load(r.loadAverageAfter)} at the end.**`,
    '',
    'fma ÷ plain below 1: the FMA kernels are faster. Model steps: the ratio is taken per pass (plain and fma of the ' +
      'same pass paired), then its median and range over the passes. Only the matmul-bound kernels have FMA variants (dense product, ' +
      'input and weight gradients, fused attention); GELU, LayerNorm, the embeddings and AdamW run the same binary in both.',
    '',
    '## The kernels alone (mini shapes, 1 thread)',
    '',
    'CPU ms of this process, min and median of 15 interleaved rounds each (the minimum is the least disturbed by other processes).',
    '',
    '| kernel | plain min | fma min | fma ÷ plain (min) | plain median | fma median | fma ÷ plain (median) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const result of r.models)
    for (const k of result.kernels ?? [])
      lines.push(
        `| ${k.kernel} | ${ms(k.plain.minCpuMs)} | ${ms(k.fma.minCpuMs)} | **${(k.fma.minCpuMs / k.plain.minCpuMs).toFixed(2)}×** | ` +
          `${ms(k.plain.medianCpuMs)} | ${ms(k.fma.medianCpuMs)} | ${(k.fma.medianCpuMs / k.plain.medianCpuMs).toFixed(2)}× |`,
      );
  lines.push(
    '',
    '## Model steps',
    '',
    'Wall ms (medians) and fma ÷ plain per pass, wall and CPU time: median (range over the passes).',
    '',
    '| model | step | plain 1 | fma 1 | wall fma ÷ plain, 1 thread | CPU, 1 thread | plain 2 | fma 2 | wall fma ÷ plain, 2 threads | CPU, 2 threads |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const result of r.models)
    for (const step of FMA_STEPS) {
      const cells = result.ms[step];
      if (!cells) continue;
      const cols = FMA_THREADS.flatMap((t) => {
        const [wall, cpu] = [result.ratios[step][t], result.cpuRatios[step][t]];
        return [
          ms(cells[cellKey('plain', t)].wallMs),
          ms(cells[cellKey('fma', t)].wallMs),
          `**${wall.median.toFixed(2)}×** (${range(wall.perPass)})`,
          `${cpu.median.toFixed(2)}× (${range(cpu.perPass)})`,
        ];
      });
      lines.push(`| ${result.model} | ${step} | ${cols.join(' | ')} |`);
    }
  lines.push('');
  return lines.join('\n');
}
