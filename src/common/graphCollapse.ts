// Semantic zoom for the graph: a collapsed layer is one row of compact chips (its base blocks, then one per
// adapter, "houlsby ×2" for an adapter in two places), and edges that reached inside it reach the layer instead.
// The graph view collapses layers when the whole graph would not be readable at its size; a click expands one.
import type { GraphEdge, GraphGroup, GraphItem, GraphNode } from './graphModel';
import type { GraphRunView } from './graphRuns';

/** A chip of a collapsed layer: stands for `count` nodes of one block or adapter; its id is the first one's. */
export interface CompactNode extends GraphNode {
  compact: true;
  count: number;
}

export interface CollapsedLayer extends GraphGroup {
  collapsed: true;
}

export const isCompact = (item: GraphItem): item is CompactNode => 'compact' in item;
export const isCollapsedLayer = (item: GraphItem): item is CollapsedLayer => 'collapsed' in item;

/** The ids of the view's layers, bottom to top. */
export function layerIds(view: GraphRunView): string[] {
  const ids: string[] = [];
  const visit = (items: readonly GraphItem[]) =>
    items.forEach((i) => {
      if (i.type !== 'group') return;
      if (i.kind === 'layer') ids.push(i.id);
      else visit(i.children);
    });
  visit(view.items);
  return ids;
}

export function collapseLayers(view: GraphRunView, collapsed: ReadonlySet<string>): GraphRunView {
  const into = new Map<string, string>(); // id of a hidden node → the layer that now stands for it
  const chipOf = new Map<string, string>(); // id of a hidden adapter node → its chip
  const collapse = (layer: GraphGroup): CollapsedLayer => {
    const chips = new Map<string, CompactNode>();
    for (const child of layer.children) {
      into.set(child.id, layer.id);
      if (child.type !== 'node') continue;
      const key = child.adapter ?? child.kind;
      const chip = chips.get(key);
      if (child.adapter) chipOf.set(child.id, chip?.id ?? child.id);
      if (chip) {
        chip.count++;
        chip.params += child.params;
        chip.label = `${key} ×${chip.count}`;
      } else chips.set(key, { ...child, label: key, detail: undefined, compact: true, count: 1 });
    }
    return { ...layer, children: [...chips.values()], collapsed: true };
  };
  const walk = (items: readonly GraphItem[]): GraphItem[] =>
    items.map((i) => {
      if (i.type !== 'group') return i;
      if (i.kind === 'layer' && collapsed.has(i.id)) return collapse(i);
      return { ...i, children: walk(i.children) };
    });
  const items = walk(view.items);
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const e of view.edges) {
    // A composition still takes each adapter from its chip; the flow goes through the layer as a whole.
    const from = (e.kind === 'combines' ? chipOf.get(e.from) : undefined) ?? into.get(e.from) ?? e.from;
    const to = into.get(e.to) ?? e.to;
    const key = `${e.kind}:${from}->${to}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    edges.push(from === e.from && to === e.to ? e : { ...e, id: `${e.id}~${from}->${to}`, from, to });
  }
  return { items, edges };
}
