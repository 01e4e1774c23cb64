// Sweep panel: a sweep's runs at a glance — the accuracy/cost frontier (mean ± sd per setting), parallel coordinates
// of every run (brush an axis to filter), the score per setting with its seeds, the settings against a reference, and
// a table of every planned run (sort, regular-expression filter, columns, differences only). Runs selected anywhere
// open in the curves or compare panel. The host sends the whole picture when the sweep's runs change; what the user
// chose (attribute, score, cost axis, filter, sort, brushes, selection) is kept with setState.
import { paretoFrontier } from '../../src/common/pareto';
import { RUN_PALETTE } from '../../src/common/runColors';
import type { SettingRow } from '../../src/common/sweep';
import { type SweepFromWebview, type SweepMessage, type SweepPanelRun, type SweepState, isSweepState, isSweepToWebview } from '../../src/protocol/sweep';
import { h } from '../shared/dom';
import { Notices } from '../shared/notices';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { colorScale } from './colorScale';
import { button, selectControl } from './controls';
import { FrontierScatter, type SettingPoint } from './frontierScatter';
import { COSTS, METRICS, costOf, formatCost, metricLabel, percent, runScore, settingCost, settingScore } from './measures';
import { type Axis, buildAxes, passesBrushes } from './parallelAxes';
import { ParallelCoordinates } from './parallelCoordinates';
import { RunsSection } from './runsSection';
import { type Selection, modeOf, select } from './selection';
import { SettingPlot } from './settingPlot';
import { settingsTable } from './settingsTable';
import { HIDDEN_BY_DEFAULT } from './tableModel';
import { measureFrame, timed } from './timing';

type ToHost = Exclude<SweepFromWebview, { type: 'ready' }>;

performance.mark('adapterlab:sweep-script'); // when the bundle starts running: the end-to-end test reports it

const api = vscodeApi<ToHost, SweepState>(isSweepState);
const state: SweepState = api.state() ?? {
  configFile: '',
  metric: 'test',
  cost: 'params',
  filter: '',
  hiddenColumns: [...HIDDEN_BY_DEFAULT],
  differencesOnly: false,
  brushes: {},
  selected: [],
};
let anchor: string | undefined;
let data: SweepMessage | undefined;
let colors = readThemeColors();
const save = () => api.saveState(state);

// ---- layout ----
const root = document.getElementById('root')!;
const title = h('h1', {}, 'Sweep');
const progress = h('p', { className: 'muted', id: 'progress', role: 'status' });
const controls = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'What the plots show' });
const selectionCount = h('span', { id: 'selection-count', className: 'muted', 'aria-live': 'polite' });
const openCurves = button('Open curves', 'open-curves', () => openSelected('openCurves'));
const compareRuns = button('Compare runs', 'compare-runs', () => openSelected('compareRuns'));
const clearSelection = button('Clear selection', 'clear-selection', () => setSelection({ selected: [] }), true);
const selectionBar = h(
  'div',
  { className: 'toolbar', role: 'toolbar', 'aria-label': 'Selected runs' },
  selectionCount,
  openCurves,
  compareRuns,
  clearSelection,
);
const noticeBox = h('div', { className: 'notices' });
const frontierTitle = h('h2', { id: 'frontier-h' });
const frontierCanvas = h('canvas', { id: 'frontier-canvas', role: 'img', 'aria-labelledby': 'frontier-h' });
const frontierNote = h('p', { className: 'muted', id: 'frontier-note' });
const perSettingTitle = h('h2', { id: 'per-setting-h' });
const perSettingCanvas = h('canvas', { id: 'per-setting-canvas', role: 'img', 'aria-labelledby': 'per-setting-h' });
const perSettingBox = h('div', { className: 'chart-box' }, perSettingCanvas);
const colorLegend = h('span', { className: 'color-legend', id: 'color-legend' });
const brushCount = h('span', { className: 'muted', id: 'brush-count', 'aria-live': 'polite' });
const clearBrushes = button(
  'Clear brushes',
  'clear-brushes',
  () => {
    state.brushes = {};
    save();
    renderRunsViews();
  },
  true,
);
const parallelBox = h('div', { id: 'parallel', className: 'pc-box' });
const referenceBar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Reference setting' });
const settingsBox = h('div', { className: 'table-scroll', id: 'settings-table' });
const runsSection = new RunsSection(state, save, (run, event, order) => pick([run.key], event, order));
const noPlots = h('p', { className: 'muted', id: 'no-plots' }, 'No finished runs yet: the plots fill in as the sweep’s runs complete.');
const plots = h(
  'div',
  { id: 'plots' },
  h('section', { 'aria-labelledby': 'frontier-h' }, frontierTitle, h('div', { className: 'chart-box', id: 'frontier' }, frontierCanvas), frontierNote),
  h(
    'section',
    { 'aria-labelledby': 'parallel-h' },
    h('h2', { id: 'parallel-h' }, 'Parallel coordinates'),
    h('div', { className: 'toolbar' }, colorLegend, brushCount, clearBrushes),
    parallelBox,
  ),
  h('section', { 'aria-labelledby': 'per-setting-h' }, perSettingTitle, perSettingBox),
);
const content = h(
  'div',
  { id: 'content' },
  noPlots,
  plots,
  h('section', { 'aria-labelledby': 'settings-h' }, h('h2', { id: 'settings-h' }, 'Settings'), referenceBar, settingsBox),
  runsSection.element,
);
const bar = h('div', { className: 'sweep-bar' }, controls, selectionBar);
root.replaceChildren(title, progress, bar, noticeBox, content);
root.removeAttribute('aria-busy');
// Whatever is scrolled into view (a focused row, an axis, a section) lands below the sticky bar, however tall it wraps.
new ResizeObserver(() => (document.documentElement.style.scrollPaddingTop = `${bar.offsetHeight + 8}px`)).observe(bar);

