// Compare runs panel: any number of runs side by side, each in its own colour — metrics per attribute (final test,
// best and final validation), trainable parameters and speed; accuracy vs trainable parameters; the configuration
// (all of it, or only what differs); and the curves overlaid. The table exports as CSV or Markdown.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import {
  type MetricsRow,
  type Table,
  type ValidationStats,
  configTable,
  joinTables,
  meanTestAccuracy,
  metricsTable,
  type TableFor,
  toCsv,
  toMarkdown,
} from '../../src/common/comparison';
import { seriesKey } from '../../src/common/curves';
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
import { TradeOffScatter } from './scatter';

type ToHost = { type: 'export' | 'copy'; format: ExportFormat; text: string };

const api = vscodeApi<ToHost, CompareState>(isCompareState);
const state: CompareState = api.state() ?? { runDirs: [], smoothing: DEFAULT_SMOOTHING, xAxis: 'step', logScale: false, differencesOnly: true };

const root = document.getElementById('root')!;
const title = h('h1', {}, 'Compare runs');
const legend = h('ul', { className: 'run-legend', 'aria-label': 'Runs' });
const noticeBox = h('div', { className: 'notices' });
const metricsBox = h('div', { className: 'table-scroll', id: 'metrics-table' });
const exportBar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Export' });
const scatterCanvas = h('canvas', { role: 'img', 'aria-label': 'Accuracy versus trainable parameters' });
const scatterNote = h('p', { className: 'muted', id: 'scatter-note' });
const configBox = h('div', { className: 'table-scroll', id: 'config-table' });
const configBar = h('div', { className: 'toolbar' });
const curveBar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Curve options' });
const grid = h('div', { className: 'chart-grid', id: 'charts' });
root.replaceChildren(
  title,
  legend,
  noticeBox,
  h('section', { 'aria-labelledby': 'metrics-h' }, h('h2', { id: 'metrics-h' }, 'Metrics, parameters and speed'), exportBar, metricsBox),
  h(
    'section',
    { 'aria-labelledby': 'scatter-h' },
    h('h2', { id: 'scatter-h' }, 'Accuracy vs trainable parameters'),
    h('div', { className: 'chart-box', id: 'scatter' }, scatterCanvas),
    scatterNote,
  ),
  h('section', { 'aria-labelledby': 'config-h' }, h('h2', { id: 'config-h' }, 'Configuration'), configBar, configBox),
  h('section', { 'aria-labelledby': 'curves-h' }, h('h2', { id: 'curves-h' }, 'Curves'), curveBar, grid),
);
root.removeAttribute('aria-busy');

const notices = new Notices(noticeBox);
let colors = readThemeColors();
const charts = new CurveCharts(grid, state, colors);
const scatter = new TradeOffScatter(scatterCanvas);
const view = new RunCurvesView<CompareRun>({ title, legend, notices, charts, state, saveState: () => api.saveState(state) });

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
    return { label: run.name, id: run.id, experiment: run.experiment, status: run.status, summary: run.summary, validation };
  });
}

function currentConfigTable(target: TableFor = 'display'): Table {
  return configTable(
    view.runs.map((r) => ({ label: r.name, config: r.config })),
    state.differencesOnly,
    target,
  );
}

/** What is exported: for CSV plain numbers and the run id and experiment (TableFor 'data'), for Markdown as shown. */
function exportTable(target: TableFor): Table {
  return joinTables(metricsTable(metricsRows(), target), currentConfigTable(target), target);
}

/** A table with the run's colour beside its name in the first column. */
function renderTable(box: HTMLElement, table: Table, caption: string): void {
  const head = h('tr', {}, ...table.head.map((cell, i) => h('th', { scope: 'col', className: i > 1 && box.id === 'metrics-table' ? 'num' : undefined }, cell)));
  const body = table.rows.map((row, r) =>
    h(
      'tr',
      { 'data-run': view.runs[r]?.id },
      ...row.map((cell, i) =>
        i === 0
          ? h('th', { scope: 'row' }, view.runs[r] ? swatch(view.runs[r].color) : null, cell)
          : h('td', { className: i > 1 && box.id === 'metrics-table' ? 'num' : undefined }, cell),
      ),
    ),
  );
  box.replaceChildren(h('table', {}, h('caption', { className: 'muted' }, caption), h('thead', {}, head), h('tbody', {}, ...body)));
}

function renderTables(): void {
  renderTable(metricsBox, metricsTable(metricsRows()), 'Test metrics from summary.json; validation metrics from the curves.');
  const config = currentConfigTable();
  if (state.differencesOnly && config.head.length === 1) {
    configBox.replaceChildren(h('p', { className: 'muted' }, view.runs.length > 1 ? 'These runs have the same configuration.' : 'One run: nothing to differ.'));
  } else renderTable(configBox, config, state.differencesOnly ? 'Only the settings that differ between the runs.' : 'Every setting of every run.');
}

function renderScatter(): void {
  const plotted = view.runs.flatMap((r) => {
    const accuracy = r.summary ? meanTestAccuracy(r.summary) : undefined;
    return r.summary && accuracy !== undefined && r.summary.trainableParams > 0
      ? [{ label: r.name, color: r.color, params: r.summary.trainableParams, accuracy }]
      : [];
  });
  scatter.show(plotted, colors);
  const missing = view.runs.filter((r) => !plotted.some((p) => p.label === r.name));
  scatterNote.textContent = missing.length ? `Not plotted (no summary.json yet): ${missing.map((r) => `${r.name} (${r.status})`).join(', ')}.` : '';
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
    renderTables();
    return renderScatter();
  }
  const changed = view.apply(message);
  if (message.type === 'runStatus' && changed) renderScatter();
  if (changed) refreshTablesSoon();
});
