// Lays the graph model out with elkjs (layered, bottom to top, groups laid out with their contents so edges can
// cross them). elk.bundled.js runs in the page without a worker; a layout of the examples takes tens of ms.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphEdge, GraphItem } from '../../src/protocol/graph';
import { isCollapsedLayer, isCompact } from '../../src/common/graphCollapse';
import type { GraphRunView } from '../../src/common/graphRuns';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedItem {
  item: GraphItem;
  box: Box; // absolute
  depth: number;
}

export interface PlacedEdge {
  edge: GraphEdge;
  points: { x: number; y: number }[]; // absolute
}

export interface Layout {
  width: number;
  height: number;
  items: PlacedItem[]; // groups before their children, so children draw on top
  edges: PlacedEdge[];
  ms: number;
}

/** Text lines a node shows; the renderer draws exactly these. */
export function nodeLines(item: GraphItem): string[] {
  const params = `${item.params.toLocaleString('en-US')} params`;
  if (isCompact(item)) return [item.label];
  if (item.type === 'group') {
    // A layer's header is also its expand / collapse toggle.
    const first =
      item.kind === 'block'
        ? `${item.label}${item.params ? ` · ${params}` : ''}`
        : item.kind === 'layer'
          ? `${isCollapsedLayer(item) ? '▸' : '▾'} ${item.label}`
          : item.label;
    return [item.detail ? `${first} — ${item.detail}` : first];
  }
  const state = item.dropped ? 'dropped (AdapterDrop)' : item.trainable ? 'trainable' : 'frozen';
  return [item.label, ...(item.detail ? [item.detail] : []), `${params} · ${state}`];
}

export const LINE_HEIGHT = 16;
export const PADDING = 8;
const GROUP_HEADER = 26;
const CHIP_GAP = 8;

const elk = new ELK();

export async function layoutGraph(model: GraphRunView, measure: (text: string, bold: boolean) => number): Promise<Layout> {
  const started = performance.now();
  const parents = new Map<string, string>(); // item id → group id
  const chipLayer = new Map<string, string>(); // chip id → its collapsed layer, which elk lays out as one node
  const nodeSize = (item: GraphItem) => {
    const lines = nodeLines(item);
    return { width: Math.ceil(Math.max(...lines.map((l, i) => measure(l, i === 0))) + 2 * PADDING), height: lines.length * LINE_HEIGHT + 2 * PADDING };
  };
  /** A collapsed layer is one row: its header, then its chips, left to right. */
  const chipRow = (layer: GraphItem & { type: 'group' }) => {
    let x = Math.ceil(measure(nodeLines(layer)[0], true)) + 2 * PADDING;
    return layer.children.map((chip) => {
      const size = nodeSize(chip);
      const box = { x, y: PADDING, ...size };
      x += size.width + CHIP_GAP;
      return { chip, box, right: x - CHIP_GAP + PADDING };
    });
  };
  const toElk = (item: GraphItem, parent: string): ElkNode => {
    parents.set(item.id, parent);
    if (item.type === 'node') return { id: item.id, ...nodeSize(item) };
    if (isCollapsedLayer(item)) {
      const row = chipRow(item);
      for (const { chip } of row) chipLayer.set(chip.id, item.id);
      return { id: item.id, width: row[row.length - 1]?.right ?? 80, height: LINE_HEIGHT + 4 * PADDING };
    }
    const header = measure(nodeLines(item)[0], true) + 2 * PADDING;
    // A group with nothing inside (a Concat of K-adapters) is a box of its header alone.
    if (!item.children.length) return { id: item.id, width: Math.ceil(header), height: 40 };
    return {
      id: item.id,
      layoutOptions: {
        'elk.padding': `[top=${GROUP_HEADER + PADDING},left=${PADDING},bottom=${PADDING},right=${PADDING}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // elkjs 0.12's layered algorithm applies a group's minimum size transposed when the direction is UP (it lays
        // out sideways and turns the result): (40, w) is a box at least w wide. test/graph/layout.test.ts checks it.
        'elk.nodeSize.minimum': `(40, ${Math.ceil(header)})`,
        // Blocks of a composition run their children side by side (a Stack: bottom to top, by its edges).
        ...(item.kind === 'layer' ? { 'elk.layered.spacing.nodeNodeBetweenLayers': '18' } : {}),
      },
      children: item.children.map((c) => toElk(c, item.id)),
    };
  };
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'UP',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '16',
      'elk.layered.spacing.nodeNodeBetweenLayers': '24',
      'elk.spacing.componentComponent': '32',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: model.items.map((i) => toElk(i, '__root')),
  };

  // Each edge goes in the lowest group holding both ends; elk gives its points relative to that group.
  const ancestors = (id: string) => {
    const chain = [];
    for (let p = parents.get(id); p; p = parents.get(p)) chain.push(p);
    return chain;
  };
  const byId = new Map<string, ElkNode>();
  const index = (n: ElkNode) => {
    byId.set(n.id, n);
    n.children?.forEach(index);
  };
  index(root);
  for (const e of model.edges) {
    const from = chipLayer.get(e.from) ?? e.from;
    const to = chipLayer.get(e.to) ?? e.to;
    if (!byId.has(from) || !byId.has(to)) continue;
    const up = ancestors(to);
    const container = ancestors(from).find((a) => up.includes(a)) ?? '__root';
    const holder = byId.get(container)!;
    (holder.edges ??= []).push({ id: e.id, sources: [from], targets: [to] } as ElkExtendedEdge);
  }

  const laid = await elk.layout(root);
  const items: PlacedItem[] = [];
  const origin = new Map<string, { x: number; y: number }>([['__root', { x: 0, y: 0 }]]);
  const itemsById = new Map<string, GraphItem>();
  const collect = (list: readonly GraphItem[]) => list.forEach((i) => (itemsById.set(i.id, i), i.type === 'group' && collect(i.children)));
  collect(model.items);
  const place = (n: ElkNode, x0: number, y0: number, depth: number) => {
    for (const c of n.children ?? []) {
      const box = { x: x0 + (c.x ?? 0), y: y0 + (c.y ?? 0), width: c.width ?? 0, height: c.height ?? 0 };
      origin.set(c.id, box);
      const item = itemsById.get(c.id)!;
      items.push({ item, box, depth });
      if (isCollapsedLayer(item))
        for (const { chip, box: at } of chipRow(item)) items.push({ item: chip, box: { ...at, x: box.x + at.x, y: box.y + at.y }, depth: depth + 1 });
      place(c, box.x, box.y, depth + 1);
    }
  };
  place(laid, 0, 0, 0);

  const edgesById = new Map(model.edges.map((e) => [e.id, e]));
  const edges: PlacedEdge[] = [];
  const placeEdges = (n: ElkNode) => {
    for (const e of (n.edges ?? []) as (ElkExtendedEdge & { container?: string })[]) {
      const o = origin.get(e.container ?? n.id) ?? { x: 0, y: 0 };
      for (const s of e.sections ?? []) {
        const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + o.x, y: p.y + o.y }));
        edges.push({ edge: edgesById.get(e.id)!, points });
      }
    }
    n.children?.forEach(placeEdges);
  };
  placeEdges(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, items, edges, ms: performance.now() - started };
}
