// bench/results.md from the collected results: one table per question, numbers as medians in ms.
import type { AttentionResult } from './attention';
import type { ModelResult } from './child';
import type { DataParallelResult } from './dataParallel';
import type { PaddingResult } from './padding';
import { MODELS } from './models';
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
  padding: PaddingResult | null;
  dataParallel: DataParallelResult | null;
}

const ADAPTERS = ['houlsby', 'pfeiffer', 'lora'];
/** What is measured on the bert-base shape. */
export const BERT_BASE_STEPS = ['forward', 'houlsby', 'lora'] as const;
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
      m.backend,
      m.model,
      ADAPTERS.map((a) => ratio(cpu(m, 'full'), cpu(m, a))).join(' / '),
      ADAPTERS.map((a) => percent(cpu(m, `forward+${a}`), cpu(m, 'forward'))).join(' / '),
      `${g('forward')} / ${g('full')} / ${g('houlsby')}`,
      m.peakRssMb.toFixed(0),
      `${m.tensorsBefore} → ${m.tensorsAfter}${leaks}`,
    ];
  });
  const each = ADAPTERS.join(' / ');
  return table(
    [
      'backend',
      'model',
      `full step / adapter step (${each})`,
      `adapter inference overhead (${each})`,
      'GFLOP/s forward / full / houlsby',
      'peak RSS MB',
      'tensors before → after',
    ],
    rows,
  );
}

function attentionBeforeAfter(models: ModelResult[]): string {
  const rows = models.flatMap((m) =>
    ['forward', 'full', 'houlsby']
      .filter((s) => m.variants[`${s}/batched`])
      .map((s) => {
        const [before, after] = [m.variants[`${s}/batched`], m.variants[s]];
        return [
          m.backend,
          m.model,
          s,
          `${ms(before.cpuMs)} (${ms(before.wallMs)})`,
          `${ms(after.cpuMs)} (${ms(after.wallMs)})`,
          ratio(before.cpuMs, after.cpuMs),
        ];
      }),
  );
  return table(['backend', 'model', 'step', 'batched matMul attention (before): CPU (wall) ms', 'fused kernel (after): CPU (wall) ms', 'speed-up (CPU)'], rows);
}

function versusTorch(models: ModelResult[], torch: TorchResult): string {
  const rows = models
    .filter((m) => m.backend === 'wasm' && torch.ms[m.model])
    .flatMap((m) =>
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
    r.model,
    String(r.length),
    String(r.batch * r.heads),
    String(r.headSize),
    ...names.map((n) => `${ms(r.ms[n].forward)} / ${ms(r.ms[n].forwardBackward)} (${r.gflops[n].toFixed(1)})`),
    ms(r.copyMs),
  ]);
  return table(['model', 'T', 'B·H', 'dh', ...names.map((n) => `${n}: fwd / fwd+bwd ms (GFLOP/s)`), 'copies in/out ms'], rows);
}

function prefix(p: PrefixResult & { model: string }): string {
  return table(
    [
      'model',
      'run',
      'cached prefix',
      'step without cache',
      'fill the cache for a batch (once)',
      'step from the cache',
      'training of the run (epochs × 2,100 examples): without → with',
    ],
    p.cases.map((c) => [
      p.model,
      c.run,
      c.cut,
      ms(c.uncachedStepMs),
      ms(c.fillMs),
      ms(c.cachedStepMs),
      `${c.projection.epochs} epochs: ${c.projection.uncachedS.toFixed(1)} s → ${c.projection.cachedS.toFixed(1)} s (${(c.projection.uncachedS / c.projection.cachedS).toFixed(2)}×)`,
    ]),
  );
}

