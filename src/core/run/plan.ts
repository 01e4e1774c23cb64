// The runs an experiment holds: one per adapter (that adapter + its task's head on the frozen base, trained with
// train.adapter and the adapter's own train overrides), the baselines `full` and `head-only`, then one per
// composition and per merge of the trained adapters. A run lists the runs it needs (`needs`): composition and merge
// runs load what the `adapter:<name>` runs saved, so they start after those.
// Kept apart from experiment.ts, which loads TensorFlow.js, so that hosts that only plan runs (the VS Code
// extension) do not load it.
import { adapterNames } from '../composition/tree';
import type { ExperimentConfig, TrainOptions } from '../config/types';
import type { RunType } from '../../common/runRecord';

export interface RunPlan {
  name: string; // "adapter:sentiment", "full", "head-only", "composition:fused", "merge:avg"
  type: RunType;
  tasks: string[];
  adapter?: string;
  composition?: string;
  merge?: string;
  /** Runs whose saved adapters this run loads (the newest completed one of each). */
  needs: string[];
  options: TrainOptions;
}

/** An experiment of causal-lm tasks (attribute adapters on a decoder); the config checks keep its tasks of one kind. */
export const isLanguageModelExperiment = (config: Pick<ExperimentConfig, 'tasks'>) => config.tasks.some((t) => t.objective === 'causal-lm');

export const adapterRunName = (adapter: string) => `adapter:${adapter}`;

export function planRuns(config: ExperimentConfig): RunPlan[] {
  const adapterRuns = config.adapters.map<RunPlan>((a) => ({
    name: adapterRunName(a.name),
    type: 'adapter',
    tasks: [a.task],
    adapter: a.name,
    needs: [],
    options: { ...config.train.adapter, ...a.train },
  }));
  const allTasks = config.tasks.map((t) => t.name);
  // A decoder experiment's reference is the whole decoder fine-tuned on each task's rows: one run per task.
  const baselineRuns = isLanguageModelExperiment(config)
    ? config.baselines.flatMap((b) => allTasks.map<RunPlan>((t) => ({ name: `${b}:${t}`, type: b, tasks: [t], needs: [], options: config.train[b] })))
    : config.baselines.map<RunPlan>((b) => ({ name: b, type: b, tasks: allTasks, needs: [], options: config.train[b] }));
  const compositionRuns = config.compositions.map<RunPlan>((c) => ({
    name: `composition:${c.name}`,
    type: 'composition',
    tasks: c.tasks,
    composition: c.name,
    needs: adapterNames(c.setup).map(adapterRunName),
    options: config.train.composition,
  }));
  const mergeRuns = config.merges.map<RunPlan>((m) => ({
    name: `merge:${m.name}`,
    type: 'composition',
    tasks: [m.task],
    merge: m.name,
    needs: m.adapters.map(adapterRunName),
    options: config.train.composition,
  }));
  return [...adapterRuns, ...baselineRuns, ...compositionRuns, ...mergeRuns];
}
