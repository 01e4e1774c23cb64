// From metrics.jsonl lines to named curves: training loss (total and per attribute) from progress lines, and
// validation accuracy, macro-F1 and loss per attribute from eval lines. Columnar (one array per coordinate), so a
// batch of new points is cheap to send to a webview and to append to a chart.
import type { MetricLine } from './runRecord';
import type { Direction } from './series';

/** What the x axis measures: optimiser steps, epochs (fractional while training) or wall time since the start. */
export type XAxis = 'step' | 'epoch' | 'wallMs';
export const X_AXES: readonly XAxis[] = ['step', 'epoch', 'wallMs'];

export interface SeriesColumns {
  step: number[];
  epoch: number[];
  wallMs: number[];
  value: number[];
}

/** New points of a run, by series key (see seriesKey). */
export type CurveBatch = Record<string, SeriesColumns>;

/** A chart groups the series of one metric; each attribute (and the total loss) is one line in it. */
export interface ChartSpec {
  id: 'train/loss' | 'validation/accuracy' | 'validation/macroF1' | 'validation/loss';
  title: string;
  direction: Direction;
  /** accuracy-like values in [0, 1] shown as percentages */
  percent: boolean;
  /**
   * Whether the smoothing slider applies: to the training loss (a point per logged step, noisy), not to validation
   * series (a point per evaluation, ~15 a run), where an EMA would lag the line behind its points and its best point.
   */
  smoothed: boolean;
  /** The test metric (summary.json) drawn beside the validation series at the run's end, if any. */
  testMetric?: 'accuracy' | 'macroF1' | 'loss';
}

export const CHARTS: readonly ChartSpec[] = [
  { id: 'train/loss', title: 'Training loss', direction: 'min', percent: false, smoothed: true },
  { id: 'validation/accuracy', title: 'Validation accuracy', direction: 'max', percent: true, smoothed: false, testMetric: 'accuracy' },
  { id: 'validation/macroF1', title: 'Validation macro-F1', direction: 'max', percent: true, smoothed: false, testMetric: 'macroF1' },
  { id: 'validation/loss', title: 'Validation loss', direction: 'min', percent: false, smoothed: false, testMetric: 'loss' },
];

/** `train/loss` (summed over attributes), `train/loss/mood`, `validation/accuracy/mood`, … */
export function seriesKey(chart: ChartSpec['id'], task?: string): string {
  return task === undefined ? chart : `${chart}/${task}`;
}

export function parseSeriesKey(key: string): { chart: ChartSpec; task?: string } | undefined {
  const chart = CHARTS.find((c) => key === c.id || key.startsWith(`${c.id}/`));
  if (!chart) return undefined;
  return key === chart.id ? { chart } : { chart, task: key.slice(chart.id.length + 1) };
}

export function emptyColumns(): SeriesColumns {
  return { step: [], epoch: [], wallMs: [], value: [] };
}

function push(batch: CurveBatch, key: string, step: number, epoch: number, wallMs: number, value: number): void {
  const s = (batch[key] ??= emptyColumns());
  s.step.push(step);
  s.epoch.push(epoch);
  s.wallMs.push(wallMs);
  s.value.push(value);
}

/** Adds the points of one metric line to `batch` (test-set evals are the summary's business, not a curve). */
export function addMetricLine(batch: CurveBatch, line: MetricLine): void {
  if (line.kind === 'progress') {
    push(batch, seriesKey('train/loss'), line.step, line.epoch, line.elapsedMs, line.loss);
    const tasks = Object.entries(line.lossPerTask);
    if (tasks.length > 1) for (const [task, loss] of tasks) push(batch, seriesKey('train/loss', task), line.step, line.epoch, line.elapsedMs, loss);
  } else if (line.split === 'validation') {
    for (const [task, m] of Object.entries(line.metrics)) {
      push(batch, seriesKey('validation/accuracy', task), line.step, line.epoch, line.elapsedMs, m.accuracy);
      push(batch, seriesKey('validation/macroF1', task), line.step, line.epoch, line.elapsedMs, m.macroF1);
      push(batch, seriesKey('validation/loss', task), line.step, line.epoch, line.elapsedMs, m.loss);
    }
  }
}

export function batchSize(batch: CurveBatch): number {
  return Object.values(batch).reduce((n, s) => n + s.value.length, 0);
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks that a parsed line is a metric line this version understands; returns why not otherwise. Numbers may be
 * NaN-free JSON only, so a diverged loss written as null is reported rather than drawn as zero.
 */
export function checkMetricLine(value: unknown): MetricLine | string {
  if (!isObj(value)) return 'not an object';
  if (value.kind === 'progress') {
    for (const field of ['step', 'epoch', 'loss', 'elapsedMs'] as const) if (!isNum(value[field])) return `progress line without a numeric "${field}"`;
    if (!isObj(value.lossPerTask) || !Object.values(value.lossPerTask).every(isNum)) return 'progress line without "lossPerTask"';
    return value as unknown as MetricLine;
  }
  if (value.kind === 'eval') {
    for (const field of ['step', 'epoch', 'elapsedMs'] as const) if (!isNum(value[field])) return `eval line without a numeric "${field}"`;
    if (value.split !== 'validation' && value.split !== 'test') return 'eval line with an unknown "split"';
    if (!isObj(value.metrics)) return 'eval line without "metrics"';
    for (const [task, m] of Object.entries(value.metrics)) {
      if (!isObj(m) || !isNum(m.accuracy) || !isNum(m.macroF1) || !isNum(m.loss)) return `eval line with incomplete metrics for "${task}"`;
    }
    return value as unknown as MetricLine;
  }
  return `unknown kind ${JSON.stringify(value.kind)}`;
}
