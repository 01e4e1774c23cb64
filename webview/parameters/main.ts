// Parameters panel: total vs trainable parameters per run type (chart and table), per layer, bytes on disk per
// attribute, and what N attributes cost (full fine-tuning: N models; adapters: one base + N adapters). For a run,
// also what its summary.json measured. The host sends everything at once; N and the log scale are kept (setState).
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { ParametersSource, ParametersState } from '../../src/protocol/parameters';
import type { ParameterReport, ParametersData, RunTypeParameters } from '../../src/common/parameterReport';
import { isParametersState, isParametersToWebview } from '../../src/protocol/parameters';
import { projectedBytes } from '../../src/common/parameterReport';
import { h } from '../shared/dom';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { ParametersChart } from './chart';
import { type StorageLine, StorageChart } from './storageChart';
import { bytes, count, percent } from './format';

const api = vscodeApi<never, ParametersState>(isParametersState);
let state: ParametersState | undefined = api.state();

const root = document.getElementById('root')!;
let colors = readThemeColors();
let shown: ParametersData | undefined;
let chart: ParametersChart | undefined;
let storageChart: { chart: StorageChart; lines: StorageLine[] } | undefined;

const MAX_ATTRIBUTES = 200;

const num = (value: number, text: string, col: string) => h('td', { className: 'num', 'data-col': col, 'data-value': value }, text);

function kindLabel(r: RunTypeParameters): string {
  if (r.kind === 'adapter') return `adapter (${r.method})`;
  return r.kind === 'composition' ? 'composition' : r.kind === 'full' ? 'full fine-tuning' : 'head only';
}

function runTypeTable(report: ParameterReport, data: ParametersData): HTMLElement {
  const measured = data.run?.measured;
  const head = h(
    'tr',
    {},
    h('th', {}, 'run type'),
    h('th', {}, 'kind'),
    h('th', { className: 'num' }, 'trainable'),
    h('th', { className: 'num' }, 'total'),
    h('th', { className: 'num' }, '% of base'),
    h('th', {}, 'bytes per attribute (float32)'),
    measured ? h('th', {}, 'measured (summary.json)') : null,
  );
  const rows = report.rows.map((r) => {
    const isRun = data.run?.name === r.name;
    // One line per attribute (and per measure): a half-width panel has no room for them side by side.
    const perTask = Object.entries(r.bytesPerTask).map(([task, b]) => h('div', { className: 'nowrap' }, `${task} ${bytes(b)}`));
    const measuredCell = measured
      ? h(
          'td',
          {},
          ...(isRun
            ? [
                h(
                  'div',
                  { className: 'nowrap' },
                  `${count(measured.trainableParams)} trainable of ${count(measured.totalParams)} (${percent(measured.trainablePercent)})`,
                ),
                h('div', { className: 'nowrap' }, `${bytes(measured.bytesOnDisk)} on disk`),
              ]
            : []),
        )
      : null;
    return h(
      'tr',
      { 'data-run': r.name, className: isRun ? 'this-run' : undefined },
      h('th', { scope: 'row' }, r.name, isRun ? ' (this run)' : ''),
      h('td', {}, kindLabel(r)),
      num(r.trainable, count(r.trainable), 'trainable'),
      num(r.total, count(r.total), 'total'),
      num(r.percentOfBase, percent(r.percentOfBase), 'percent'),
      h('td', { 'data-col': 'bytes' }, ...perTask),
      measuredCell,
    );
  });
  return h('div', { className: 'table-scroll' }, h('table', { id: 'run-types' }, h('thead', {}, head), h('tbody', {}, ...rows)));
}

function perLayerTable(report: ParameterReport): HTMLElement {
  const rows = report.rows;
  const line = (label: string, base: number, values: (r: RunTypeParameters) => number, key: string) =>
    h(
      'tr',
      { 'data-part': key },
      h('th', { scope: 'row' }, label),
      num(base, count(base), 'base'),
      ...rows.map((r) => num(values(r), values(r) ? count(values(r)) : '–', r.name)),
    );
  return h(
    'div',
    { className: 'table-scroll' },
    h(
      'table',
      { id: 'per-layer' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'part'), h('th', { className: 'num' }, 'base (frozen)'), ...rows.map((r) => h('th', { className: 'num' }, `${r.name} trains`))),
      ),
      h(
        'tbody',
        {},
        line('embeddings', report.base.embeddings, (r) => (r.kind === 'full' ? r.shared : 0), 'embeddings'),
        ...report.base.perLayer.map((n, i) => line(`layer ${i}`, n, (r) => r.perLayer[i] ?? 0, `layer-${i}`)),
        line('shared across layers', 0, (r) => (r.kind === 'full' ? 0 : r.shared), 'shared'),
        line('pooler', report.base.pooler, () => 0, 'pooler'),
        line('heads', 0, (r) => r.heads, 'heads'),
      ),
    ),
  );
}

/** The run types stored per attribute, and full fine-tuning counted from shapes when the config has no full baseline. */
function storageLines(report: ParameterReport): StorageLine[] {
  const lines: StorageLine[] = report.rows.flatMap((r) => (r.storage ? [{ name: r.name, storage: r.storage }] : []));
  if (!report.rows.some((r) => r.kind === 'full')) lines.unshift({ name: 'full fine-tuning', storage: report.fullFineTuning, reference: true });
  return lines;
}

