// What one run of a config looks like in the graph: the base with only that run's adapters and heads, and its
// composition or merge. Adapters for the same task are alternatives (each `adapter:` run trains alone), so the
// view never draws them all active at once. Pure: the webview calls it when the user picks a run.
import { type GraphEdge, type GraphItem, type GraphModel, type GraphRun, walkItems } from './graphModel';

export interface GraphRunView {
  items: GraphItem[];
  edges: GraphEdge[];
}

/** The run the view opens on: the one the user picked before if the config still makes it, else the first. */
export function runToShow(model: GraphModel, wanted: string | undefined): GraphRun | undefined {
  return model.runs.find((r) => r.name === wanted) ?? model.runs[0];
}

export function runView(model: GraphModel, run: GraphRun | undefined): GraphRunView {
  if (!run) return { items: model.items, edges: model.edges };
  const keeps = (item: GraphItem): boolean => {
    if (item.type === 'group' && item.kind === 'plug-in') return item.children.some(keeps);
    if (item.type === 'group') return item.kind === 'base' || item.kind === 'layer' || item.kind === 'block' || item.id === run.group;
    if (item.kind === 'adapter' || item.kind === 'shared') return run.adapters.includes(item.adapter!);
    // The base's own heads; a composition's heads go with its group.
    if (item.kind === 'head') return !item.id.startsWith('head.') || run.tasks.includes(item.task!);
    return true;
  };
  // A composition or merge loads its adapters from their own runs and never trains them: drawn frozen in its view.
  const loaded = (item: GraphItem): boolean =>
    run.group !== undefined && (item.type === 'group' ? item.kind === 'plug-in' : item.kind === 'adapter' || item.kind === 'shared');
  const prune = (items: readonly GraphItem[]): GraphItem[] =>
    items
      .filter(keeps)
      .map((i) => (loaded(i) ? { ...i, trainable: false } : i))
      .map((i) => (i.type === 'group' ? { ...i, children: prune(i.children) } : i));
  const items = prune(model.items);
  const kept = new Set([...walkItems(items)].map((i) => i.id));
  const inSeries = new Set(
    [...walkItems(model.items)]
      .filter((i) => i.type === 'node' && i.kind === 'adapter' && (i.placement === 'after-attention' || i.placement === 'after-feed-forward'))
      .map((i) => i.id),
  );
  return { items, edges: withoutNodes(model.edges, kept, inSeries) };
}

/**
 * The edges among the kept items. A left-out adapter in the flow (after attention or the feed-forward block) is
 * bridged: what flowed into it flows on to what it fed. One beside a block or inside it only adds to the flow, so
 * its edges just go.
 */
function withoutNodes(edges: readonly GraphEdge[], kept: ReadonlySet<string>, inSeries: ReadonlySet<string>): GraphEdge[] {
  let current = [...edges];
  for (const removed of new Set(edges.flatMap((e) => [e.from, e.to]).filter((id) => !kept.has(id)))) {
    const into = current.filter((e) => e.to === removed && e.kind === 'flow');
    const out = current.filter((e) => e.from === removed && e.kind === 'flow');
    const bridges = inSeries.has(removed) ? into.flatMap((i) => out.map((o) => ({ from: i.from, to: o.to }))) : [];
    current = [
      ...current.filter((e) => e.from !== removed && e.to !== removed),
      ...bridges.map(({ from, to }): GraphEdge => ({ id: `${from}->${to}`, from, to, kind: 'flow' })),
    ];
  }
  const seen = new Set<string>();
  return current.filter((e) => {
    const key = `${e.kind}:${e.from}->${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
