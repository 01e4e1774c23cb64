// Training curves panel: the runs' curves, live while they train. The host sends the runs, then only new points;
// the smoothing, x axis and log scale are kept with setState (and the run folders, so the panel survives a reload).
import type { CurveRun, CurvesState, CurvesToWebview, Notice } from '../../src/protocol/curves';
import { DEFAULT_SMOOTHING, isCurvesState } from '../../src/protocol/curves';
import { anyOf, isErrorMessage, isRecord } from '../../src/protocol/webview';
import { curveControls } from '../shared/controls';
import { h } from '../shared/dom';
import { Notices } from '../shared/notices';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { CurveCharts } from './curveCharts';
import { legendItem, showProgress, showStatus } from './runLegend';

const api = vscodeApi<never, CurvesState>(isCurvesState);
const state: CurvesState = api.state() ?? { runDirs: [], smoothing: DEFAULT_SMOOTHING, xAxis: 'step', logScale: false };

const root = document.getElementById('root')!;
const title = h('h1', {}, 'Training curves');
const toolbar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Curve options' });
const legend = h('ul', { className: 'run-legend', 'aria-label': 'Runs' });
const noticeBox = h('div', { className: 'notices' });
const empty = h('p', { className: 'muted', id: 'no-points' });
const grid = h('div', { className: 'chart-grid', id: 'charts' });
root.replaceChildren(title, toolbar, legend, noticeBox, empty, grid);
root.removeAttribute('aria-busy');

const notices = new Notices(noticeBox);
const charts = new CurveCharts(grid, state, readThemeColors());
let runs: CurveRun[] = [];
onThemeChange((colors) => charts.setTheme(colors));

curveControls(toolbar, state, (change) => {
  Object.assign(state, change);
  api.saveState(state);
  charts.setOptions(change);
});

function showRuns(message: Extract<CurvesToWebview, { type: 'runs' }>): void {
  runs = message.runs;
  title.textContent = message.title;
  document.title = message.title;
  state.runDirs = runs.map((r) => r.dir);
  api.saveState(state);
  notices.clear();
  charts.setRuns(runs);
  legend.replaceChildren(...runs.map(legendItem));
  for (const notice of message.notices) addNotice(notice);
  updateEmpty();
}

function addNotice(notice: Notice): void {
  notices.add(notice, runs.find((r) => r.id === notice.runId)?.name);
  updateEmpty();
}

/** Never a blank panel: say why there is nothing to draw. */
function updateEmpty(): void {
  if (charts.hasPoints()) empty.textContent = '';
  else if (runs.length === 0) empty.textContent = notices.count ? 'There is nothing to draw: see the message above.' : 'No runs to show.';
  else if (runs.some((r) => r.status === 'running' || r.status === 'queued')) empty.textContent = 'Waiting for the first steps: the curves appear as the run logs them.';
  else empty.textContent = 'These runs logged no metrics, so there are no curves to draw.';
}

const isMessage = anyOf<CurvesToWebview>(isErrorMessage, (v): v is CurvesToWebview => isRecord(v) && ['runs', 'points', 'runStatus', 'notice'].includes(v.type as string));

listen(api, isMessage, (message) => {
  switch (message.type) {
    case 'runs':
      return showRuns(message);
    case 'points':
      charts.append(message.runId, message.batch);
      showProgress(legend, charts, message.runId);
      if (empty.textContent) updateEmpty();
      return;
    case 'runStatus': {
      const run = runs.find((r) => r.id === message.runId);
      if (!run) return;
      run.status = message.status;
      showStatus(legend, run);
      updateEmpty();
      return;
    }
    case 'notice':
      return addNotice(message.notice);
    case 'error':
      return addNotice({ severity: 'error', message: message.detail ? `${message.message}\n${message.detail}` : message.message });
  }
});