const notices = new Notices(noticeBox);
const scatter = new FrontierScatter(frontierCanvas, (point, event) => pick(point.runKeys, event, []));
const perSetting = new SettingPlot(perSettingBox, perSettingCanvas, (keys, event) => pick(keys, event, []));
const parallel = new ParallelCoordinates(parallelBox, {
  onBrush: (axisId, brush) => {
    if (brush) state.brushes[axisId] = brush;
    else delete state.brushes[axisId];
    save();
    renderRunsViews();
  },
  onPick: (run, event) => pick([run.key], event, []),
});
onThemeChange((next) => {
  colors = next;
  renderAll();
});

// ---- what is shown ----

const task = () => (data && state.task && data.report.tasks.includes(state.task) ? state.task : data?.report.tasks[0]);
const selected = () => new Set(state.selected);

/** One colour per run name (method), in plan order: the same in the scatter, the per-setting plot and the table. */
function groupColors(): (runName: string) => string {
  const names = [...new Set(data!.runs.map((r) => r.runName))];
  return (name) => RUN_PALETTE[Math.max(0, names.indexOf(name)) % RUN_PALETTE.length];
}

function renderAll(): void {
  if (!data) return;
  timed('header', renderHeader);
  timed('plots', renderPlots);
  renderRunsViews();
}

let controlsSignature = '';

