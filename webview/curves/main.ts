// Training curves panel: the runs' curves, live while they train. The host sends the runs, then only new points;
// the smoothing, x axis, log scale and run selection are kept with setState (and the run folders, so the panel
// survives a reload).
import { type CurveRun, type CurvesState, DEFAULT_SMOOTHING, isCurvesState, isCurvesToWebview } from '../../src/protocol/curves';
import { curveControls } from '../shared/controls';
import { h } from '../shared/dom';
import { Notices } from '../shared/notices';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { CurveCharts } from './curveCharts';
import { RunCurvesView } from './runView';

const api = vscodeApi<never, CurvesState>(isCurvesState);
const state: CurvesState = api.state() ?? { runDirs: [], smoothing: DEFAULT_SMOOTHING, xAxis: 'step', logScale: false };

const root = document.getElementById('root')!;
const title = h('h1', {}, 'Training curves');
const toolbar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': 'Curve options' });
const selector = h('section', { 'aria-label': 'Runs' });
const noticeBox = h('div', { className: 'notices' });
const empty = h('p', { className: 'muted', id: 'no-points' });
const grid = h('div', { className: 'chart-grid', id: 'charts' });
root.replaceChildren(title, toolbar, selector, noticeBox, empty, grid);
root.removeAttribute('aria-busy');

const notices = new Notices(noticeBox);
const charts = new CurveCharts(grid, state, readThemeColors());
const view = new RunCurvesView<CurveRun>({ title, selector, notices, charts, state, saveState: () => api.saveState(state) });
onThemeChange((colors) => charts.setTheme(colors));

curveControls(toolbar, state, (change) => {
  Object.assign(state, change);
  api.saveState(state);
  charts.setOptions(change);
});

/** Never a blank panel: say why there is nothing to draw. */
function updateEmpty(): void {
  if (charts.hasPoints()) empty.textContent = '';
  else if (view.runs.length === 0) empty.textContent = notices.count ? 'There is nothing to draw: see the message above.' : 'No runs to show.';
  else if (view.runs.some((r) => r.status === 'running' || r.status === 'queued'))
    empty.textContent = 'Waiting for the first steps: the curves appear as the run logs them.';
  else empty.textContent = 'These runs logged no metrics, so there are no curves to draw.';
}

listen(api, isCurvesToWebview, (message) => {
  if (message.type === 'runs') view.show(message.title, message.runs, message.notices);
  else view.apply(message);
  updateEmpty();
});
