// Composition graph panel: the host sends the graph model of the config (again on every edit) or its problems;
// this page draws one run of the config at a time (the picker), lays it out (elkjs), draws it as SVG, and sends
// back clicks (select the definition, or a problem's text) and exports.
// Semantic zoom: the graph opens at the largest zoom that shows it whole and readable (text ≥ 11 px); when even the
// smallest readable zoom cannot show it, its layers collapse to one row each, and a click on a layer's header
// expands it. Zoom: the buttons, or Ctrl/⌘ + wheel (pinch); zooming out past readable collapses the layers.
// The viewport (zoom, scroll), the run and the collapsed layers are kept across redraws and, with setState, reloads.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ExportFormat, GraphFromWebview, GraphModel, GraphProblem, GraphState } from '../../src/protocol/graph';
import { isGraphState, isGraphToWebview } from '../../src/protocol/graph';
import { type GraphRunView, runToShow, runView } from '../../src/common/graphRuns';
import { collapseLayers, layerIds } from '../../src/common/graphCollapse';
import { h } from '../shared/dom';
import { onThemeChange, readThemeColors } from '../shared/themeColors';
import { listen, vscodeApi } from '../shared/vscodeApi';
import { type Layout, layoutGraph } from './layout';
import { FONT_SIZE, renderGraph } from './render';
import { exportPng, exportSvg } from './export';
import { GRAPH_CSS } from './style';

const api = vscodeApi<GraphFromWebview, GraphState>(isGraphState);
const state: GraphState = api.state() ?? { file: '' };

/** The smallest zoom whose text is still 11 px on screen: Fit and the opening view never go below it. */
const READABLE_ZOOM = Math.ceil((11 / FONT_SIZE) * 100 + 1) / 100;
/** A small graph opens this large at most, not blown up to the panel. */
const LARGEST_OPENING_ZOOM = 1.25;

const sheet = new CSSStyleSheet();
sheet.replaceSync(GRAPH_CSS);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const root = document.getElementById('root')!;
const title = h('h1', {}, 'Composition graph');
const summary = h('p', { className: 'muted graph-summary', id: 'graph-summary' });
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
const runPicker = h('select', { id: 'graph-run', 'aria-label': 'Run to draw', title: 'The run to draw: each trains its own adapters' });
runPicker.addEventListener('change', () => {
  state.run = runPicker.value;
  save();
  void relayout({ fit: true });
});
const zoomText = h('span', { className: 'mono', id: 'zoom-level', 'aria-live': 'polite' });
const layersButton = button('Collapse all layers', 'toggle-layers', () => toggleAllLayers(), '⊟');
// One line in a panel beside the editor (about 400 px): short labels, the full ones in the tooltips.
const toolbar = h(
  'div',
  { className: 'toolbar graph-toolbar', role: 'toolbar', 'aria-label': 'Graph' },
  runPicker,
  button('Zoom out', 'zoom-out', () => setZoom(zoom / 1.25), '−'),
  zoomText,
  button('Zoom in', 'zoom-in', () => setZoom(zoom * 1.25), '+'),
  button('Fit: the whole graph, readable', 'fit', () => void fit(), 'Fit'),
  button('Actual size (100%)', 'actual-size', () => setZoom(1), '1:1'),
  layersButton,
);
const header = h(
  'div',
  { className: 'graph-header' },
  title,
  button('Export SVG', 'export-svg', () => void exportAs('svg'), 'SVG'),
  button('Export PNG', 'export-png', () => void exportAs('png'), 'PNG'),
);
const LEGEND =
  'solid border: trainable · dashed: frozen · faded: dropped by AdapterDrop · dotted blue: a composition takes the adapter (in every layer) · click an item to select its definition, a layer header to expand or collapse it';
const problemsBox = h('div', { id: 'problems', role: 'alert' });
const canvas = h('div', { id: 'graph', className: 'graph-canvas', tabindex: -1 });
root.replaceChildren(header, toolbar, summary, problemsBox, canvas);
root.removeAttribute('aria-busy');

let model: GraphModel | undefined;
let layout: Layout | undefined;
let svg: SVGSVGElement | undefined;
let zoom = state.zoom ?? 1;
let colors = readThemeColors();
let sequence = 0;
/** Set when the page was (re)loaded: the first drawing goes to the saved scroll position instead of the current one. */
let restoreScroll = state.scroll;

