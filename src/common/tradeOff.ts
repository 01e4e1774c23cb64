// The accuracy-vs-trainable-parameters scatter, like with like: an adapter is trained for one attribute, full
// fine-tuning and head-only for all of them, so a point is one run on one attribute (its test accuracy there), or
// one attribute picked for every run. "All attributes" puts what serving every attribute costs side by side: the
// adapters of an experiment together (the sum of their parameters, the mean of their accuracies, each on its own
// attribute) against each run that covers them all (full fine-tuning: one model), with the mean over attributes.
// Pure: the compare webview draws the points, the unit tests check them.
import type { RunSummary } from './runRecord';

/** `each`: a point per run and attribute; `all`: what serving every attribute costs; else one attribute's name. */
export type TradeOffView = 'each' | 'all' | { attribute: string };

export interface TradeOffRun {
  id: string;
  label: string;
  experiment: string;
  type: string;
  status: string;
  createdAt: string;
  color: string;
  summary?: Pick<RunSummary, 'test' | 'trainableParams'>;
}

export interface TradeOffPoint {
  /** the runs the point stands for (several for an experiment's adapters together) */
  runIds: string[];
  label: string;
  color: string;
  /** the attribute the accuracy is of, or undefined for a mean over attributes */
  attribute?: string;
  params: number;
  accuracy: number;
  /** what the y value is, for the tooltip: "mood test accuracy", "mean test accuracy over mood, topic" */
  measure: string;
}

export interface TradeOff {
  points: TradeOffPoint[];
  /** runs that have no point, and why */
  left: { label: string; why: string }[];
  /** the y axis title */
  axis: string;
}

export function attributesOf(runs: readonly TradeOffRun[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.summary?.test ?? {})))].sort();
}

export function tradeOffPoints(runs: readonly TradeOffRun[], view: TradeOffView): TradeOff {
  const left: TradeOff['left'] = [];
  const plottable = runs.filter((r) => {
    if (!r.summary) left.push({ label: r.label, why: `no summary.json yet (${r.status})` });
    // A log axis has no 0: a Parallel composition or a merge trains nothing, it reuses trained adapters.
    else if (r.summary.trainableParams <= 0) left.push({ label: r.label, why: '0 trainable parameters: it reuses trained adapters' });
    else return true;
    return false;
  }) as (TradeOffRun & { summary: NonNullable<TradeOffRun['summary']> })[];
  const point = (r: (typeof plottable)[number], attribute: string, label: string): TradeOffPoint => ({
    runIds: [r.id],
    label,
    color: r.color,
    attribute,
    params: r.summary.trainableParams,
    accuracy: r.summary.test[attribute].accuracy,
    measure: `${attribute} test accuracy`,
  });
  if (view === 'each') {
    const points = plottable.flatMap((r) => Object.keys(r.summary.test).map((t) => point(r, t, `${r.label} · ${t}`)));
    return { points, left, axis: 'test accuracy on each attribute' };
  }
  if (view !== 'all') {
    const t = view.attribute;
    const points = plottable.flatMap((r) => (r.summary.test[t] ? [point(r, t, r.label)] : []));
    for (const r of plottable) if (!r.summary.test[t]) left.push({ label: r.label, why: `not trained for ${t}` });
    return { points, left, axis: `${t} test accuracy` };
  }
  return { points: allAttributes(plottable), left, axis: 'mean test accuracy over the attributes' };
}

function allAttributes(runs: readonly (TradeOffRun & { summary: NonNullable<TradeOffRun['summary']> })[]): TradeOffPoint[] {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const points: TradeOffPoint[] = [];
  for (const experiment of [...new Set(runs.map((r) => r.experiment))]) {
    const inExperiment = runs.filter((r) => r.experiment === experiment);
    // Per attribute, the newest adapter trained for it alone.
    const adapters = new Map<string, (typeof runs)[number]>();
    for (const r of [...inExperiment].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const tasks = Object.keys(r.summary.test);
      if (r.type === 'adapter' && tasks.length === 1) adapters.set(tasks[0], r);
    }
    if (adapters.size > 0) {
      const tasks = [...adapters.keys()].sort();
      const chosen = tasks.map((t) => adapters.get(t)!);
      points.push({
        runIds: chosen.map((r) => r.id),
        label: `${experiment} · ${chosen.length} adapters (${tasks.join(', ')})`,
        color: chosen[0].color,
        params: chosen.reduce((n, r) => n + r.summary.trainableParams, 0),
        accuracy: mean(chosen.map((r, i) => r.summary.test[tasks[i]].accuracy)),
        measure: `mean test accuracy over ${tasks.join(', ')}, each adapter on its own; parameters summed`,
      });
    }
    for (const r of inExperiment) {
      if (r.type === 'adapter' && Object.keys(r.summary.test).length === 1) continue;
      const tasks = Object.keys(r.summary.test).sort();
      if (tasks.length === 0) continue;
      points.push({
        runIds: [r.id],
        label: r.label,
        color: r.color,
        params: r.summary.trainableParams,
        accuracy: mean(tasks.map((t) => r.summary.test[t].accuracy)),
        measure: `mean test accuracy over ${tasks.join(', ')}`,
      });
    }
  }
  return points;
}