function projection(report: ParameterReport, s: ParametersState): HTMLElement {
  const lines = storageLines(report);
  const body = h('tbody', {});
  const input = h('input', { type: 'range', min: 1, max: MAX_ATTRIBUTES, step: 1, value: s.attributes, id: 'attributes', 'aria-label': 'Attributes N' });
  const canvas = h('canvas', { id: 'storage-chart', 'aria-label': 'Bytes on disk for N attributes per run type; the table below has the figures' });
  storageChart = { chart: new StorageChart(canvas, MAX_ATTRIBUTES), lines };
  const shownN = h('output', { for: 'attributes', className: 'mono', id: 'attributes-value' });
  const fill = () => {
    const n = s.attributes;
    shownN.textContent = String(n);
    const full = projectedBytes(report.fullFineTuning, n);
    storageChart?.chart.mark(n);
    body.replaceChildren(
      ...lines.map((r) => {
        const total = projectedBytes(r.storage, n);
        const how = r.storage.shared
          ? `one base (${bytes(r.storage.shared)}) + ${n} × ${bytes(r.storage.perAttribute)}`
          : `${n} × ${bytes(r.storage.perAttribute)} (a whole model each)`;
        const vsFull = `${((100 * total) / full).toFixed(1)}%`;
        return h(
          'tr',
          { 'data-run': r.name, className: r.reference ? 'reference' : undefined },
          h('th', { scope: 'row' }, r.name, r.reference ? h('span', { className: 'muted' }, ' (not in this config; from shapes)') : null),
          h('td', {}, how),
          num(total, bytes(total), 'projected'),
          h('td', { className: 'num' }, vsFull),
        );
      }),
    );
  };
  input.addEventListener('input', () => {
    s.attributes = Math.max(1, Math.round(Number(input.value)));
    api.saveState(s);
    fill();
  });
  fill();
  return h(
    'section',
    {},
    h('h2', {}, 'Storage for N attributes'),
    h(
      'p',
      { className: 'muted' },
      'Full fine-tuning stores a whole model per attribute; adapters store the frozen base once and one small adapter (with its head) per attribute.',
    ),
    h('div', { className: 'toolbar' }, h('label', {}, 'N attributes', input, shownN)),
    h('div', { className: 'chart-box' }, canvas),
    h(
      'div',
      { className: 'table-scroll' },
      h(
        'table',
        { id: 'projection' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'run type'),
            h('th', {}, 'stores'),
            h('th', { className: 'num' }, 'bytes'),
            h('th', { className: 'num' }, 'vs full fine-tuning'),
          ),
        ),
        body,
      ),
    ),
  );
}

function show(source: ParametersSource, data: ParametersData): void {
  shown = data;
  state = { attributes: 10, logScale: true, ...state, source };
  api.saveState(state);
  document.title = data.title;
  const parts: (HTMLElement | null)[] = [h('h1', {}, data.title)];
  if (data.run) parts.push(h('p', { className: 'muted' }, `Run ${data.run.name} · ${data.run.status} · `, h('span', { className: 'mono' }, data.run.dir)));
  for (const note of data.notes) parts.push(h('div', { className: 'notice', role: 'status' }, h('strong', {}, 'Note'), note));
  if (data.error)
    parts.push(h('div', { className: 'notice error', role: 'alert', id: 'parameters-error' }, h('strong', {}, 'Cannot show the parameters'), data.error));
  chart = undefined;
  storageChart = undefined;
  const report = data.report;
  if (report) {
    const b = report.base;
    parts.push(
      h(
        'p',
        { id: 'base-summary' },
        `Base: ${b.description} · ${b.layers} layers × ${b.hiddenSize} hidden, ${b.heads} heads, FFN ${b.intermediateSize}, vocabulary ${b.vocabSize} · ${count(b.total)} parameters (${bytes(b.bytes)} as float32)`,
      ),
    );
    const s = state;
    const log = document.createElement('vscode-checkbox');
    log.id = 'log-scale';
    log.setAttribute('label', 'Log scale');
    if (s.logScale) log.setAttribute('checked', '');
    const canvas = h('canvas', { 'aria-label': 'Trainable and total parameters per run type' });
    chart = new ParametersChart(canvas);
    log.addEventListener('change', () => {
      s.logScale = (log as unknown as { checked: boolean }).checked;
      api.saveState(s);
      chart?.show(report.rows, s.logScale, colors);
    });
    parts.push(
      h('h2', {}, 'Trainable vs total per run type'),
      h('div', { className: 'toolbar' }, log),
      h('div', { className: 'chart-box' }, canvas),
      runTypeTable(report, data),
      h('h2', {}, 'Per layer'),
      perLayerTable(report),
      projection(report, s),
    );
  }
  root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  root.removeAttribute('aria-busy');
  if (report) chart?.show(report.rows, state.logScale, colors);
  drawStorage();
}

function drawStorage(): void {
  if (storageChart && state) storageChart.chart.show(storageChart.lines, state.attributes, colors);
}

onThemeChange((next) => {
  colors = next;
  if (shown?.report && chart && state) chart.show(shown.report.rows, state.logScale, colors);
  drawStorage();
});

listen(api, isParametersToWebview, (message) => {
  if (message.type === 'parameters') show(message.source, message.data);
  else root.replaceChildren(h('div', { className: 'notice error', role: 'alert' }, h('strong', {}, 'Cannot show the parameters'), message.message));
});
