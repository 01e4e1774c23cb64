// The composition graph of an experiment, as data: what the graph view draws and the e2e counts. Layers bottom to
// top, each adapter where it sits in each layer (one node per adapter per layer), the heads, and the composition
// blocks as nested groups joined by edges to the adapters they combine. Every item knows where the config defines
// it, so a click can select that text. `runs` says which of these items each run of the config uses: the view draws
// one run at a time, since adapters for the same task are alternatives, each trained alone.
import type { BlockKind } from './blocks';
import type { SourceRange } from './sourceRange';

/**
 * Where an adapter acts in a layer: after the attention or the feed-forward block (bottleneck adapters), beside
 * the feed-forward block (parallel), inside the dense layers of a block (LoRA, IA³, ARC: `matrices`), or beside the
 * base as a plug-in that reads its hidden states (K-Adapter).
 */
export type AdapterPlacement = 'after-attention' | 'after-feed-forward' | 'parallel' | 'inside' | 'plug-in';

export type GraphNodeKind = 'embeddings' | 'attention' | 'feed-forward' | 'adapter' | 'shared' | 'head';

export interface GraphNode {
  type: 'node';
  id: string;
  kind: GraphNodeKind;
  label: string;
  detail?: string; // second line: position, size, matrices, AdapterDrop
  params: number;
  trainable: boolean;
  /** AdapterDrop (specialised) skips this adapter in this layer. */
  dropped?: boolean;
  layer?: number;
  adapter?: string;
  method?: string; // the adapter's method, as the config names it
  placement?: AdapterPlacement;
  task?: string;
  source?: SourceRange;
}

/** 'plug-in': a K-adapter's layers, beside the base. */
export type GraphGroupKind = 'base' | 'layer' | 'composition' | 'block' | 'merge' | 'plug-in';

export interface GraphGroup {
  type: 'group';
  id: string;
  kind: GraphGroupKind;
  label: string;
  detail?: string;
  block?: BlockKind; // kind 'block'
  layer?: number; // kind 'layer'
  trainable: boolean;
  params: number; // what the group itself adds (a Fuse block's fusion layers), not its children's
  children: GraphItem[];
  source?: SourceRange;
}

export type GraphItem = GraphNode | GraphGroup;

/**
 * `flow`: hidden states go from → to; `modifies`: an adapter inside the dense layers of a block; `combines`: a
 * composition block or merge takes this adapter (drawn from its top layer; the block acts in every layer it sits in).
 */
export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: 'flow' | 'modifies' | 'combines';
}

/** One run the config makes (as `adapter-lab train` names it) and the items it uses. */
export interface GraphRun {
  name: string; // "adapter:houlsby", "head-only", "composition:all", "merge:avg"
  adapters: string[]; // the adapters in the layers
  tasks: string[]; // the base's heads it trains (compositions and merges bring their own)
  group?: string; // the composition or merge group drawn above the base
}

export interface GraphModel {
  experiment: string;
  base: string; // "built-in lab-base · 2 layers × 128"
  items: GraphItem[];
  edges: GraphEdge[];
  runs: GraphRun[];
  totals: { base: number; adapters: number };
}

/** Every node and group, depth first. */
export function* walkItems(items: readonly GraphItem[]): Generator<GraphItem> {
  for (const item of items) {
    yield item;
    if (item.type === 'group') yield* walkItems(item.children);
  }
}
