// Compare runs panel: any number of runs side by side, each in its own colour — metrics per attribute (final test,
// best and final validation), trainable parameters and speed; accuracy vs trainable parameters; the configuration
// (all of it, or only what differs); and the curves overlaid. The table exports as CSV or Markdown.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { type MetricsRow, type Table, type ValidationStats, configTable, joinTables, meanTestAccuracy, metricsTable, toCsv, toMarkdown } from '../../src/common/comparison';
import { seriesKey } from '../../src/common/curves';
import { bestPoint } from '../../src/common/series';
import type { CompareRun, CompareState, CompareToWebview, ExportFormat } from '../../src/protocol/compare';
import { isCompareState } from '../../src/protocol/compare';
import type { Notice } from '../../src/protocol/curves';
import { DEFAULT_SMOOTHING } from '../../src/protocol/curves';
import { anyOf, isErrorMessage, isRecord } from '../../src/protocol/webview';
import { curveControls } from '../shared/controls';
import { h, swatch } from '../shared/dom';
import { Notices } from '../shared/notices';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { CurveCharts } from '../curves/curveCharts';
import { legendItem, showProgress, showStatus } from '../curves/runLegend';
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
  h('section', { 'aria-labelledby': 'scatter-h' }, h('h2', { id: 'scatter-h' }, 'Accuracy vs trainable parameters'), h('div', { className: 'chart-box', id: 'scatter' }, scatterCanvas), scatterNote),
  h('section', { 'aria-labelledby': 'config-h' }, h('h2', { id: 'config-h' }, 'Configuration'), configBar, configBox),
  h('section', { 'aria-labelledby': 'curves-h' }, h('h2', { id: 'curves-h' }, 'Curves'), curveBar, grid),
);
root.removeAttribute('aria-busy');

const notices = new Notices(noticeBox);
let colors = readThemeColors();
const charts = new CurveCharts(grid, state, colors);
const scatter = new TradeOffScatter(scatterCanvas);
let runs: CompareRun[] = [];

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
    const table = exportTable();
    api.post({ type, format, text: format === 'csv' ? toCsv(table) : toMarkdown(table) });
  });
  exportBar.append(button);
}

function metricsRows(): MetricsRow[] {
  return runs.map((run) => {
    const tasks = new Set([...Object.keys(run.summary?.test ?? {}), ...Object.keys(run.summary?.validation ?? {})]);
    const validation: Record<string, ValidationStats> = {};
    for (const task of tasks) {
      const series = charts.series(run.id, seriesKey('validation/accuracy', task));
      if (!series?.value.length) continue;
      const best = bestPoint(series.value, 'max');
      validation[task] = { final: series.value[series.value.length - 1], best: best?.value, bestEpoch: best ? series.epoch[best.index] : undefined };
    }
    return { label: run.name, status: run.status, summary: run.summary, validation };
  });
}

function currentConfigTable(): Table {
  return configTable(runs.map((r) => ({ label: r.name, config: r.config })), state.differencesOnly);
}

function exportTable(): Table {
  return joinTables(metricsTable(metricsRows()), currentConfigTable());
}

/** A table with the run's colour beside its name in the first column. */
function renderTable(box: HTMLElement, table: Table, caption: string): void {
  const head = h('tr', {}, ...table.head.map((cell, i) => h('th', { scope: 'col', className: i > 1 && box.id === 'metrics-table' ? 'num' : undefined }, cell)));
  const body = table.rows.map((row, r) =>
    h(
      'tr',
      { 'data-run': runs[r]?.id },
      ...row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, runs[r] ? swatch(runs[r].color) : null, cell) : h('td', { className: i > 1 && box.id === 'metrics-table' ? 'num' : undefined }, cell))),
    ),
  );
  box.replaceChildren(h('table', {}, h('caption', { className: 'muted' }, caption), h('thead', {}, head), h('tbody', {}, ...body)));
}

function renderTables(): void {
  renderTable(metricsBox, metricsTable(metricsRows()), 'Test metrics from summary.json; validation metrics from the curves.');
  const config = currentConfigTable();
  if (state.differencesOnly && config.head.length === 1) {
    configBox.replaceChildren(h('p', { className: 'muted' }, runs.length > 1 ? 'These runs have the same configuration.' : 'One run: nothing to differ.'));
  } else renderTable(configBox, config, state.differencesOnly ? 'Only the settings that differ between the runs.' : 'Every setting of every run.');
}

function renderScatter(): void {
  const plotted = runs.flatMap((r) => {
    const accuracy = r.summary ? meanTestAccuracy(r.summary) : undefined;
    return r.summary && accuracy !== undefined && r.summary.trainableParams > 0 ? [{ label: r.name, color: r.color, params: r.summary.trainableParams, accuracy }] : [];
  });
  scatter.show(plotted, colors);
  const missing = runs.filter((r) => !plotted.some((p) => p.label === r.name));
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

function showCompare(message: Extract<CompareToWebview, { type: 'compare' }>): void {
  runs = message.runs;
  title.textContent = message.title;
  document.title = message.title;
  state.runDirs = runs.map((r) => r.dir);
  api.saveState(state);
  notices.clear();
  charts.setRuns(runs);
  legend.replaceChildren(...runs.map(legendItem));
  for (const notice of message.notices) addNotice(notice);
  if (runs.length === 0 && notices.count === 0) addNotice({ severity: 'info', message: 'No runs to compare.' });
  renderTables();
  renderScatter();
}

function addNotice(notice: Notice): void {
  notices.add(notice, runs.find((r) => r.id === notice.runId)?.name);
}

const isMessage = anyOf<CompareToWebview>(isErrorMessage, (v): v is CompareToWebview => isRecord(v) && ['compare', 'points', 'runStatus', 'notice'].includes(v.type as string));

listen(api, isMessage, (message) => {
  switch (message.type) {
    case 'compare':
      return showCompare(message);
    case 'points':
      charts.append(message.runId, message.batch);
      showProgress(legend, charts, message.runId);
      return refreshTablesSoon();
    case 'runStatus': {
      const run = runs.find((r) => r.id === message.runId);
      if (!run) return;
      run.status = message.status;
      run.summary = message.summary ?? run.summary;
      showStatus(legend, run);
      renderScatter();
      return refreshTablesSoon();
    }
    case 'notice':
      return addNotice(message.notice);
    case 'error':
      return addNotice({ severity: 'error', message: message.detail ? `${message.message}\n${message.detail}` : message.message });
  }
});
