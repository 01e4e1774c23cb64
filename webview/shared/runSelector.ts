// The run selector of a panel (curves and compare), like TensorBoard's: one list of the runs outside the charts, a
// filter box (regex or substring) and a checkbox per run. A run filtered out or unchecked is hidden from every chart
// of the panel (all its lines), and the charts rescale to what is left. Each row names the run the way every view
// does (runIdentity.ts), with its attempt, time and short id, status, progress and, once finished, its test result.
import { runDetail } from '../../src/common/runIdentity';
import { textFilter } from '../../src/common/runFilter';
import type { RunSummary } from '../../src/common/runRecord';
import type { CurveRun } from '../../src/protocol/curves';
import { h, swatch } from './dom';

export interface SelectorRun extends CurveRun {
  label: string;
  summary?: RunSummary;
}

export class RunSelector {
  private runs: SelectorRun[] = [];
  private readonly filter: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly count: HTMLElement;

  constructor(
    readonly element: HTMLElement,
    private readonly selection: { hiddenRuns?: string[]; runFilter?: string },
    /** The runs to draw changed (ids of the runs hidden by the filter or unchecked). */
    private readonly onChange: (hidden: ReadonlySet<string>) => void,
  ) {
    this.filter = h('input', {
      type: 'search',
      className: 'text-input',
      id: 'run-filter',
      placeholder: 'Filter runs (regex or text)',
      'aria-label': 'Filter runs by name, experiment or id (regular expression or text)',
      value: selection.runFilter ?? '',
    });
    this.filter.addEventListener('input', () => {
      this.selection.runFilter = this.filter.value;
      this.update();
    });
    this.count = h('span', { className: 'muted', id: 'run-count', 'aria-live': 'polite' });
    const all = h('button', { className: 'link-button', type: 'button', id: 'show-all-runs' }, 'Show all');
    all.addEventListener('click', () => this.setHidden([]));
    const none = h('button', { className: 'link-button', type: 'button', id: 'hide-all-runs' }, 'Hide all');
    none.addEventListener('click', () => this.setHidden(this.runs.map((r) => r.id)));
    this.list = h('ul', { className: 'run-legend', 'aria-label': 'Runs' });
    element.classList.add('run-selector');
    element.replaceChildren(h('div', { className: 'run-selector-bar' }, this.filter, all, none, this.count), this.list);
  }

  show(runs: SelectorRun[]): void {
    this.runs = runs;
    this.list.replaceChildren(...runs.map((run) => this.item(run)));
    this.update();
  }

  /** What the charts hide: runs unchecked, and runs the filter does not match. */
  hidden(): ReadonlySet<string> {
    const matches = textFilter(this.selection.runFilter ?? '');
    const unchecked = new Set(this.selection.hiddenRuns ?? []);
    return new Set(this.runs.filter((r) => unchecked.has(r.id) || !matches(searchText(r))).map((r) => r.id));
  }

  showStatus(run: SelectorRun): void {
    const item = this.itemOf(run.id);
    if (!item) return;
    item.querySelector('.status')!.textContent = statusText(run);
    item.querySelector('.test')!.textContent = testText(run.summary);
    if (!isLive(run)) item.querySelector('.progress')!.textContent = '';
  }

  /** How far a live run has got: the last step it logged (a finished run shows its test result instead). */
  showProgress(runId: string, step: number | undefined): void {
    const run = this.runs.find((r) => r.id === runId);
    const item = this.itemOf(runId)?.querySelector('.progress');
    if (run && isLive(run) && item && step !== undefined) item.textContent = ` · step ${step}`;
  }

  private item(run: SelectorRun): HTMLLIElement {
    const box = h('input', { type: 'checkbox', id: `show-${run.id}`, 'aria-label': `Show ${run.label}` });
    box.checked = !(this.selection.hiddenRuns ?? []).includes(run.id);
    box.addEventListener('change', () => {
      const others = (this.selection.hiddenRuns ?? []).filter((id) => id !== run.id);
      this.setHidden(box.checked ? others : [...others, run.id]);
    });
    const dot = swatch(run.color);
    if (run.pattern > 0) {
      dot.classList.add('patterned');
      dot.style.borderColor = run.color;
    }
    return h(
      'li',
      { 'data-run': run.id, 'data-color': run.color, 'data-pattern': run.pattern },
      h('label', { for: box.id }, box, dot, h('span', { className: 'run-name' }, run.label)),
      h('span', { className: 'muted status' }, statusText(run)),
      h('span', { className: 'muted progress' }),
      // A second line, the same for every run: which training it is, and how it scored.
      h(
        'div',
        { className: 'sub' },
        h(
          'span',
          { className: 'muted detail', title: `attempt ${run.attempt} · started ${new Date(run.createdAt).toLocaleString()} · ${run.id}` },
          runDetail(run),
        ),
        h('span', { className: 'test' }, testText(run.summary)),
      ),
    );
  }

  private setHidden(ids: string[]): void {
    this.selection.hiddenRuns = ids;
    for (const run of this.runs) {
      const box = this.itemOf(run.id)?.querySelector('input');
      if (box) box.checked = !ids.includes(run.id);
    }
    this.update();
  }

  private update(): void {
    const hidden = this.hidden();
    const matches = textFilter(this.selection.runFilter ?? '');
    for (const run of this.runs) {
      const item = this.itemOf(run.id);
      if (!item) continue;
      item.hidden = !matches(searchText(run));
      item.classList.toggle('off', hidden.has(run.id));
    }
    this.count.textContent = `${this.runs.length - hidden.size} of ${this.runs.length} runs shown`;
    this.onChange(hidden);
  }

  private itemOf(runId: string): HTMLElement | null {
    return this.list.querySelector(`[data-run="${CSS.escape(runId)}"]`);
  }
}

const isLive = (run: SelectorRun) => run.status === 'running' || run.status === 'queued';

/** " tiny · completed"; the experiment only where the label does not already say it. */
function statusText(run: SelectorRun): string {
  return run.label.startsWith(`${run.experiment} · `) ? ` ${run.status}` : ` ${run.experiment} · ${run.status}`;
}

/** What the filter looks at: the label, the experiment and the run id (the folder name). */
function searchText(run: SelectorRun): string {
  return `${run.label}\n${run.experiment}\n${run.id}`;
}

/** A finished run's test result, after its name: " · test mood 84.2% · topic 81.0%". */
function testText(summary: RunSummary | undefined): string {
  if (!summary || Object.keys(summary.test).length === 0) return '';
  return ` · test ${Object.entries(summary.test)
    .map(([task, m]) => `${task} ${(100 * m.accuracy).toFixed(1)}%`)
    .join(' · ')}`;
}
