// Which runs a command invoked on the Runs tree's selection acts on. A Shift-selection from a run of one experiment
// to a run of the next also selects the rows between them, the next experiment's row among them: that row adds no
// runs (its runs below the clicked one were not selected). Only rows without a run among them stand for the runs
// under them: Compare Runs on an experiment compares its runs.
import { type RunsTreeNode, runsOfNode } from './runsTreeNodes';
import type { RunEntry } from './runsModel';

export function runsOfSelection(nodes: readonly RunsTreeNode[]): RunEntry[] {
  const runNodes = nodes.filter((n) => n.kind === 'run');
  const chosen = runNodes.length ? runNodes : nodes;
  return [...new Map(chosen.flatMap(runsOfNode).map((r) => [r.dir, r])).values()]; // a run and its earlier attempts' seed both selected: once
}
