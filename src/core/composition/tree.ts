// An adapter setup as a tree, in AdapterHub's vocabulary (adapters.composition): adapter names at the leaves,
// composition blocks inside. Every node remembers where it was written, so a problem can point at it.
import type { BlockKind } from '../../common/blocks';

/** Where a node was written: offsets into the decoded setup string, or a JSON path when written as a JSON tree. */
export interface NodeSource {
  path: (string | number)[]; // JSON path of the string or object that holds the node
  part?: 'key'; // the property key at `path` rather than its value
  start?: number; // offset in the decoded string at `path` (string syntax only)
  length?: number;
}

export interface AdapterLeaf {
  kind: 'adapter';
  name: string;
  source: NodeSource;
}

export interface Block {
  kind: BlockKind;
  children: SetupNode[];
  /** Split: tokens per child. */
  splits?: number[];
  /** BatchSplit: examples per child. */
  batchSizes?: number[];
  /** Average: weights per child, normalised to sum 1. */
  weights?: number[];
  source: NodeSource;
  /** Where each keyword argument was written, for problems with its values. */
  argumentSources?: Partial<Record<'splits' | 'batch_sizes' | 'weights', NodeSource>>;
}

export type SetupNode = AdapterLeaf | Block;

export function isBlock(node: SetupNode): node is Block {
  return node.kind !== 'adapter';
}

export function adapterNames(node: SetupNode): string[] {
  return isBlock(node) ? [...new Set(node.children.flatMap(adapterNames))] : [node.name];
}

/** AdapterHub's `last()`: the rightmost adapter, whose head a Stack or Parallel branch uses. */
export function lastAdapter(node: SetupNode): string {
  return isBlock(node) ? lastAdapter(node.children[node.children.length - 1]) : node.name;
}

export function blocksOf(node: SetupNode, kind: BlockKind): Block[] {
  if (!isBlock(node)) return [];
  return [...(node.kind === kind ? [node] : []), ...node.children.flatMap((c) => blocksOf(c, kind))];
}

/** AdapterHub's fusion name: the children's (last) adapter names joined by commas, e.g. "sentiment,domain". */
export function fusionName(fuse: Block): string {
  return fuse.children.map(lastAdapter).join(',');
}

/** The Parallel block whose branches give the outputs, if the setup has one (at the top or inside a Stack). */
export function parallelBlock(node: SetupNode): Block | undefined {
  return blocksOf(node, 'Parallel')[0];
}

/** AdapterHub's notation, e.g. `Stack(domain, Fuse(sentiment, genre))`. */
export function formatSetup(node: SetupNode): string {
  if (!isBlock(node)) return /^[A-Za-z_][\w.-]*$/.test(node.name) ? node.name : `'${node.name}'`;
  const args = node.children.map(formatSetup);
  if (node.splits) args.push(`splits=[${node.splits.join(', ')}]`);
  if (node.batchSizes) args.push(`batch_sizes=[${node.batchSizes.join(', ')}]`);
  if (node.weights) args.push(`weights=[${node.weights.map((w) => Number(w.toFixed(6))).join(', ')}]`);
  return `${node.kind}(${args.join(', ')})`;
}
