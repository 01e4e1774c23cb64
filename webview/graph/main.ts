// Composition graph panel: the host sends the graph model of the config (again on every edit) or its problems;
// this page lays it out (elkjs), draws it as SVG, and sends back clicks (select the definition) and exports.
// Zoom: the buttons, or Ctrl/⌘ + wheel (pinch); the zoom and the config are kept with setState for a reload.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ExportFormat, GraphFromWebview, GraphModel, GraphProblem, GraphState } from '../../src/protocol/graph';
import { isGraphState, isGraphToWebview } from '../../src/protocol/graph';
import { h } from '../shared/dom';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { type Layout, layoutGraph } from './layout';
import { FONT_SIZE, renderGraph } from './render';
import { exportPng, exportSvg } from './export';
import { GRAPH_CSS } from './style';

const api = vscodeApi<GraphFromWebview, GraphState>(isGraphState);
const state: GraphState = api.state() ?? { file: '' };

const sheet = new CSSStyleSheet();
sheet.replaceSync(GRAPH_CSS);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const root = document.getElementById('root')!;
const title = h('h1', {}, 'Composition graph');
const summary = h('p', { className: 'muted', id: 'graph-summary' });
const button = (label: string, id: string, onClick: () => void, text = label) => {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.setAttribute('secondary', '');
  b.setAttribute('aria-label', label);
  b.title = label;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
};
const zoomText = h('span', { className: 'mono', id: 'zoom-level', 'aria-live': 'polite' });
const toolbar = h(
  'div',
  { className: 'toolbar', role: 'toolbar', 'aria-label': 'Graph' },
  button('Zoom out', 'zoom-out', () => setZoom(zoom / 1.25), '−'),
  zoomText,
  button('Zoom in', 'zoom-in', () => setZoom(zoom * 1.25), '+'),
  button('Fit', 'fit', () => fit()),
  button('100%', 'actual-size', () => setZoom(1)),
  button('Export SVG', 'export-svg', () => exportAs('svg')),
  button('Export PNG', 'export-png', () => exportAs('png')),
);
const legend = h(
  'p',
  { className: 'graph-legend muted' },
  'Solid border: trainable · dashed border: frozen · faded: dropped by AdapterDrop · click an item to select its definition in the config',
);
const problemsBox = h('div', { id: 'problems', role: 'alert' });
const canvas = h('div', { id: 'graph', className: 'graph-canvas', tabindex: -1 });
root.replaceChildren(title, summary, toolbar, legend, problemsBox, canvas);
root.removeAttribute('aria-busy');

let model: GraphModel | undefined;
let layout: Layout | undefined;
let svg: SVGSVGElement | undefined;
let zoom = state.zoom ?? 0;
let colors = readThemeColors();
let sequence = 0;
let opened = false;

const measureContext = document.createElement('canvas').getContext('2d')!;
function measure(text: string, bold: boolean): number {
  measureContext.font = `${bold ? '600 ' : ''}${FONT_SIZE}px ${colors.font}`;
  return measureContext.measureText(text).width;
}

async function showGraph(file: string, next: GraphModel): Promise<void> {
  const mine = ++sequence;
  const laid = await layoutGraph(next, measure);
  if (mine !== sequence) return; // a newer edit arrived while this one was laid out
  model = next;
  layout = laid;
  problemsBox.replaceChildren();
  title.textContent = `Composition graph: ${next.experiment}`;
  document.title = title.textContent;
  summary.textContent = `${next.base} · base ${next.totals.base.toLocaleString('en-US')} parameters (frozen) · adapters ${next.totals.adapters.toLocaleString('en-US')} (trainable, heads included in the runs) · layout ${laid.ms.toFixed(0)} ms`;
  state.file = file;
  draw();
  if (!state.zoom) autoFit();
  else setZoom(state.zoom);
  // A graph wider than the panel opens on its middle, where the base's layers are (compositions sit beside them);
  // redraws while the config is edited keep where the user scrolled.
  if (!opened) canvas.scrollLeft = (canvas.scrollWidth - canvas.clientWidth) / 2;
  opened = true;
}

