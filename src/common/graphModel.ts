// The composition graph of an experiment, as data: what the graph view draws and the e2e counts. Layers bottom to
// top, each adapter where it sits in each layer, the heads, and the composition blocks as nested groups. Every item
// knows where the config defines it, so a click can select that text.
import type { BlockKind } from './blocks';
import type { SourceRange } from './sourceRange';

/**
 * Where an adapter acts in a layer: after the attention or the feed-forward block (bottleneck adapters), beside
 * the feed-forward block (parallel), or inside the dense layers of a block (LoRA, IA³, ARC: `matrices`).
 */
export type AdapterPlacement = 'after-attention' | 'after-feed-forward' | 'parallel' | 'inside';

export type GraphNodeKind = 'embeddings' | 'attention' | 'feed-forward' | 'adapter' | 'shared' | 'head' | 'use' | 'fusion';

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

export type GraphGroupKind = 'base' | 'layer' | 'composition' | 'block' | 'merge';

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

/** `flow`: hidden states go from → to; `modifies`: an adapter inside the dense layers of a block. */
export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: 'flow' | 'modifies';
}

export interface GraphModel {
  experiment: string;
  base: string; // "built-in lab-base · 2 layers × 128"
  items: GraphItem[];
  edges: GraphEdge[];
  totals: { base: number; adapters: number };
}

/** Every node and group, depth first. */
export function* walkItems(items: readonly GraphItem[]): Generator<GraphItem> {
  for (const item of items) {
    yield item;
    if (item.type === 'group') yield* walkItems(item.children);
  }
}
