// The axes of the parallel-coordinates plot, as data: one per swept value (the run name and the seed too, when they
// vary) and one per measure of the chosen attribute; where a run's value sits on each (0 at the bottom, 1 at the
// top), and which runs a set of brushes keeps. Pure, so it is unit-tested; parallelCoordinates.ts draws it.
import type { SweepRunRow } from '../../src/common/sweep';
import type { SweepBrush } from '../../src/protocol/sweep';
import { METRICS, count, percent, valueText } from './measures';

export type AxisValue = number | string;

export interface Axis {
  id: string;
  label: string;
  kind: 'linear' | 'log' | 'category';
  /** Numeric axes: the range of the values. */
  min: number;
  max: number;
  /** Category axes: the values in their order along the axis, bottom first. */
  categories: string[];
  /** Numeric axes: the values labelled along the axis. */
  ticks: number[];
  value(run: SweepRunRow): AxisValue | undefined;
  format(value: AxisValue): string;
}

/** A positive range wider than this (max / min) is drawn on a log axis. */
const LOG_RATIO = 20;
/** A swept value with at most this many values has each of them labelled on its axis. */
const MAX_VALUE_TICKS = 12;

/** A number as an axis shows it: no binary noise (0.30000000000000004 → 0.3). */
export const numberText = (v: number) => String(+v.toPrecision(4));