function renderHeader(): void {
  const { report, summary } = data!;
  title.textContent = data!.title;
  document.title = data!.title;
  const { completed, total, failed } = report.progress;
  const running = data!.runs.filter((r) => r.status === 'running').length;
  progress.textContent = [
    `${completed}/${total} runs done`,
    running ? `${running} running` : '',
    failed ? `${failed} failed` : '',
    summary,
    report.base ? `base: ${report.base}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const tasks = report.tasks.length ? report.tasks : [''];
  // Rebuilt only when a choice changes: a live update must not close a list the user has open.
  const signature = JSON.stringify([tasks, data!.settings, report.reference, task(), state.metric, state.cost]);
  if (signature === controlsSignature) return;
  controlsSignature = signature;
  controls.replaceChildren(
    selectControl(
      'task',
      'Attribute',
      tasks.map((t) => ({ value: t, label: t || '(none yet)' })),
      task() ?? '',
      (v) => update({ task: v }),
    ),
    selectControl('metric', 'Score', METRICS, state.metric, (v) => update({ metric: v as SweepState['metric'] })),
    selectControl('cost', 'Cost axis', COSTS, state.cost, (v) => update({ cost: v as SweepState['cost'] })),
  );
  referenceBar.replaceChildren(
    selectControl(
      'reference',
      'Differences (Δ) against',
      data!.settings.map((s) => ({ value: s, label: s })),
      report.reference ?? '',
      (v) => {
        state.reference = v;
        save();
        api.post({ type: 'setReference', setting: v });
      },
    ),
  );
}

function update(change: Partial<SweepState>): void {
  Object.assign(state, change);
  save();
  renderPlots();
  renderRunsViews();
}

/** Whether any run has results on the chosen attribute: until one has, the plots are replaced by a note. */
function plotting(): boolean {
  const some = scoredRuns().length > 0;
  plots.hidden = !some;
  noPlots.hidden = some;
  return some;
}

/** The frontier scatter and the score per setting. */
function renderPlots(): void {
  if (!plotting()) return;
  const t = task()!;
  const { report } = data!;
  const colorOf = groupColors();
  const chosen = selected();
  const metric = metricLabel(state.metric);
  const cost = costOf(state.cost);
  frontierTitle.textContent = `${t} ${metric} vs ${cost.label}`;
  perSettingTitle.textContent = `${t} ${metric} per setting`;
  const settings = report.settings.filter((s) => settingScore(s, t, state.metric) && (!cost.log || settingCost(s, state.cost) > 0));
  const runKeysOf = (s: SettingRow) => data!.runs.filter((r) => r.setting === s.setting && r.tasks[t]).map((r) => r.key);
  const shown: SettingPoint[] = settings.map((s) => ({
    setting: s.setting,
    group: s.runName,
    color: colorOf(s.runName),
    cost: settingCost(s, state.cost),
    score: settingScore(s, t, state.metric)!,
    runKeys: runKeysOf(s),
    selected: runKeysOf(s).some((k) => chosen.has(k)),
    best: report.best[t]?.setting === s.setting,
    difference: s.tasks[t].difference,
  }));
  const frontier = paretoFrontier(shown.map((p) => ({ id: p.setting, x: p.cost, y: p.score.mean })));
  scatter.show(shown, frontier, { costLabel: cost.label, costLog: cost.log, formatCost: (v) => formatCost(state.cost, v), scoreLabel: metric }, colors);
  frontierNote.textContent = `${frontier.length} of ${shown.length} settings on the frontier (dashed): none of the others scores higher at a lower cost. ◆ best on validation.`;
  perSetting.show(
    shown.map((p) => ({
      setting: p.setting,
      color: p.color,
      score: p.score,
      seeds: data!.runs.flatMap((r) => {
        const value = r.setting === p.setting ? runScore(r, t, state.metric) : undefined;
        return value === undefined ? [] : [{ runKey: r.key, seed: r.seed, value }];
      }),
      selected: (key) => chosen.has(key),
    })),
    metric,
    colors,
  );
}

/** Everything that depends on the runs kept by the brushes and on the selection: parallel coordinates, tables. */
function renderRunsViews(): void {
  timed('parallel', renderParallel);
  timed('settings', renderSettings);
  timed('table', renderTable);
  renderSelectionBar();
}

function scoredRuns(): SweepPanelRun[] {
  const t = task();
  return t ? data!.runs.filter((r) => r.tasks[t]) : [];
}

function axes(): Axis[] {
  return buildAxes(scoredRuns(), data!.report.paths, data!.pathLabels, task() ?? '');
}

function renderParallel(): void {
  if (!plotting()) return;
  const runs = scoredRuns();
  const t = task()!;
  const scores = runs.map((r) => runScore(r, t, state.metric)!);
  const [low, high] = [Math.min(...scores), Math.max(...scores)];
  const scale = colorScale([colors.charts.blue, colors.charts.green, colors.charts.yellow]);
  const allAxes = axes();
  parallel.show({
    runs,
    axes: allAxes,
    brushes: state.brushes,
    colorOf: (r) => scale(high > low ? (runScore(r, t, state.metric)! - low) / (high - low) : 0.5),
    selected: selected(),
  });
  const gradient = h('span', { className: 'gradient', 'aria-hidden': 'true' });
  gradient.style.background = `linear-gradient(to right, ${[0, 0.5, 1].map(scale).join(', ')})`;
  colorLegend.replaceChildren(
    `colour: ${t} ${metricLabel(state.metric)} `,
    h('span', { className: 'mono' }, percent(low)),
    gradient,
    h('span', { className: 'mono' }, percent(high)),
  );
  const brushed = Object.keys(state.brushes).filter((id) => allAxes.some((a) => a.id === id)).length;
  const kept = runs.filter((r) => passesBrushes(r, allAxes, state.brushes)).length;
  brushCount.textContent = brushed
    ? `${kept} of ${runs.length} runs inside ${brushed} brush${brushed === 1 ? '' : 'es'}`
    : `${runs.length} finished runs. Drag along an axis to brush it; click it to clear.`;
  clearBrushes.disabled = brushed === 0;
}

function renderSettings(): void {
  const t = task();
  if (!t) return settingsBox.replaceChildren(h('p', { className: 'muted' }, 'No finished runs yet.'));
  const colorOf = groupColors();
  const chosen = selected();
  const keysOf = (s: SettingRow) => data!.runs.filter((r) => r.setting === s.setting).map((r) => r.key);
  settingsBox.replaceChildren(
    settingsTable(
      { report: data!.report, task: t, metric: state.metric, colorOf: (s) => colorOf(s.runName), isSelected: (s) => keysOf(s).some((k) => chosen.has(k)) },
      (s, event) => pick(keysOf(s), event, []),
    ),
  );
}

function renderTable(): void {
  const t = task();
  runsSection.show({
    runs: data!.runs,
    paths: data!.report.paths,
    pathLabels: data!.pathLabels,
    tasks: data!.report.tasks,
    axes: t ? axes() : [],
    selected: selected(),
  });
}

function renderSelectionBar(): void {
  const chosen = data!.runs.filter((r) => state.selected.includes(r.key));
  const openable = chosen.filter((r) => r.dir);
  selectionCount.textContent = chosen.length
    ? `${chosen.length} run${chosen.length === 1 ? '' : 's'} selected${openable.length < chosen.length ? ` (${chosen.length - openable.length} without a run folder yet)` : ''}`
    : 'Select runs in the plots or the table (Ctrl/Cmd or Shift adds).';
  for (const b of [openCurves, compareRuns]) b.disabled = openable.length === 0;
  clearSelection.disabled = chosen.length === 0;
}

// ---- selection ----

function pick(keys: string[], event: MouseEvent | KeyboardEvent, order: string[]): void {
  if (keys.length === 0) return;
  setSelection(select({ selected: state.selected, anchor }, keys, modeOf(event), order));
}

function setSelection(next: Selection): void {
  state.selected = next.selected;
  anchor = next.anchor;
  save();
  renderPlots();
  renderRunsViews();
}

function openSelected(type: 'openCurves' | 'compareRuns'): void {
  const runDirs = data!.runs.filter((r) => state.selected.includes(r.key) && r.dir).map((r) => r.dir!);
  if (runDirs.length) api.post({ type, runDirs });
}

listen(api, isSweepToWebview, (message) => {
  if (message.type === 'error') {
    notices.clear();
    notices.add({ severity: 'error', message: message.detail ? `${message.message}\n${message.detail}` : message.message });
    content.hidden = true;
    return;
  }
  const started = performance.now();
  const first = data === undefined;
  if (first) performance.mark('adapterlab:sweep-first-message');
  data = message;
  state.configFile = message.configFile;
  state.reference = message.report.reference;
  save();
  notices.clear();
  for (const notice of message.notices) notices.add(notice);
  content.hidden = false;
  renderAll();
  measureFrame('adapterlab:sweep-render', started, (end) => {
    // Since the page started loading: what opening the panel costs in the webview, for the end-to-end test.
    if (first) root.dataset.firstRenderMs = end.toFixed(1);
  });
});
