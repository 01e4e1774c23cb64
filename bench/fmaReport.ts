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
  const lines = [
    '# FMA kernels (WebAssembly relaxed SIMD) against the plain ones',
    '',
    `\`npm run bench -- --fma-only\`, ${m.date}: ${m.cpu}, ${m.cores} cores, Node ${m.node}${r.flag ? ` with ${r.flag}` : ''}, tfjs ${m.tfjs}; ` +
      `${r.options.warmup} warm-up + ${r.options.repeats} timed passes, every variant once a pass in a new random order; wall ms, medians.`,
    '',
    `**Load average (1 / 5 / 15 min): ${load(m.loadAverage)} at the start, ${load(r.loadAverageAfter)} at the end.**`,
    '',
    'fma ÷ plain: the median of the per-pass ratios (plain and fma of the same pass paired), then the range over the ' +
      'passes. Below 1 the FMA kernels are faster. Only the matmul-bound kernels have FMA variants (dense product, ' +
      'input and weight gradients, fused attention); GELU, LayerNorm, the embeddings and AdamW run the same binary in both.',
    '',
    '| model | step | plain 1 | fma 1 | fma ÷ plain, 1 thread (range) | plain 2 | fma 2 | fma ÷ plain, 2 threads (range) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const result of r.models)
    for (const step of FMA_STEPS) {
      const cells = result.ms[step];
      if (!cells) continue;
      const cols = FMA_THREADS.flatMap((t) => {
        const ratio = result.ratios[step][t];
        const range = `${Math.min(...ratio.perPass).toFixed(2)}–${Math.max(...ratio.perPass).toFixed(2)}`;
        return [ms(cells[cellKey('plain', t)].wallMs), ms(cells[cellKey('fma', t)].wallMs), `**${ratio.median.toFixed(2)}×** (${range})`];
      });
      lines.push(`| ${result.model} | ${step} | ${cols.join(' | ')} |`);
    }
  lines.push('');
  return lines.join('\n');
}
