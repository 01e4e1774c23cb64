// AdapterHub's composition blocks (adapters.composition), by the names its users know.
export const BLOCKS = ['Stack', 'Fuse', 'Split', 'BatchSplit', 'Parallel', 'Average', 'Concat'] as const;
export type BlockKind = (typeof BLOCKS)[number];
