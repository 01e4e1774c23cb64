// The Runs section of the sweep panel: the regular-expression filter (a broken expression is shown as an error and
// filters nothing), the column chooser, "differences only", the count and the table. The brushes of the parallel
// coordinates filter it too. What the user chose is written to the panel's state.
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { SweepPanelRun, SweepState } from '../../src/protocol/sweep';
import { h } from '../shared/dom';
import { type Axis, passesBrushes } from './parallelAxes';
import { RunsTable, columnChooser } from './runsTable';
import { compileFilter, filterRuns, nextSort, shownColumns, sortRuns, tableColumns } from './tableModel';
import { measureFrame } from './timing';

export interface RunsSectionView {
  runs: SweepPanelRun[];
  paths: string[];
  pathLabels: Record<string, string>;
  tasks: string[];
  /** The parallel coordinates' axes: brushes on them filter the table. */
  axes: Axis[];
  selected: ReadonlySet<string>;
}

export class RunsSection {
  readonly element: HTMLElement;
  private readonly filterInput: HTMLInputElement;
  private readonly filterError = h('span', { id: 'filter-error', className: 'input-error', role: 'alert' });
  private readonly differences = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  private readonly count = h('span', { className: 'muted', id: 'runs-count', 'aria-live': 'polite' });
  private readonly toolbar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Runs table' });
  private readonly tableBox = h('div', { id: 'runs-table' });
  private readonly table: RunsTable;
  private chooser?: HTMLDetailsElement;
  private chooserColumns = '';
  private view?: RunsSectionView;

  constructor(
    private readonly state: SweepState,
    private readonly save: () => void,
    onPick: (run: SweepPanelRun, event: MouseEvent | KeyboardEvent, order: string[]) => void,
  ) {
    this.filterInput = h('input', {
      type: 'search',
      id: 'run-filter',
      className: 'text-input',
      placeholder: 'Filter runs (regular expression)',
      'aria-label': 'Filter runs by a regular expression',
      'aria-describedby': 'filter-error',
      spellcheck: 'false',
      value: state.filter,
    });
    this.filterInput.addEventListener('input', () => {
      const started = performance.now();
      state.filter = this.filterInput.value;
      save();
      this.render();
      measureFrame('adapterlab:sweep-filter', started);
    });
    this.differences.id = 'differences-only';
    this.differences.setAttribute('label', 'Differences only');
    if (state.differencesOnly) this.differences.setAttribute('checked', '');
    this.differences.addEventListener('change', () => {
      state.differencesOnly = this.differences.checked;
      save();
      this.render();
    });
    this.table = new RunsTable(this.tableBox, {
      onSort: (column) => {
        state.sort = nextSort(state.sort, column);
        save();
        this.render();
      },
      onPick,
    });
    this.element = h('section', { 'aria-labelledby': 'runs-h' }, h('h2', { id: 'runs-h' }, 'Runs'), this.toolbar, this.tableBox);
  }

  show(view: RunsSectionView): void {
    this.view = view;
    this.render();
  }

  private render(): void {
    if (!this.view) return;
    const { runs, paths, pathLabels, tasks, axes, selected } = this.view;
    const { state } = this;
    const columns = tableColumns(paths, pathLabels, tasks);
    this.showChooser(columns);
    const { regex, error } = compileFilter(state.filter);
    this.filterError.textContent = error ? `Not a regular expression: ${error}` : '';
    this.filterInput.setAttribute('aria-invalid', String(Boolean(error)));
    const brushed = Object.keys(state.brushes).some((id) => axes.some((a) => a.id === id));
    const kept = filterRuns(runs, columns, regex).filter((r) => !brushed || passesBrushes(r, axes, state.brushes));
    const sorted = sortRuns(
      kept,
      columns.find((c) => c.id === state.sort?.column),
      state.sort?.descending ?? false,
    ) as SweepPanelRun[];
    this.table.show({ runs: sorted, columns: shownColumns(columns, sorted, state.hiddenColumns, state.differencesOnly), sort: state.sort, selected });
    this.count.textContent = `${sorted.length} of ${runs.length} runs shown${brushed ? ' (brushes applied)' : ''}`;
    this.tableBox.dataset.rows = String(sorted.length);
  }

  /** Made anew only when the columns change (a new attribute): an open chooser stays open while boxes are ticked. */
  private showChooser(columns: ReturnType<typeof tableColumns>): void {
    const ids = columns.map((c) => c.id).join('\n');
    if (ids === this.chooserColumns) return;
    this.chooserColumns = ids;
    const open = this.chooser?.open ?? false;
    this.chooser = columnChooser(columns, this.state.hiddenColumns, (hidden) => {
      this.state.hiddenColumns = hidden;
      this.save();
      this.render();
    });
    this.chooser.open = open;
    this.toolbar.replaceChildren(h('span', { className: 'filter' }, this.filterInput, this.filterError), this.chooser, this.differences, this.count);
  }
}
