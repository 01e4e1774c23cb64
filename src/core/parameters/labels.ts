// How many labels each task's classifier has (its head's output size): the labels the config lists, else the
// distinct values in the data. Plain file reading, no TensorFlow.js, so the extension host can call it.
import type { ExperimentConfig } from '../config/types';
import { checkRowsForTasks, formatProblems, loadRows } from '../data/load';

export type LabelCounts = ReadonlyMap<string, number>;

export function labelCounts(config: Pick<ExperimentConfig, 'tasks' | 'data'>): LabelCounts {
  const counts = new Map<string, number>();
  for (const t of config.tasks) if (t.labels) counts.set(t.name, t.labels.length);
  const open = config.tasks.filter((t) => !counts.has(t.name));
  if (open.length === 0) return counts;
  const loaded = loadRows(config.data);
  if (loaded.problems.length)
    throw new Error(`cannot count the labels: the data has ${loaded.problems.length} bad row(s):\n${formatProblems(loaded.problems, 5)}`);
  const checked = checkRowsForTasks(loaded.rows, open, loaded.file);
  for (const [task, labels] of checked.labels) counts.set(task, labels.length);
  return counts;
}
