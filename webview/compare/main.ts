// Compare runs panel: any number of runs side by side, each in a colour no other run of the panel has and named the
// same way everywhere (runIdentity.ts) — metrics per attribute (final test, best and final validation), trainable
// parameters and speed in a table to sort and filter, the best value per column marked; accuracy vs trainable
// parameters per attribute (tradeOff.ts); the configuration (all of it, or only what differs); and the curves
// overlaid. The run selector above decides which runs the scatter and the curves draw. The table exports as CSV
// or Markdown.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import {
  type MetricsRow,
  type Table,
  type ValidationStats,
  configTable,
  joinTables,
  metricsCells,
  metricsTable,
  type TableFor,
  toCsv,
  toMarkdown,
} from '../../src/common/comparison';
import { seriesKey } from '../../src/common/curves';
import { textFilter } from '../../src/common/runFilter';
import { type TradeOffView, attributesOf, tradeOffPoints } from '../../src/common/tradeOff';
import { bestPoint } from '../../src/common/series';
import { type CompareRun, type CompareState, type ExportFormat, isCompareState, isCompareToWebview } from '../../src/protocol/compare';
import { DEFAULT_SMOOTHING } from '../../src/protocol/curves';
import { curveControls } from '../shared/controls';
import { h, swatch } from '../shared/dom';
import { Notices } from '../shared/notices';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { CurveCharts } from '../curves/curveCharts';
import { RunCurvesView } from '../curves/runView';
import { TradeOffScatter, shapeKey } from './scatter';

type ToHost = { type: 'export' | 'copy'; format: ExportFormat; text: string };

const api = vscodeApi<ToHost, CompareState>(isCompareState);
const state: CompareState = api.state() ?? { runDirs: [], smoothing: DEFAULT_SMOOTHING, xAxis: 'step', logScale: false, differencesOnly: true };

const root = document.getElementById('root')!;
const title = h('h1', {}, 'Compare runs');
const selector = h('section', { 'aria-label': 'Runs' });
const noticeBox = h('div', { className: 'notices' });
const metricsBox = h('div', { className: 'table-scroll', id: 'metrics-table' });
const exportBar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Export' });
const tableFilter = h('input', {
  type: 'search',
  className: 'text-input',
  id: 'table-filter',
  placeholder: 'Filter rows (regex or text)',
  'aria-label': 'Filter the table rows by run, experiment, status or id (regular expression or text)',
  value: state.tableFilter ?? '',
});
const scatterBar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Scatter options' });
const scatterCanvas = h('canvas', { role: 'img', 'aria-label': 'Accuracy versus trainable parameters (the points are listed below)' });
const scatterKey = h('p', { className: 'muted', id: 'scatter-key' });
const scatterNote = h('p', { className: 'muted', id: 'scatter-note' });
const scatterList = h('ul', { className: 'visually-hidden', id: 'scatter-points', 'aria-label': 'Scatter points' });
const configBox = h('div', { className: 'table-scroll', id: 'config-table' });
const configBar = h('div', { className: 'toolbar' });
const curveBar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Curve options' });
const grid = h('div', { className: 'chart-grid', id: 'charts' });
root.replaceChildren(
  title,
  selector,
  noticeBox,
  h('section', { 'aria-labelledby': 'metrics-h' }, h('h2', { id: 'metrics-h' }, 'Metrics, parameters and speed'), exportBar, metricsBox),
  h(
    'section',
    { 'aria-labelledby': 'scatter-h' },
    h('h2', { id: 'scatter-h' }, 'Accuracy vs trainable parameters'),
    scatterBar,
    h('div', { className: 'chart-box', id: 'scatter' }, scatterCanvas),
    scatterKey,
    scatterNote,
    scatterList,
  ),
  h('section', { 'aria-labelledby': 'config-h' }, h('h2', { id: 'config-h' }, 'Configuration'), configBar, configBox),
  h('section', { 'aria-labelledby': 'curves-h' }, h('h2', { id: 'curves-h' }, 'Curves'), curveBar, grid),
);
root.removeAttribute('aria-busy');

const notices = new Notices(noticeBox);
let colors = readThemeColors();
const charts = new CurveCharts(grid, state, colors);
const scatter = new TradeOffScatter(scatterCanvas, scatterList);
const view = new RunCurvesView<CompareRun>({
  title,
  selector,
  notices,
  charts,
  state,
  saveState: () => api.saveState(state),
  onSelection: () => renderScatter(),
});