/** The axes for the runs scored on `task`: swept values first, in the sweep's order, then the measures. */
export function buildAxes(runs: readonly SweepRunRow[], paths: readonly string[], labels: Readonly<Record<string, string>>, task: string): Axis[] {
  const axes: Axis[] = [];
  const names = distinct(runs.map((r) => r.runName));
  if (names.length > 1) axes.push(categoryAxis('run', 'run', names, (r) => r.runName));
  for (const path of paths) {
    const value = (r: SweepRunRow) => r.values[path];
    const present = runs.map(value).filter((v) => v !== undefined);
    if (present.length === 0) continue;
    const label = labels[path] ?? path;
    if (present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      const axis = numericAxis(
        `value:${path}`,
        label,
        present as number[],
        (r) => value(r) as number | undefined,
        (v) => numberText(Number(v)),
      );
      // A grid's few values are labelled themselves, not round numbers between them.
      const values = distinct(present as number[]).sort((a, b) => a - b);
      axes.push(values.length <= MAX_VALUE_TICKS ? { ...axis, ticks: values } : axis);
    } else {
      axes.push(categoryAxis(`value:${path}`, label, distinct(present.map(valueText)), (r) => (value(r) === undefined ? undefined : valueText(value(r)))));
    }
  }
  const seeds = distinct(runs.map((r) => r.seed)).sort((a, b) => a - b);
  if (seeds.length > 1) axes.push(categoryAxis('seed', 'seed', seeds.map(String), (r) => String(r.seed)));
  for (const metric of METRICS) {
    const score = (r: SweepRunRow) => r.tasks[task]?.[metric.value];
    axes.push(
      numericAxis(
        `metric:${metric.value}`,
        `${task} ${metric.short}`,
        runs.flatMap((r) => score(r) ?? []),
        score,
        (v) => percent(Number(v)),
        false,
      ),
    );
  }
  const params = runs.flatMap((r) => r.trainableParams ?? []);
  axes.push(
    numericAxis(
      'trainableParams',
      'trainable params',
      params,
      (r) => r.trainableParams,
      (v) => count(Number(v)),
    ),
  );
  axes.push(
    numericAxis(
      'msPerStep',
      'train ms/step',
      runs.flatMap((r) => r.msPerStep ?? []),
      (r) => r.msPerStep,
      (v) => Number(v).toFixed(1),
      false,
    ),
  );
  return axes;
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function categoryAxis(id: string, label: string, categories: string[], value: (r: SweepRunRow) => string | undefined): Axis {
  return { id, label, kind: 'category', min: 0, max: 0, categories, ticks: [], value, format: String };
}

function numericAxis(
  id: string,
  label: string,
  values: number[],
  value: (r: SweepRunRow) => number | undefined,
  format: (v: AxisValue) => string,
  logWhenWide = true,
): Axis {
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const log = logWhenWide && min > 0 && max / min >= LOG_RATIO;
  const axis: Axis = { id, label, kind: log ? 'log' : 'linear', min, max, categories: [], ticks: [], value, format };
  return { ...axis, ticks: roundTicks(axis) };
}

/** Where a value sits along the axis: 0 at the bottom, 1 at the top; undefined for a run without a value. */
export function position(axis: Axis, value: AxisValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (axis.kind === 'category') {
    const i = axis.categories.indexOf(String(value));
    if (i < 0) return undefined;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  const v = Number(value);
  if (axis.max === axis.min) return 0.5;
  if (axis.kind === 'log') return (Math.log(v) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  return (v - axis.min) / (axis.max - axis.min);
}

/** The value at a place along a numeric axis (the inverse of position). */
export function valueAt(axis: Axis, fraction: number): number {
  if (axis.kind === 'log') return Math.exp(Math.log(axis.min) + fraction * (Math.log(axis.max) - Math.log(axis.min)));
  return axis.min + fraction * (axis.max - axis.min);
}

/** The brush a drag from one place to another along the axis makes (either order): a range, or the categories inside. */
export function brushBetween(axis: Axis, from: number, to: number): SweepBrush {
  const lo = Math.max(0, Math.min(from, to));
  const hi = Math.min(1, Math.max(from, to));
  if (axis.kind === 'category') {
    const inside = axis.categories.filter((c) => between(position(axis, c)!, lo, hi));
    // A short drag between two values takes the nearer one: a brush that keeps nothing is never what was meant.
    const middle = (lo + hi) / 2;
    const nearest = [...axis.categories].sort((a, b) => Math.abs(position(axis, a)! - middle) - Math.abs(position(axis, b)! - middle))[0];
    return { kind: 'values', values: inside.length || nearest === undefined ? inside : [nearest] };
  }
  return { kind: 'range', min: valueAt(axis, lo), max: valueAt(axis, hi) };
}

/** The part of the axis a brush covers, bottom and top, to draw it; a category brush covers its values ± half a step. */
export function brushExtent(axis: Axis, brush: SweepBrush): [number, number] | undefined {
  if (brush.kind === 'range') {
    if (axis.kind === 'category') return undefined;
    const a = position(axis, brush.min)!;
    const b = position(axis, brush.max)!;
    return [Math.max(0, Math.min(a, b)), Math.min(1, Math.max(a, b))];
  }
  const places = brush.values.flatMap((v) => position(axis, v) ?? []);
  if (places.length === 0) return undefined;
  const half = axis.categories.length > 1 ? 0.5 / (axis.categories.length - 1) : 0.5;
  return [Math.max(0, Math.min(...places) - half), Math.min(1, Math.max(...places) + half)];
}

const between = (x: number, lo: number, hi: number) => x >= lo - 1e-9 && x <= hi + 1e-9;

/** Whether the brush keeps the run: its value on the axis is inside (a run without a value is not). */
export function inBrush(axis: Axis, brush: SweepBrush, run: SweepRunRow): boolean {
  const value = axis.value(run);
  if (value === undefined) return false;
  if (brush.kind === 'values') return brush.values.includes(String(value));
  if (axis.kind === 'category') return false;
  const v = Number(value);
  const tolerance = 1e-9 * Math.max(1, Math.abs(brush.max));
  return v >= brush.min - tolerance && v <= brush.max + tolerance;
}

/** Whether every brush on an axis that is drawn keeps the run (a brush on an axis no longer drawn is ignored). */
export function passesBrushes(run: SweepRunRow, axes: readonly Axis[], brushes: Readonly<Record<string, SweepBrush>>): boolean {
  return axes.every((axis) => !brushes[axis.id] || inBrush(axis, brushes[axis.id], run));
}

/** Tick values for a numeric axis: its ends and a few between (1-2-5 × 10^k on a log axis). */
function roundTicks(axis: Axis, count = 5): number[] {
  if (axis.min === axis.max) return [axis.min];
  if (axis.kind === 'log') {
    const ticks: number[] = [];
    for (let k = Math.floor(Math.log10(axis.min)); k <= Math.ceil(Math.log10(axis.max)); k++) {
      for (const m of [1, 2, 5]) {
        const v = +(m * 10 ** k).toPrecision(6);
        const at = position(axis, v)!;
        if (at > 0.1 && at < 0.9) ticks.push(v); // not so near an end that its label would cover the end's
      }
    }
    const inner = ticks.length > count - 2 ? ticks.filter((_, i) => i % Math.ceil(ticks.length / (count - 2)) === 0) : ticks;
    return [axis.min, ...inner, axis.max];
  }
  return Array.from({ length: count }, (_, i) => axis.min + ((axis.max - axis.min) * i) / (count - 1));
}