function draw(): void {
  if (!layout) return;
  svg = renderGraph(layout, colors);
  svg.dataset.layoutMs = layout.ms.toFixed(1);
  canvas.replaceChildren(svg);
  applyZoom();
}

function showProblems(file: string, problems: GraphProblem[]): void {
  ++sequence;
  state.file = file;
  api.saveState(state);
  model = undefined;
  layout = undefined;
  canvas.replaceChildren();
  const name = file.split(/[\\/]/).pop();
  problemsBox.replaceChildren(
    h(
      'div',
      { className: 'notice error' },
      h('strong', {}, `${name} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: the graph is drawn again once it is valid`),
      h('ul', { className: 'problem-list' }, ...problems.map((p) => h('li', {}, h('span', { className: 'mono' }, `${p.line}:${p.column}`), ` ${p.message}`))),
    ),
  );
}

function showError(message: string): void {
  ++sequence;
  model = undefined;
  layout = undefined;
  canvas.replaceChildren();
  problemsBox.replaceChildren(h('div', { className: 'notice error' }, h('strong', {}, 'Cannot draw the graph'), message));
}

function applyZoom(): void {
  if (!svg || !layout) return;
  svg.setAttribute('width', String(Math.round(layout.width * zoom)));
  svg.setAttribute('height', String(Math.round(layout.height * zoom)));
  zoomText.textContent = `${Math.round(zoom * 100)}%`;
}

function setZoom(next: number): void {
  zoom = Math.min(4, Math.max(0.1, next));
  state.zoom = zoom;
  api.saveState(state);
  applyZoom();
}

/** Below this zoom the 12 px labels cannot be read: a graph too big for the panel is shown at it, and scrolls. */
const READABLE_ZOOM = 0.75;

/** The Fit button: the whole graph in the panel, however small (an overview; the user zoomed, so it stays). */
function fit(): void {
  if (fitZoom() !== undefined) setZoom(fitZoom()!);
}

/** The zoom a graph opens at, kept as the window resizes until the user zooms: fitted, but readable. */
function autoFit(): void {
  const fitted = fitZoom();
  if (fitted === undefined) return;
  setZoom(Math.max(fitted, READABLE_ZOOM));
  state.zoom = undefined;
  api.saveState(state);
}

/** The canvas fills the panel below the header, whose height depends on how the toolbar and the summary wrap. */
function sizeCanvas(): void {
  canvas.style.height = `${Math.max(240, window.innerHeight - (canvas.getBoundingClientRect().top + window.scrollY) - 16)}px`;
}

function fitZoom(): number | undefined {
  if (!layout) return undefined;
  sizeCanvas();
  const available = { width: canvas.clientWidth - 4, height: canvas.clientHeight - 4 };
  return Math.min(available.width / layout.width, available.height / layout.height, 1.5);
}

canvas.addEventListener(
  'wheel',
  (e) => {
    if (!e.ctrlKey && !e.metaKey) return; // plain wheel scrolls
    e.preventDefault();
    setZoom(zoom * Math.exp(-e.deltaY / 300));
  },
  { passive: false },
);

function itemIdOf(target: EventTarget | null): string | undefined {
  return (target as Element | null)?.closest?.('[data-id]')?.getAttribute('data-id') ?? undefined;
}
canvas.addEventListener('click', (e) => {
  const id = itemIdOf(e.target);
  if (id && model) api.post({ type: 'reveal', id });
});
canvas.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const id = itemIdOf(e.target);
  if (id && model) {
    e.preventDefault();
    api.post({ type: 'reveal', id });
  }
});

async function exportAs(format: ExportFormat): Promise<void> {
  if (!layout) return;
  const drawing = renderGraph(layout, colors);
  const data = format === 'svg' ? exportSvg(drawing) : await exportPng(drawing, layout.width, layout.height);
  api.post({ type: 'export', format, data });
}

onThemeChange((next) => {
  colors = next;
  draw();
});
window.addEventListener('resize', () => {
  sizeCanvas();
  if (state.zoom === undefined) autoFit();
});

listen(api, isGraphToWebview, (message) => {
  if (message.type === 'graph') void showGraph(message.file, message.model);
  else if (message.type === 'problems') showProblems(message.file, message.problems);
  else showError(message.detail ? `${message.message}\n${message.detail}` : message.message);
});