onThemeChange((next) => {
  colors = next;
  charts.setTheme(next);
  renderScatter();
});

curveControls(curveBar, state, (change) => {
  Object.assign(state, change);
  api.saveState(state);
  charts.setOptions(change);
});

const differences = document.createElement('vscode-checkbox');
differences.id = 'differences-only';
differences.setAttribute('label', 'Differences only');
if (state.differencesOnly) differences.setAttribute('checked', '');
differences.addEventListener('change', () => {
  state.differencesOnly = (differences as unknown as { checked: boolean }).checked;
  api.saveState(state);
  renderTables();
});
configBar.append(differences);

tableFilter.addEventListener('input', () => {
  state.tableFilter = tableFilter.value;
  api.saveState(state);
  renderTables();
});
exportBar.append(tableFilter);

for (const [label, type, format] of [
  ['Export CSV…', 'export', 'csv'],
  ['Export Markdown…', 'export', 'markdown'],
  ['Copy as Markdown', 'copy', 'markdown'],
] as const) {
  const button = document.createElement('vscode-button');
  button.textContent = label;
  if (type === 'copy') button.setAttribute('secondary', '');
  button.addEventListener('click', () => {
    api.post({ type, format, text: format === 'csv' ? toCsv(exportTable('data')) : toMarkdown(exportTable('display')) });
  });
  exportBar.append(button);
}

function metricsRows(): MetricsRow[] {
  return view.runs.map((run) => {
    const tasks = new Set([...Object.keys(run.summary?.test ?? {}), ...Object.keys(run.summary?.validation ?? {})]);
    const validation: Record<string, ValidationStats> = {};
    for (const task of tasks) {
      const series = charts.series(run.id, seriesKey('validation/accuracy', task));
      if (!series?.value.length) continue;
      const best = bestPoint(series.value, 'max');
      validation[task] = { final: series.value[series.value.length - 1], best: best?.value, bestEpoch: best ? series.epoch[best.index] : undefined };
    }
    return { label: run.label, id: run.id, experiment: run.experiment, attempt: run.attempt, status: run.status, summary: run.summary, validation };
  });
}

function currentConfigTable(target: TableFor = 'display'): Table {
  return configTable(
    view.runs.map((r) => ({ label: r.label, config: r.config })),
    state.differencesOnly,
    target,
  );
}

/** What is exported: for CSV plain numbers and the run id and experiment (TableFor 'data'), for Markdown as shown. */
function exportTable(target: TableFor): Table {
  return joinTables(metricsTable(metricsRows(), target), currentConfigTable(target), target);
}

/** Which rows the table filter keeps: it reads the run's label, experiment, status and id. */
function rowsShown(): boolean[] {
  const matches = textFilter(state.tableFilter ?? '');
  return view.runs.map((r) => matches(`${r.label}\n${r.experiment}\n${r.status}\n${r.id}`));
}

/** A table with the run's colour beside its name in the first column, the rows the filter keeps. */
function renderTable(box: HTMLElement, table: Table, caption: string, head: HTMLTableRowElement, order: number[]): void {
  const kept = rowsShown();
  const body = order
    .filter((r) => kept[r])
    .map((r) =>
      h(
        'tr',
        { 'data-run': view.runs[r]?.id },
        ...table.rows[r].map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, view.runs[r] ? swatch(view.runs[r].color) : null, cell) : h('td', {}, cell))),
      ),
    );
  box.replaceChildren(h('table', {}, h('caption', { className: 'muted' }, caption), h('thead', {}, head), h('tbody', {}, ...body)));
}

/**
 * The metrics table: sorted by the clicked header (again: the other way; Enter or Space on a focused header too),
 * numbers right-aligned and short, the best value of each column in bold with a star (not only a colour).
 */
