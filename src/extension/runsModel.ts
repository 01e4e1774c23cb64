// What the Runs tree shows, without VS Code types: runs grouped by experiment (a sweep's runs apart, grouped further
// in sweepGroups.ts), a one-line description per run (its headline metric, or live progress while it trains) and a
// tooltip that summarises its config.
import { descriptorOf } from '../core/adapters/methods/index';
import type { AdapterSpec, ExperimentConfig, TrainOptions } from '../core/config/types';
import type { RunRecord, RunSummary } from '../common/runRecord';
import { type LiveProgress, formatDuration, runProgressText } from './progressText';

/** The method's options as the run's config snapshot holds them: "reductionFactor 16, nonLinearity relu, …". */
function adapterOptionsText(adapter: AdapterSpec): string {
  const o = adapter as unknown as Record<string, unknown>;
  const text = (v: unknown) => (Array.isArray(v) ? v.join(' ') : String(v));
  return descriptorOf(adapter.method)
    .options.filter((key) => o[key] !== undefined)
    .map((key) => `${key} ${text(o[key])}`)
    .join(', ');
}

export interface RunEntry {
  dir: string;
  record: RunRecord;
  summary?: RunSummary;
}

export interface ExperimentGroup {
  experiment: string;
  runs: RunEntry[]; // all of them, newest first
  plain: RunEntry[]; // those not trained as part of a sweep
  sweepRuns: RunEntry[];
}

const newestFirst = (a: RunEntry, b: RunEntry) => b.record.createdAt.localeCompare(a.record.createdAt) || a.record.name.localeCompare(b.record.name);

/** Experiments with their runs, newest first: the experiment trained last comes first. */
export function groupByExperiment(runs: RunEntry[]): ExperimentGroup[] {
  const groups = new Map<string, RunEntry[]>();
  for (const run of [...runs].sort(newestFirst)) {
    const list = groups.get(run.record.experiment) ?? [];
    list.push(run);
    groups.set(run.record.experiment, list);
  }
  return [...groups].map(([experiment, list]) => ({
    experiment,
    runs: list,
    plain: list.filter((r) => !r.record.sweep),
    sweepRuns: list.filter((r) => r.record.sweep),
  }));
}

/** Test accuracy per task: `mood 87.5% · topic 100.0%`. */
export function headlineMetric(summary: RunSummary): string {
  return Object.entries(summary.test)
    .map(([task, m]) => `${task} ${(100 * m.accuracy).toFixed(1)}%`)
    .join(' · ');
}

/** The tree item's description: live progress while training, the headline metric when done, else the status. */
export function runDescription(entry: RunEntry, live?: LiveProgress): string {
  const { status } = entry.record;
  if (status === 'running') return live ? runProgressText(live) : 'running';
  if (status === 'completed' && entry.summary) return headlineMetric(entry.summary);
  return status;
}

/** What a screen reader says for the run (and what the e2e finds it by); a sweep's run is named by its setting and seed. */
export function runAccessibilityLabel(entry: RunEntry, live?: LiveProgress, name = entry.record.name): string {
  return `${name}, ${entry.record.status}, ${runDescription(entry, live)}`;
}

/** Markdown: the run, its outcome (or its whole live progress while it trains) and a summary of the config it ran with. */
export function runTooltip(entry: RunEntry, live?: LiveProgress): string {
  const { record, summary } = entry;
  const config = record.config as Partial<ExperimentConfig> | undefined;
  const lines = [`**${record.name}** · ${record.status}${record.reason ? ` — ${firstLine(record.reason)}` : ''}`, ''];
  if (record.status === 'running' && live) lines.push(`Progress: ${liveDetail(live)}`, '');
  const took = record.startedAt && record.finishedAt ? ` · took ${formatDuration(Date.parse(record.finishedAt) - Date.parse(record.startedAt))}` : '';
  lines.push(`Experiment \`${record.experiment}\` · ${new Date(record.createdAt).toLocaleString()}${took}`);
  if (record.sweep) lines.push(`Sweep: ${record.sweep.setting} · seed ${record.sweep.seed}`);
  lines.push('');
  if (config) lines.push(...configSummary(config, record), '');
  if (record.backend) lines.push(`Backend: ${record.backend}`);
  if (summary) {
    lines.push(
      `Test: ${Object.entries(summary.test)
        .map(([t, m]) => `${t} ${(100 * m.accuracy).toFixed(1)}% (F1 ${(100 * m.macroF1).toFixed(1)})`)
        .join(', ')}`,
    );
    lines.push(
      `Trainable: ${summary.trainableParams.toLocaleString('en-US')} of ${summary.totalParams.toLocaleString('en-US')} parameters (${summary.trainablePercent.toFixed(2)}%)`,
    );
  }
  lines.push('', `\`${entry.dir}\``);
  return lines.join('  \n');
}

function configSummary(config: Partial<ExperimentConfig>, record: RunRecord): string[] {
  const lines: string[] = [];
  const base = config.base;
  if (base?.kind === 'random') lines.push(`Base: random, ${base.shape.layers} layers × ${base.shape.hiddenSize} hidden, ${base.shape.heads} heads`);
  else if (base?.kind === 'builtin') lines.push(`Base: built-in ${base.name}`);
  else if (base?.kind === 'path') lines.push(`Base: ${base.path}`);
  const data = config.data;
  if (data) lines.push(`Data: ${data.kind === 'file' ? data.path : `built-in ${data.name}`}`);
  lines.push(`Tasks: ${record.tasks.join(', ')}`);
  const adapter = record.type === 'adapter' ? config.adapters?.find((a) => `adapter:${a.name}` === record.name) : undefined;
  if (adapter) {
    lines.push(
      `Adapter: ${adapter.method}, ${adapterOptionsText(adapter)}${adapter.leaveOut.length ? `, leaves out layers ${adapter.leaveOut.join(', ')}` : ''}`,
    );
  }
  const train = (config.train as Partial<Record<string, TrainOptions>> | undefined)?.[record.type];
  if (train) lines.push(`Training: ${train.epochs} epochs, batch ${train.batchSize}, learning rate ${train.learningRate}`);
  return lines;
}

/** `30% · ETA 0:14 · 12/40 · loss 0.532 · epoch 1.50 · 64 examples/s` */
function liveDetail(live: LiveProgress): string {
  const { event } = live;
  return `${runProgressText(live)} · epoch ${event.epoch.toFixed(2)} · ${Math.round(event.examplesPerSec)} examples/s`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
