// What the sweep panel measures and how it prints it: the score a plot shows (test or validation accuracy, test
// macro-F1 of one attribute) for a setting (mean ± sd over seeds) or one run, and the cost on the frontier's x axis.
import type { SettingRow, Stats, SweepRunRow } from '../../src/common/sweep';
import type { SweepCost, SweepMetric } from '../../src/protocol/sweep';

export const METRICS: readonly { value: SweepMetric; label: string; short: string }[] = [
  { value: 'test', label: 'test accuracy', short: 'test acc' },
  { value: 'validation', label: 'validation accuracy', short: 'val acc' },
  { value: 'testF1', label: 'test macro-F1', short: 'test F1' },
];

export const COSTS: readonly { value: SweepCost; label: string; log: boolean }[] = [
  { value: 'params', label: 'trainable parameters', log: true },
  { value: 'speed', label: 'train ms/step', log: false },
  { value: 'storage', label: 'bytes stored per attribute', log: true },
];

export const metricLabel = (metric: SweepMetric) => METRICS.find((m) => m.value === metric)!.label;
export const costOf = (cost: SweepCost) => COSTS.find((c) => c.value === cost)!;

export function settingScore(setting: SettingRow, task: string, metric: SweepMetric): Stats | undefined {
  return setting.tasks[task]?.[metric];
}

export function settingCost(setting: SettingRow, cost: SweepCost): number {
  if (cost === 'params') return setting.trainableParams;
  return cost === 'speed' ? setting.msPerStep.mean : setting.bytesPerAttribute;
}

export function runScore(run: SweepRunRow, task: string, metric: SweepMetric): number | undefined {
  return run.tasks[task]?.[metric];
}

export function formatCost(cost: SweepCost, value: number): string {
  if (cost === 'params') return count(value);
  return cost === 'speed' ? `${value.toFixed(1)} ms` : bytes(value);
}

export const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
/** A difference of accuracies in percentage points. */
export const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} pts`;

export function count(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(2)} MB`;
}

/** A swept value as text: strings as written, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