function renderMetrics(): void {
  const table = metricsTable(metricsRows());
  const cells = metricsCells(metricsRows());
  const sortColumn = state.sort ? table.head.indexOf(state.sort.column) : -1;
  const order = view.runs.map((_, i) => i);
  if (sortColumn >= 0) {
    const sign = state.sort!.descending ? -1 : 1;
    order.sort((a, b) => sign * compareValues(cells[a][sortColumn].value, cells[b][sortColumn].value) || a - b);
  }
  const head = h(
    'tr',
    {},
    ...table.head.map((cell, i) => {
      const sorted = i === sortColumn ? (state.sort!.descending ? 'descending' : 'ascending') : undefined;
      const button = h('button', { className: 'sort', type: 'button', title: `Sort by ${cell}` }, cell, sorted ? (sorted === 'ascending' ? ' ▲' : ' ▼') : '');
      button.addEventListener('click', () => {
        state.sort = { column: cell, descending: state.sort?.column === cell ? !state.sort.descending : i > 1 };
        api.saveState(state);
        renderTables();
        metricsBox.querySelectorAll<HTMLButtonElement>('thead button')[i]?.focus();
      });
      return h('th', { scope: 'col', className: i > 1 ? 'num' : undefined, 'aria-sort': sorted }, button);
    }),
  );
  renderTable(metricsBox, table, 'Test metrics from summary.json; validation metrics from the curves. ★ marks the best value of a column.', head, order);
  // Numbers right-aligned, the best of each column marked.
  metricsBox.querySelectorAll('tbody tr').forEach((tr) => {
    const r = view.runs.findIndex((run) => run.id === (tr as HTMLElement).dataset.run);
    tr.querySelectorAll('td').forEach((td, j) => {
      if (j >= 1) td.classList.add('num');
      if (cells[r]?.[j + 1]?.best) {
        td.classList.add('best');
        td.setAttribute('title', 'best in this column');
        td.replaceChildren(h('strong', {}, td.textContent ?? ''), h('span', { 'aria-label': 'best' }, ' ★'));
      }
    });
  });
}

function compareValues(a: number | string | undefined, b: number | string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1; // missing values last
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function renderTables(): void {
  renderMetrics();
  const config = currentConfigTable();
  if (state.differencesOnly && config.head.length === 1) {
    configBox.replaceChildren(h('p', { className: 'muted' }, view.runs.length > 1 ? 'These runs have the same configuration.' : 'One run: nothing to differ.'));
  } else {
    const head = h('tr', {}, ...config.head.map((cell) => h('th', { scope: 'col' }, cell)));
    renderTable(
      configBox,
      config,
      state.differencesOnly ? 'Only the settings that differ between the runs.' : 'Every setting of every run.',
      head,
      view.runs.map((_, i) => i),
    );
  }
}

/** The scatter's measure picker: each attribute, all attributes, or one of them (kept in the panel state). */
const scatterPicker = h('select', { id: 'scatter-view', className: 'select' });
scatterPicker.addEventListener('change', () => {
  state.scatterView = scatterPicker.value;
  api.saveState(state);
  renderScatter();
});
scatterBar.append(h('label', {}, 'Accuracy on', scatterPicker));

function scatterView(): TradeOffView {
  const chosen = state.scatterView ?? 'each';
  if (chosen === 'each' || chosen === 'all') return chosen;
  return { attribute: chosen.slice('attribute:'.length) };
}

function fillScatterPicker(): void {
  const options: [string, string][] = [
    ['each', 'each attribute (a point per run and attribute)'],
    ['all', 'all attributes (adapters summed vs one model)'],
    ...attributesOf(view.runs).map((a): [string, string] => [`attribute:${a}`, a]),
  ];
  if (!options.some(([value]) => value === (state.scatterView ?? 'each'))) state.scatterView = 'each';
  scatterPicker.replaceChildren(...options.map(([value, label]) => h('option', { value, selected: value === (state.scatterView ?? 'each') }, label)));
}

function renderScatter(): void {
  const hidden = view.selector.hidden();
  const tradeOff = tradeOffPoints(
    view.runs.filter((r) => !hidden.has(r.id)),
    scatterView(),
  );
  scatter.show(tradeOff, colors);
  scatterKey.textContent = shapeKey(tradeOff);
  scatterNote.textContent = tradeOff.left.length ? `Not plotted: ${tradeOff.left.map((l) => `${l.label} (${l.why})`).join('; ')}.` : '';
}

let tableTimer: number | undefined;
/** Validation stats change as points stream in: refresh the tables a few times a second at most. */
function refreshTablesSoon(): void {
  tableTimer ??= window.setTimeout(() => {
    tableTimer = undefined;
    renderTables();
  }, 300);
}

listen(api, isCompareToWebview, (message) => {
  if (message.type === 'compare') {
    view.show(message.title, message.runs, message.notices);
    if (message.runs.length === 0 && notices.count === 0) view.addNotice({ severity: 'info', message: 'No runs to compare.' });
    fillScatterPicker();
    renderTables();
    return renderScatter();
  }
  const changed = view.apply(message);
  if (message.type === 'runStatus' && changed) {
    fillScatterPicker();
    renderScatter();
  }
  if (changed) refreshTablesSoon();
});
