// The legend of runs above the curves (curves and compare views): colour, name, experiment · status, last step.
import type { CurveRun } from '../../src/protocol/curves';
import { h, swatch } from '../shared/dom';
import type { CurveCharts } from './curveCharts';

export function legendItem(run: CurveRun): HTMLLIElement {
  return h(
    'li',
    { 'data-run': run.id },
    swatch(run.color),
    h('span', {}, run.name),
    h('span', { className: 'muted status' }, ` ${run.experiment} · ${run.status}`),
    h('span', { className: 'muted progress' }),
  );
}

export function showStatus(legend: HTMLElement, run: CurveRun): void {
  legend.querySelector(`[data-run="${CSS.escape(run.id)}"] .status`)!.textContent = ` ${run.experiment} · ${run.status}`;
}

/** The legend says how far each run has got: the last step it logged. */
export function showProgress(legend: HTMLElement, charts: CurveCharts, runId: string): void {
  const step = charts.lastStep(runId);
  const item = legend.querySelector(`[data-run="${CSS.escape(runId)}"] .progress`);
  if (item && step !== undefined) item.textContent = ` · step ${step}`;
}