const measureContext = document.createElement('canvas').getContext('2d')!;
function measure(text: string, bold: boolean): number {
  measureContext.font = `${bold ? '600 ' : ''}${FONT_SIZE}px ${colors.font}`;
  return measureContext.measureText(text).width;
}

function save(): void {
  api.saveState(state);
}

function showGraph(file: string, next: GraphModel): void {
  model = next;
  state.file = file;
  const run = runToShow(next, state.run);
  runPicker.replaceChildren(...next.runs.map((r) => h('option', { value: r.name, selected: r === run }, r.name)));
  runPicker.disabled = next.runs.length === 0;
  title.textContent = `Composition graph: ${next.experiment}`;
  document.title = title.textContent;
  summary.textContent = `${next.base} · base ${next.totals.base.toLocaleString('en-US')} parameters (frozen) · adapters ${next.totals.adapters.toLocaleString('en-US')} (trainable) · ${LEGEND}`;
  summary.title = summary.textContent;
  // The first drawing fits (unless the page was reloaded with its own viewport); redraws after an edit keep it.
  void relayout({ fit: layout === undefined && state.collapsed === undefined });
}

/** The picked run's items, with the collapsed layers folded. */
function currentView(collapsed: ReadonlySet<string>): GraphRunView | undefined {
  if (!model) return undefined;
  return collapseLayers(runView(model, runToShow(model, state.run)), collapsed);
}

async function relayout(options: { fit: boolean }): Promise<void> {
  const mine = ++sequence;
  if (options.fit) return fit(mine);
  const view = currentView(new Set(state.collapsed ?? []));
  if (!view) return;
  const laid = await layoutGraph(view, measure);
  if (mine !== sequence) return; // a newer edit arrived while this one was laid out
  if (state.zoom === undefined) zoom = Math.min(LARGEST_OPENING_ZOOM, Math.max(READABLE_ZOOM, fitZoomOf(laid)));
  show(laid);
}

/** Draws a layout, keeping what the user looks at: the same scroll position (or the saved one, after a reload). */
function show(laid: Layout): void {
  const scroll = restoreScroll ?? { left: canvas.scrollLeft, top: canvas.scrollTop };
  restoreScroll = undefined;
  layout = laid;
  problemsBox.replaceChildren();
  draw();
  canvas.scrollLeft = scroll.left;
  canvas.scrollTop = scroll.top;
  const allCollapsed = allCollapsedNow();
  layersButton.textContent = allCollapsed ? '⊞' : '⊟';
  layersButton.setAttribute('aria-label', allCollapsed ? 'Expand all layers' : 'Collapse all layers');
  layersButton.title = layersButton.getAttribute('aria-label')!;
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
  save();
  layout = undefined;
  restoreScroll = state.scroll; // where the graph comes back once the config is valid again
  canvas.replaceChildren();
  const name = file.split(/[\\/]/).pop();
  const location = (p: GraphProblem) => {
    const link = h(
      'a',
      { href: '#', className: 'mono problem-location', title: `Select ${name}:${p.line}:${p.column} in the editor` },
      `${p.line}:${p.column}`,
    );
    link.addEventListener('click', (e) => {
      e.preventDefault();
      api.post({ type: 'revealProblem', line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn });
    });
    return link;
  };
  problemsBox.replaceChildren(
    h(
      'div',
      { className: 'notice error' },
      h('strong', {}, `${name} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: the graph is drawn again once it is valid`),
      h('ul', { className: 'problem-list' }, ...problems.map((p) => h('li', {}, location(p), ` ${p.message}`))),
    ),
  );
}

function showError(message: string): void {
  ++sequence;
  layout = undefined;
  restoreScroll = state.scroll;
  canvas.replaceChildren();
  problemsBox.replaceChildren(h('div', { className: 'notice error' }, h('strong', {}, 'Cannot draw the graph'), message));
}

function applyZoom(): void {
  if (!svg || !layout) return;
  svg.setAttribute('width', String(Math.round(layout.width * zoom)));
  svg.setAttribute('height', String(Math.round(layout.height * zoom)));
  svg.dataset.zoom = String(zoom);
  zoomText.textContent = `${Math.round(zoom * 100)}%`;
}

