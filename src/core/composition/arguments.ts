// The keyword arguments of composition blocks (named as in adapters.composition) and their checks, shared by the
// string syntax and the JSON tree form.
import type { Block } from './tree';
import type { BlockKind } from '../../common/blocks';

export type ArgumentName = 'splits' | 'batch_sizes' | 'weights';
export const ARGUMENT_NAMES: readonly ArgumentName[] = ['splits', 'batch_sizes', 'weights'];

/** Keyword arguments per block. Split and BatchSplit require theirs; Average's weights default to equal. */
export const BLOCK_ARGUMENTS: Record<BlockKind, readonly ArgumentName[]> = {
  Stack: [],
  Fuse: [],
  Split: ['splits'],
  BatchSplit: ['batch_sizes'],
  Parallel: [],
  Average: ['weights'],
  Concat: [],
};

export const BLOCK_EXAMPLES: Record<BlockKind, string> = {
  Stack: 'Stack(domain, sentiment)',
  Fuse: 'Fuse(sentiment, domain)',
  Split: 'Split(a, b, splits=[4, 60])',
  BatchSplit: 'BatchSplit(a, b, batch_sizes=[16, 16])',
  Parallel: 'Parallel(sentiment, domain)',
  Average: 'Average(a, b, weights=[0.7, 0.3])',
  Concat: 'Concat(linguistic, lexical)',
};

export interface ArgumentProblem {
  code: string;
  message: string;
  argument?: ArgumentName; // where to point; the block itself when absent
}

/** The block that owns an argument name, for "splits belongs to Split". */
export function argumentOwner(name: string): BlockKind | undefined {
  return (Object.keys(BLOCK_ARGUMENTS) as BlockKind[]).find((b) => (BLOCK_ARGUMENTS[b] as readonly string[]).includes(name));
}

export function takesText(kind: BlockKind): string {
  const args = BLOCK_ARGUMENTS[kind];
  return args.length ? `${kind} takes ${args.map((a) => `${a}=[…]`).join(', ')}` : `${kind} takes only adapters and blocks`;
}

export function getArgument(block: Block, name: ArgumentName): number[] | undefined {
  return name === 'splits' ? block.splits : name === 'batch_sizes' ? block.batchSizes : block.weights;
}

export function setArgument(block: Block, name: ArgumentName, values: number[]): void {
  if (name === 'splits') block.splits = values;
  else if (name === 'batch_sizes') block.batchSizes = values;
  else block.weights = values;
}

/**
 * Checks a parsed block's children count and arguments; expands a single split or batch size to every child, as
 * AdapterHub does. Returns the first problem, or undefined.
 */
export function checkBlockArguments(block: Block): ArgumentProblem | undefined {
  const n = block.children.length;
  const min = block.kind === 'Stack' ? 1 : 2;
  if (n < min) {
    return {
      code: 'too-few-children',
      message: `${block.kind} needs at least ${min === 1 ? 'one adapter' : 'two children'}, e.g. ${BLOCK_EXAMPLES[block.kind]}`,
    };
  }
  for (const name of ARGUMENT_NAMES) {
    const values = getArgument(block, name);
    const allowed = BLOCK_ARGUMENTS[block.kind].includes(name);
    if (values === undefined) {
      if (allowed && name !== 'weights') {
        return { code: 'missing-argument', message: `${block.kind} needs ${name}=[…], one number per child, e.g. ${BLOCK_EXAMPLES[block.kind]}` };
      }
      continue;
    }
    if (!allowed) {
      return {
        code: 'unknown-argument',
        argument: name,
        message: `${block.kind} takes no "${name}" (that belongs to ${argumentOwner(name)}); ${takesText(block.kind)}`,
      };
    }
    if (values.length === 0) return { code: 'empty-list', argument: name, message: `${name} is empty: give one number per child` };
    if (name !== 'weights' && values.some((v) => !Number.isInteger(v) || v < 0)) {
      return { code: 'invalid-argument', argument: name, message: `${name} must be whole numbers ≥ 0, e.g. ${BLOCK_EXAMPLES[block.kind]}` };
    }
    if (values.length === 1 && name !== 'weights') setArgument(block, name, new Array<number>(n).fill(values[0]));
    else if (values.length !== n) {
      return {
        code: 'argument-count',
        argument: name,
        message: `${name} has ${values.length} value(s) but ${block.kind} has ${n} children: give one per child`,
      };
    }
    if (name === 'weights' && Math.abs(values.reduce((a, b) => a + b, 0)) < 1e-9) {
      return { code: 'invalid-argument', argument: name, message: 'weights sum to 0, so they cannot be normalised: change one' };
    }
  }
  return undefined;
}
