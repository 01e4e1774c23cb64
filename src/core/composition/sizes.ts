// Split and BatchSplit sizes against what a run feeds them: BatchSplit's batch_sizes must cover the batch exactly
// (AdapterHub refuses any other sum), and every Split child must start before the longest example ends (maxLength),
// or it would never see a token. Nested blocks see the part of the batch their parent gives them.
import type { SetupIssue } from './rules';
import { type Block, type SetupNode, isBlock } from './tree';

/** Where the batch size and maxLength come from, for the fix to name. */
export interface RunShape {
  batchSize: number;
  maxLength: number;
  batchSizeKey: string; // e.g. "train.composition.batchSize"
  maxLengthKey: string;
}

export function sizeIssues(node: SetupNode, run: RunShape, examples = run.batchSize, tokens = run.maxLength): SetupIssue[] {
  if (!isBlock(node)) return [];
  const own = node.kind === 'BatchSplit' ? batchSplitIssue(node, examples, run) : node.kind === 'Split' ? splitIssue(node, tokens, run) : undefined;
  if (own) return [own];
  return node.children.flatMap((child, i) => {
    const childExamples = node.kind === 'BatchSplit' ? node.batchSizes![i] : examples;
    const start = node.kind === 'Split' ? node.splits!.slice(0, i).reduce((a, b) => a + b, 0) : 0;
    const childTokens = node.kind === 'Split' ? Math.min(node.splits![i], tokens - start) : tokens;
    return sizeIssues(child, run, childExamples, childTokens);
  });
}

function batchSplitIssue(block: Block, examples: number, run: RunShape): SetupIssue | undefined {
  const sizes = block.batchSizes!;
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum === examples) return undefined;
  const whole = examples === run.batchSize;
  const even = evenSplit(examples, sizes.length);
  return {
    source: block.argumentSources?.batch_sizes ?? block.source,
    code: 'batch-sizes-sum',
    message:
      `batch_sizes sum to ${sum}, but ${whole ? `the batches of this run hold ${examples} examples (${run.batchSizeKey})` : `this BatchSplit gets ${examples} examples from the block around it`}: ` +
      `make them sum to ${examples}, e.g. batch_sizes=[${even.join(', ')}]${whole ? `, or set ${run.batchSizeKey} to ${sum}` : ''}`,
  };
}

function splitIssue(block: Block, tokens: number, run: RunShape): SetupIssue | undefined {
  const splits = block.splits!;
  let start = 0;
  for (let i = 0; i < splits.length; i++) {
    if (start >= tokens) {
      const even = evenSplit(tokens, splits.length);
      return {
        source: block.argumentSources?.splits ?? block.source,
        code: 'split-beyond-length',
        message:
          `child ${i + 1} of Split would start at token ${start}, but ${tokens === run.maxLength ? `examples have at most ${tokens} tokens (${run.maxLengthKey})` : `this Split gets ${tokens} tokens from the block around it`}, so it never sees one: ` +
          `keep every split start below ${tokens}, e.g. splits=[${even.join(', ')}]${tokens === run.maxLength ? `, or raise ${run.maxLengthKey}` : ''}`,
      };
    }
    start += splits[i];
  }
  return undefined;
}

/** `total` in `parts` near-equal whole parts, the larger first. */
function evenSplit(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}
