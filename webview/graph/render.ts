// Draws a laid-out graph as SVG with concrete colours from the theme (so an exported file looks the same outside
// VS Code). Trainable and frozen differ by more than colour: trainable items have a solid, thicker border, frozen
// ones a dashed border, and every node says which in words; AdapterDrop-dropped adapters are greyed and say so.
import type { GraphItem } from '../../src/protocol/graph';
import { isCollapsedLayer, isCompact } from '../../src/common/graphCollapse';
import type { ThemeColors } from '../shared/themeColors';
import { type Layout, LINE_HEIGHT, PADDING, nodeLines } from './layout';

const SVG = 'http://www.w3.org/2000/svg';
export const FONT_SIZE = 12;

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

/** The accent of an item: what it is, independent of whether it trains. */
function accent(item: GraphItem, c: ThemeColors): string {
  if (item.type === 'group')
    return item.kind === 'block' && item.block === 'Fuse'
      ? c.charts.purple
      : item.kind === 'plug-in'
        ? c.charts.blue
        : item.kind === 'composition' || item.kind === 'merge'
          ? c.foreground
          : c.border;
  switch (item.kind) {
    case 'adapter':
    case 'shared':
      return c.charts.blue;
    case 'head':
      return c.charts.orange;
    default:
      return c.description;
  }
}

/** data-* attributes the tests and the click handler read. */
function dataOf(item: GraphItem): Record<string, string | number> {
  const d: Record<string, string | number> = { 'data-id': item.id, 'data-kind': item.kind, 'data-trainable': String(item.trainable) };
  if (item.type === 'group' && item.block) d['data-block'] = item.block;
  if (item.type === 'node') {
    if (item.adapter) d['data-adapter'] = item.adapter;
    if (item.layer !== undefined) d['data-layer'] = item.layer;
    if (item.placement) d['data-placement'] = item.placement;
    if (item.dropped) d['data-dropped'] = 'true';
  } else if (item.layer !== undefined) d['data-layer'] = item.layer;
  if (isCompact(item)) d['data-compact'] = item.count;
  if (item.type === 'group' && item.kind === 'layer') d['data-collapsed'] = String(isCollapsedLayer(item));
  return d;
}

/** What a click or Enter on the item does: a layer's header expands or collapses it; the rest select their text. */
function action(item: GraphItem): string {
  if (item.type === 'group' && item.kind === 'layer') return isCollapsedLayer(item) ? 'Expand the layer.' : 'Collapse the layer.';
  return 'Select its definition in the config.';
}

export function renderGraph(layout: Layout, colors: ThemeColors): SVGSVGElement {
  const font = `${FONT_SIZE}px ${colors.font}`;
  const svg = el('svg', {
    xmlns: SVG,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    role: 'img',
    'font-family': colors.font,
    'font-size': FONT_SIZE,
  });
  const contrast = colors.kind.startsWith('high-contrast');
  const defs = el('defs', {});
  defs.append(
    el(
      'marker',
      { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      el('path', { d: 'M0,0 L10,5 L0,10 z', fill: colors.description }),
    ),
  );
  svg.append(defs, el('rect', { x: 0, y: 0, width: layout.width, height: layout.height, fill: colors.background }));

  const groups = el('g', { class: 'groups' });
  const edges = el('g', { class: 'edges', fill: 'none', stroke: colors.description, 'stroke-width': 1.2 });
  const nodes = el('g', { class: 'nodes' });
  svg.append(groups, edges, nodes);

  for (const { item, box } of layout.items) {
    const color = accent(item, colors);
    const g = el('g', {
      ...dataOf(item),
      class: `item ${item.type}`,
      tabindex: 0,
      role: 'button',
      'aria-label': `${nodeLines(item).join(', ')}. ${action(item)}`,
      ...(item.type === 'group' && item.kind === 'layer' ? { 'aria-expanded': String(!isCollapsedLayer(item)) } : {}),
    });
    const frozenDash: Record<string, string> = item.trainable ? {} : { 'stroke-dasharray': '5 3' };
    if (item.type === 'group') {
      const fill = item.kind === 'base' || item.kind === 'composition' || item.kind === 'merge' ? colors.background : color;
      g.append(
        el('rect', {
          x: box.x,
          y: box.y,
          width: box.width,
          height: box.height,
          rx: 4,
          fill,
          'fill-opacity': fill === colors.background ? 1 : 0.06,
          stroke: color,
          'stroke-width': item.trainable ? 2 : 1,
          ...frozenDash,
        }),
        // A collapsed layer's header sits on the line of its chips.
        el(
          'text',
          { x: box.x + PADDING, y: box.y + (isCollapsedLayer(item) ? 2 : 1) * PADDING + FONT_SIZE, fill: colors.foreground, 'font-weight': 600 },
          nodeLines(item)[0],
        ),
      );
      groups.append(g);
      continue;
    }
    const dropped = item.dropped === true;
    g.setAttribute('opacity', dropped ? (contrast ? '0.6' : '0.4') : '1');
    g.append(
      el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 3, fill: colors.background }),
      el('rect', {
        x: box.x,
        y: box.y,
        width: box.width,
        height: box.height,
        rx: 3,
        fill: dropped ? colors.description : color,
        'fill-opacity': item.trainable && !contrast ? 0.16 : 0.05,
        stroke: dropped ? colors.description : color,
        'stroke-width': item.trainable ? 2.2 : 1.2,
        ...(dropped ? { 'stroke-dasharray': '2 3' } : frozenDash),
      } as Record<string, string | number>),
    );
    nodeLines(item).forEach((line, i) => {
      const y = box.y + PADDING + FONT_SIZE + i * LINE_HEIGHT;
      g.append(el('text', { x: box.x + PADDING, y, fill: i === 0 ? colors.foreground : colors.description, 'font-weight': i === 0 ? 600 : 400 }, line));
    });
    nodes.append(g);
  }

  for (const { edge, points } of layout.edges) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    // A composition or merge taking an adapter: the adapters' colour, dotted (it acts in every layer, not here).
    const style: Record<string, string> =
      edge.kind === 'modifies' ? { 'stroke-dasharray': '4 3' } : edge.kind === 'combines' ? { 'stroke-dasharray': '2 3', stroke: colors.charts.blue } : {};
    edges.append(el('path', { d, 'marker-end': 'url(#arrow)', 'data-edge': edge.kind, ...style }));
  }
  svg.dataset.font = font;
  return svg;
}
