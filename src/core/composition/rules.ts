// What a setup may contain: AdapterHub's allowed nestings and depth rule (adapters.composition.validate_composition),
// which composition blocks each adapter method supports (AdapterHub's table), and references to known adapters.
import { type AdapterMethod, METHODS } from '../adapters/methods/index';
import { didYouMean, quoteList } from '../config/wording';
import { type NodeSource, type SetupNode, adapterNames, blocksOf, isBlock } from './tree';
import { type BlockKind } from '../../common/blocks';

export type Child = BlockKind | 'adapter';

/** AdapterHub's ALLOWED_NESTINGS: what each block may hold directly. */
export const ALLOWED_NESTINGS: Record<BlockKind, readonly Child[]> = {
  Stack: ['adapter', 'Fuse', 'Split', 'Parallel', 'BatchSplit', 'Average'],
  Fuse: ['adapter', 'Stack'],
  Split: ['adapter', 'Split', 'Stack', 'BatchSplit', 'Average'],
  Parallel: ['adapter', 'Stack', 'BatchSplit', 'Average'],
  BatchSplit: ['adapter', 'Stack', 'Split', 'BatchSplit', 'Average'],
  Average: ['adapter', 'Stack', 'Split', 'BatchSplit'],
  // Not AdapterHub's: K-adapters side by side, their outputs concatenated for the heads (Wang et al. 2021). Fuse
  // over K-adapters (composition/knowledge.ts) follows Fuse's rules.
  Concat: ['adapter'],
};

/** Below the second level (the top block is level 0) only these may appear. */
export const DEEP_ALLOWED: readonly Child[] = ['adapter', 'Stack'];

export interface SetupIssue {
  source: NodeSource;
  code: string;
  message: string;
}

const label = (c: Child) => (c === 'adapter' ? 'an adapter name' : c);
const alternatives = (allowed: readonly Child[]) => {
  const names = allowed.map(label);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
};
const kindOf = (n: SetupNode): Child => n.kind;

/** Nesting and depth, as AdapterHub checks them; one issue per offending node. */
export function nestingIssues(node: SetupNode, level = 0): SetupIssue[] {
  if (!isBlock(node)) return [];
  const issues: SetupIssue[] = [];
  for (const child of node.children) {
    const allowed = ALLOWED_NESTINGS[node.kind];
    const childLevel = level + 1;
    if (!allowed.includes(kindOf(child))) {
      issues.push({
        source: child.source,
        code: 'invalid-nesting',
        message: `${child.kind} cannot be nested in ${node.kind}: ${node.kind} takes ${alternatives(allowed)} (AdapterHub's nesting rules)`,
      });
    } else if (childLevel > 1 && !DEEP_ALLOWED.includes(kindOf(child))) {
      issues.push({
        source: child.source,
        code: 'setup-too-deep',
        message: `${child.kind} is too deep (level ${childLevel}): below the second level only ${alternatives(DEEP_ALLOWED)} is allowed; move ${child.kind} up a level or use Stack`,
      });
    } else {
      issues.push(...nestingIssues(child, childLevel));
    }
  }
  const parallels = blocksOf(node, 'Parallel');
  if (level === 0 && parallels.length > 1) {
    for (const extra of parallels.slice(1)) {
      issues.push({ source: extra.source, code: 'several-parallel', message: 'a setup may hold one Parallel block; put every branch in the first Parallel' });
    }
  }
  return issues;
}

/**
 * A Fuse fuses either adapters inside the base (AdapterFusion at their sites) or K-adapters beside it (at the heads):
 * one Fuse cannot do both. Run after referenceIssues found every name.
 */
export function knowledgeFuseIssues(node: SetupNode, methods: ReadonlyMap<string, AdapterMethod>): SetupIssue[] {
  return blocksOf(node, 'Fuse').flatMap((fuse) => {
    const names = adapterNames(fuse);
    const knowledge = names.filter((n) => methods.get(n) === 'k-adapter');
    if (knowledge.length === 0 || knowledge.length === names.length) return [];
    const inside = names.filter((n) => !knowledge.includes(n));
    return [
      {
        source: fuse.source,
        code: 'fuse-mixes-k-adapters',
        message: `Fuse mixes K-adapters (${quoteList(knowledge)}, beside the base, fused at the heads) with adapters inside the base (${quoteList(inside)}, fused in its layers): fuse either kind, not both`,
      },
    ];
  });
}

/** Unknown adapter names, and adapters inside a block their method does not support (each method's `blocks`). */
export function referenceIssues(node: SetupNode, methods: ReadonlyMap<string, AdapterMethod>, enclosing: BlockKind[] = []): SetupIssue[] {
  if (isBlock(node)) return node.children.flatMap((c) => referenceIssues(c, methods, [...enclosing, node.kind]));
  const method = methods.get(node.name);
  if (method === undefined) {
    const known = [...methods.keys()];
    return [
      {
        source: node.source,
        code: 'unknown-adapter',
        message: `unknown adapter "${node.name}"${didYouMean(node.name, known)} ${known.length ? `Adapters: ${quoteList(known)}` : 'Define it under "adapters" first'}`,
      },
    ];
  }
  const supported = METHODS[method].blocks;
  const bad = enclosing.find((b) => !supported.includes(b));
  if (!bad) return [];
  return [
    {
      source: node.source,
      code: 'unsupported-composition',
      message: `adapter "${node.name}" (${method}) cannot be used in ${bad}: ${method} supports ${supported.join(', ')} (AdapterHub)`,
    },
  ];
}