/** A zoom the user chose; it stays (the window's size no longer refits). Past unreadable, the layers collapse. */
function setZoom(next: number): void {
  const center = { x: (canvas.scrollLeft + canvas.clientWidth / 2) / zoom, y: (canvas.scrollTop + canvas.clientHeight / 2) / zoom };
  const previous = zoom;
  zoom = Math.min(4, Math.max(0.1, next));
  state.zoom = zoom;
  save();
  applyZoom();
  canvas.scrollLeft = center.x * zoom - canvas.clientWidth / 2;
  canvas.scrollTop = center.y * zoom - canvas.clientHeight / 2;
  if (zoom < READABLE_ZOOM && previous >= READABLE_ZOOM && model) collapseAll(true);
}

/** The layers of the run shown. */
function allLayers(): string[] {
  const view = currentView(new Set());
  return view ? layerIds(view) : [];
}

function allCollapsedNow(): boolean {
  return allLayers().every((id) => state.collapsed?.includes(id));
}

function collapseAll(collapse: boolean): void {
  state.collapsed = collapse ? allLayers() : [];
  save();
  void relayout({ fit: false });
}

function toggleAllLayers(): void {
  collapseAll(!allCollapsedNow());
}

function toggleLayer(id: string): void {
  const collapsed = new Set(state.collapsed ?? []);
  if (!collapsed.delete(id)) collapsed.add(id);
  state.collapsed = [...collapsed];
  save();
  void relayout({ fit: false });
}

/** The zoom that shows all of `laid` in the canvas. */
function fitZoomOf(laid: Layout): number {
  return Math.min((canvas.clientWidth - 4) / laid.width, (canvas.clientHeight - 4) / laid.height);
}

/**
 * The whole graph, readable: expanded if it fits at a readable zoom, else with its layers collapsed (at the
 * smallest readable zoom if even that does not fit; it scrolls). Called by the Fit button and on opening; an
 * opening fit follows the panel's size until the user zooms.
 */
async function fit(mine = ++sequence): Promise<void> {
  const expanded = currentView(new Set());
  if (!expanded) return;
  const opening = state.zoom === undefined;
  const largest = opening ? LARGEST_OPENING_ZOOM : 1.5;
  let laid = await layoutGraph(expanded, measure);
  let collapsed: string[] = [];
  if (fitZoomOf(laid) < READABLE_ZOOM) {
    collapsed = layerIds(expanded);
    laid = await layoutGraph(collapseLayers(expanded, new Set(collapsed)), measure);
  }
  if (mine !== sequence) return;
  state.collapsed = collapsed;
  zoom = Math.min(largest, Math.max(READABLE_ZOOM, fitZoomOf(laid)));
  if (!opening) state.zoom = zoom;
  save();
  restoreScroll ??= { left: 0, top: 0 };
  show(laid);
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
let scrollSaved = 0;
canvas.addEventListener('scroll', () => {
  cancelAnimationFrame(scrollSaved);
  scrollSaved = requestAnimationFrame(() => {
    if (!layout) return;
    state.scroll = { left: canvas.scrollLeft, top: canvas.scrollTop };
    save();
  });
});

/** A click on an item: a layer's header toggles it, anything else selects its definition in the config. */
function activate(target: EventTarget | null): boolean {
  const item = (target as Element | null)?.closest?.('[data-id]');
  const id = item?.getAttribute('data-id');
  if (!id || !model) return false;
  if (item!.getAttribute('data-kind') === 'layer') toggleLayer(id);
  else api.post({ type: 'reveal', id });
  return true;
}
canvas.addEventListener('click', (e) => activate(e.target));
canvas.addEventListener('keydown', (e) => {
  if ((e.key === 'Enter' || e.key === ' ') && activate(e.target)) e.preventDefault();
});

async function exportAs(format: ExportFormat): Promise<void> {
  if (!layout) return;
  const drawing = renderGraph(layout, colors);
  const data = format === 'svg' ? exportSvg(drawing) : await exportPng(drawing, layout.width, layout.height);
  api.post({ type: 'export', format, data });
}

onThemeChange((next) => {
  colors = next;
  const scroll = { left: canvas.scrollLeft, top: canvas.scrollTop };
  draw();
  canvas.scrollLeft = scroll.left;
  canvas.scrollTop = scroll.top;
});
window.addEventListener('resize', () => {
  if (state.zoom === undefined && layout) void fit();
});

listen(api, isGraphToWebview, (message) => {
  if (message.type === 'graph') showGraph(message.file, message.model);
  else if (message.type === 'problems') showProblems(message.file, message.problems);
  else showError(message.detail ? `${message.message}\n${message.detail}` : message.message);
});
