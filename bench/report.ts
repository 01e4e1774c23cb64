// bench/results.md from the collected results: one table per question, numbers as medians in ms.
import type { AttentionResult } from './attention';
import type { ModelResult } from './child';
import type { PrefixResult } from './prefix';
import type { TorchResult } from './torch';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  tfjs: string;
  date: string;
  loadAverage: number[];
}

export interface BenchResults {
  machine: Machine;
  options: { quick: boolean; warmup: number; repeats: number; miniRepeats: number; cpuRepeats: number };
  models: ModelResult[];
  unavailable: { backend: string; reason: string }[];
  torch: TorchResult | { error: string } | { skipped: string };
  attention: AttentionResult[];
  prefix: (PrefixResult & { model: string }) | null;
}

const ADAPTERS = ['houlsby', 'pfeiffer', 'lora'];
const STEPS = ['forward', 'full', ...ADAPTERS, 'head-only'];

const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const percent = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(((a - b) / b) * 100).toFixed(1)}%`);
const cpu = (m: ModelResult, step: string) => m.variants[step]?.cpuMs;

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function stepTimes(models: ModelResult[], clock: 'cpuMs' | 'wallMs'): string {
  const rows = models.map((m) => [m.backend, m.model, m.attention, ...STEPS.map((s) => ms(m.variants[s]?.[clock]))]);
  return table(['backend', 'model', 'attention', 'forward', 'full step', 'houlsby step', 'pfeiffer step', 'lora step', 'head-only step'], rows);
}

function efficiency(models: ModelResult[]): string {
  const rows = models.map((m) => {
    const g = (s: string) => m.variants[s]?.gflops.toFixed(1) ?? '–';
    const leaks = Object.values(m.variants).some((v) => v.leakedTensors > 0) ? ' (leak!)' : '';
    return [
      m.backend, m.model, ADAPTERS.map((a) => ratio(cpu(m, 'full'), cpu(m, a))).join(' / '),
      ADAPTERS.map((a) => percent(cpu(m, `forward+${a}`), cpu(m, 'forward'))).join(' / '),
      `${g('forward')} / ${g('full')} / ${g('houlsby')}`, m.peakRssMb.toFixed(0), `${m.tensorsBefore} → ${m.tensorsAfter}${leaks}`,
    ];
  });
  const each = ADAPTERS.join(' / ');
  return table(['backend', 'model', `full step / adapter step (${each})`, `adapter inference overhead (${each})`, 'GFLOP/s forward / full / houlsby', 'peak RSS MB', 'tensors before → after'], rows);
}

function attentionBeforeAfter(models: ModelResult[]): string {
  const rows = models.flatMap((m) =>
    ['forward', 'full', 'houlsby'].filter((s) => m.variants[`${s}/batched`]).map((s) => {
      const [before, after] = [m.variants[`${s}/batched`], m.variants[s]];
      return [m.backend, m.model, s, `${ms(before.cpuMs)} (${ms(before.wallMs)})`, `${ms(after.cpuMs)} (${ms(after.wallMs)})`, ratio(before.cpuMs, after.cpuMs)];
    }),
  );
  return table(['backend', 'model', 'step', 'batched matMul attention (before): CPU (wall) ms', 'fused kernel (after): CPU (wall) ms', 'speed-up (CPU)'], rows);
}

function versusTorch(models: ModelResult[], torch: TorchResult): string {
  const rows = models.filter((m) => m.backend === 'wasm').flatMap((m) =>
    ['forward', ...ADAPTERS.map((a) => `forward+${a}`), 'full', ...ADAPTERS, 'head-only'].map((s) => {
      const theirs = torch.ms[m.model]?.[s]?.cpuMs;
      return [m.model, s, ms(cpu(m, s)), ms(theirs), ratio(cpu(m, s), theirs)];
    }),
  );
  return table(['model', 'step', 'tfjs wasm CPU ms', `PyTorch ${torch.torch} (${torch.threads} thread) CPU ms`, 'tfjs / PyTorch'], rows);
}

function attentionKernels(results: AttentionResult[]): string {
  const names = Object.keys(results[0]?.ms ?? {});
  const rows = results.map((r) => [
    r.model, String(r.length), String(r.batch * r.heads), String(r.headSize),
    ...names.map((n) => `${ms(r.ms[n].forward)} / ${ms(r.ms[n].forwardBackward)} (${r.gflops[n].toFixed(1)})`),
    ms(r.copyMs),
  ]);
  return table(['model', 'T', 'B·H', 'dh', ...names.map((n) => `${n}: fwd / fwd+bwd ms (GFLOP/s)`), 'copies in/out ms'], rows);
}

function prefix(p: PrefixResult & { model: string }): string {
  return table(
    ['model', "today's head-only step", 'encode a batch once', 'head-only step on cached vectors', `run of ${p.run.epochs} epochs × ${p.run.examples} examples: today → cached`],
    [[p.model, ms(p.headOnlyStepMs), ms(p.encodeOnceMs), ms(p.cachedStepMs), `${p.run.todayS.toFixed(1)} s → ${p.run.cachedS.toFixed(1)} s`]],
  );
}

export function markdown(r: BenchResults): string {
  const m = r.machine;
  const parts = [
    '# Adapter Lab benchmark',
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, tfjs ${m.tfjs}, ${m.date}; load average at start ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')}.`,
    `Medians over ${r.options.repeats} repeats after ${r.options.warmup} warm-up passes, every pass running all variants of a model in a new random order (mini: ${r.options.miniRepeats} after 1; cpu backend: ${r.options.cpuRepeats}, no warm-up)${r.options.quick ? ', --quick run' : ''}. ` +
      'Models: tiny = d 128, 2 layers, 4 heads, FFN 512, vocab 8000, seq 64, batch 32; tiny-18 = tiny at seq 18 (the median padded length of the reviews example\'s batches); ' +
      'mini = d 256, 4 layers, 4 heads, FFN 1024, seq 128, batch 16. ' +
      'Training steps as the trainer runs them: dropout 0.1, AdamW, clipping. Adapters with the project\'s defaults: houlsby and pfeiffer with reduction factor 16, lora r 8 on query and value.',
    'Times are CPU ms of the benchmark process unless marked wall: tfjs runs on one thread, so on a quiet machine the two agree, ' +
      'and when other processes share the cores CPU time still measures the work (wall clock is in the second table and in results.json).',
    '## Step times, CPU ms',
    stepTimes(r.models, 'cpuMs'),
    '## Step times, wall-clock ms',
    stepTimes(r.models, 'wallMs'),
    '## Ratios, throughput, memory',
    'Inference overhead = forward with the adapter vs without. GFLOP/s counts matrix products only (see bench/flops.ts).',
    efficiency(r.models),
  ];
  if (r.unavailable.length) parts.push(r.unavailable.map((u) => `- backend \`${u.backend}\` not measured: ${u.reason}`).join('\n'));
  const beforeAfter = attentionBeforeAfter(r.models);
  if (beforeAfter.split('\n').length > 2) parts.push('## Attention: stock batched matMul vs fused kernel, same run', beforeAfter);
  if ('ms' in r.torch) parts.push('## tfjs vs PyTorch (same model and step, CPU)', versusTorch(r.models, r.torch));
  else parts.push(`PyTorch reference: ${'error' in r.torch ? r.torch.error : r.torch.skipped}.`);
  if (r.attention.length) parts.push('## Attention alone (wasm), CPU ms', 'Forward QKᵀ, mask, softmax, dropout, P·V; backward to Q, K, V. Copies: what a kernel outside tfjs\'s heap would add.', attentionKernels(r.attention));
  if (r.prefix) parts.push('## Frozen prefix for head-only runs (measured, not used by the trainer), CPU ms', prefix(r.prefix));
  return parts.join('\n\n') + '\n';
}