/** Padding shares of the README example, and real tokens per CPU second of tiny-18 steps at the bucketed share. */
function padding(p: PaddingResult, models: ModelResult[]): string {
  const shares = table(
    ['batching', 'padding share', 'mean padded length'],
    p.ways.map((w) => [w.name, `${(100 * w.paddingShare).toFixed(1)}%`, w.meanPaddedLength.toFixed(1)]),
  );
  const tiny18 = models.find((m) => m.backend === 'wasm' && m.model === 'tiny-18');
  const bucketed = p.ways[p.ways.length - 1].paddingShare;
  const steps = ['full', 'houlsby+cache', 'head-only+cache'].filter((s) => tiny18?.variants[s]);
  const realTokens = 32 * 18 * (1 - bucketed);
  const rate =
    steps.length && tiny18
      ? `Real tokens per CPU second at tiny-18 (batch 32 × 18 positions, ${(100 * bucketed).toFixed(1)}% of them padding): ${steps.map((s) => `${s} ${Math.round((realTokens * 1000) / (cpu(tiny18, s) as number)).toLocaleString('en')}`).join(', ')}. Each run's summary.json records its own tokensPerSec.`
      : '';
  return [
    `${p.config}: ${p.examples} training sentences, median ${p.medianTokens} tokens, batch ${p.batchSize}, maxLength ${p.maxLength}; averaged over 15 epochs of seeded batch orders.`,
    shares,
    rate,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The README example's epoch on a bert-base-sized model, from the measured steps: the trainer's length-bucketed batches
 * hold `meanPaddedLength` positions per sentence, and a step's cost is taken as proportional to its positions (at
 * d 768 attention is a few % of a layer's work, so seq 128 → ~20 overstates it slightly). One validation pass per epoch.
 */
export function bertBaseEpochMinutes(bert: ModelResult, p: PaddingResult, validation: number): Record<'houlsby' | 'lora', number> {
  const positions = p.ways[p.ways.length - 1].meanPaddedLength;
  const { batch, length } = MODELS['bert-base'];
  const perPosition = (step: string) => (cpu(bert, step) as number) / (batch * length);
  const minutes = (step: string) => (positions * (p.examples * perPosition(step) + validation * perPosition('forward'))) / 60_000;
  return { houlsby: minutes('houlsby'), lora: minutes('lora') };
}

function bertBase(bert: ModelResult, p: PaddingResult): string {
  const epoch = bertBaseEpochMinutes(bert, p, 450);
  return [
    table(
      ['model', 'forward', 'houlsby step', 'lora step'],
      [['bert-base (12 × 768, 12 heads, FFN 3072), batch 8 × 128', ...BERT_BASE_STEPS.map((s) => `${ms(cpu(bert, s))} (${ms(bert.variants[s]?.wallMs)})`)]],
    ),
    `CPU (wall) ms. The README example on a model of this size, ${p.examples} training and 450 validation sentences at ${p.ways[p.ways.length - 1].meanPaddedLength.toFixed(1)} positions each (the trainer's length-bucketed batches), scaled by positions: ` +
      `about ${epoch.houlsby.toFixed(0)} min per epoch with Houlsby adapters, ${epoch.lora.toFixed(0)} min with LoRA, on one core (one run per core).`,
  ].join('\n\n');
}

function dataParallel(p: DataParallelResult): string {
  return table(
    ['model', 'step', `batch ${p.batch} CPU ms`, `batch ${p.batch / 2} CPU ms`, 'best speed-up on two processes'],
    p.steps.map((s) => [p.model, s.step, ms(s.wholeMs), ms(s.halfMs), `${s.bound.toFixed(2)}×`]),
  );
}

/** Adapter and head-only steps as the trainer takes them after the first epoch (frozen prefix from the cache). */
function cachedSteps(models: ModelResult[]): string {
  const rows = models
    .filter((m) => m.variants['houlsby+cache'])
    .map((m) => [
      m.backend,
      m.model,
      ...[...ADAPTERS, 'head-only'].map((s) => `${ms(cpu(m, s))} → ${ms(cpu(m, `${s}+cache`))}`),
      ADAPTERS.map((a) => ratio(cpu(m, 'full'), cpu(m, `${a}+cache`))).join(' / '),
    ]);
  return table(
    [
      'backend',
      'model',
      ...[...ADAPTERS, 'head-only'].map((s) => `${s} step: without → with cache`),
      `full step / cached adapter step (${ADAPTERS.join(' / ')})`,
    ],
    rows,
  );
}

export function markdown(r: BenchResults): string {
  const m = r.machine;
  const parts = [
    '# Adapter Lab benchmark',
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, tfjs ${m.tfjs}, ${m.date}; load average at start ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')}.`,
    `Medians over ${r.options.repeats} repeats after ${r.options.warmup} warm-up passes, every pass running all variants of a model in a new random order (mini: ${r.options.miniRepeats} after 1; cpu backend: ${r.options.cpuRepeats}, no warm-up)${r.options.quick ? ', --quick run' : ''}. ` +
      "Models: tiny = d 128, 2 layers, 4 heads, FFN 512, vocab 8000, seq 64, batch 32; tiny-18 = tiny at seq 18 (the median padded length of the reviews example's batches); " +
      'mini = d 256, 4 layers, 4 heads, FFN 1024, seq 128, batch 16. ' +
      "Training steps as the trainer runs them: dropout 0.1, AdamW, clipping. Adapters with the project's defaults: houlsby and pfeiffer with reduction factor 16, lora r 8 on query and value.",
    'Times are CPU ms of the benchmark process unless marked wall: tfjs runs on one thread, so on a quiet machine the two agree, ' +
      'and when other processes share the cores CPU time still measures the work (wall clock is in the second table and in results.json).',
    '## Step times, CPU ms',
    stepTimes(r.models, 'cpuMs'),
    '## Step times, wall-clock ms',
    stepTimes(r.models, 'wallMs'),
    '## Ratios, throughput, memory',
    'Inference overhead = forward with the adapter vs without, run as evaluation runs it (LoRA merged into the frozen weights once per pass, outside the per-batch time; the merge itself, measured separately: 3 ms on tiny, 16 ms on mini, once per pass). GFLOP/s counts matrix products only (see bench/flops.ts).',
    efficiency(r.models),
  ];
  if (r.unavailable.length) parts.push(r.unavailable.map((u) => `- backend \`${u.backend}\` not measured: ${u.reason}`).join('\n'));
  const beforeAfter = attentionBeforeAfter(r.models);
  if (beforeAfter.split('\n').length > 2) parts.push('## Attention: stock batched matMul vs fused kernel, same run', beforeAfter);
  if ('ms' in r.torch) parts.push('## tfjs vs PyTorch (same model and step, CPU)', versusTorch(r.models, r.torch));
  else parts.push(`PyTorch reference: ${'error' in r.torch ? r.torch.error : r.torch.skipped}.`);
  if (r.attention.length)
    parts.push(
      '## Attention alone (wasm), CPU ms',
      "Forward QKᵀ, mask, softmax, dropout, P·V; backward to Q, K, V. Copies: what a kernel outside tfjs's heap would add.",
      attentionKernels(r.attention),
    );
  const cached = cachedSteps(r.models);
  if (cached.split('\n').length > 2) {
    parts.push(
      '## Frozen-prefix cache: training steps as the trainer takes them from the second epoch, CPU ms',
      'The frozen part of the encoder below the first adapter (head-only: all of it) is computed once per example and read back; dropout is off there (train/frozenPrefix.ts).',
      cached,
    );
  }
  if (r.padding) parts.push("## No wasted tokens: padding of the README example's training batches", padding(r.padding, r.models));
  const bert = r.models.find((m) => m.model === 'bert-base');
  if (bert && r.padding) parts.push('## A bert-base-sized model: what your own downloaded model costs here', bertBase(bert, r.padding));
  if (r.dataParallel) {
    parts.push(
      '## One run on two cores (data parallel), bounded',
      'Each of two processes would take the step on half the batch, then exchange and average gradients; the best case is the whole-batch step over the half-batch step (the exchange only adds). The experiment already trains its runs concurrently, one per core, so this could only help when fewer runs than cores are left.',
      dataParallel(r.dataParallel),
    );
  }
  if (r.prefix) parts.push("## Frozen-prefix cache over a whole run (README example's epochs), CPU ms", prefix(r.prefix));
  return parts.join('\n\n') + '\n';
}
