// Which runs of a sweep are still to train: a run is done when its runs folder holds a completed run of the experiment
// with its key. Interrupted, failed and cancelled runs are kept as they are and trained again in a new folder.
import { listRuns } from '../io/runStore';
import type { SweepRun } from './runs';

export interface SweepState {
  done: SweepRun[];
  toTrain: SweepRun[];
}

export function sweepState(runs: SweepRun[], runsDir: string, experiment: string): SweepState {
  const completed = new Set(
    listRuns(runsDir)
      .runs.filter((r) => r.record.experiment === experiment && r.record.status === 'completed' && r.summary && r.record.sweep)
      .map((r) => r.record.sweep!.key),
  );
  return { done: runs.filter((r) => completed.has(r.key)), toTrain: runs.filter((r) => !completed.has(r.key)) };
}

/** The runs to train with `--only` names: those runs, and a message when one needs a run neither done nor trained now. */
export function onlyRuns(state: SweepState, only: string[]): { toTrain: SweepRun[]; problem?: string } {
  const toTrain = state.toTrain.filter((r) => only.includes(r.plan.name));
  const available = new Set([...state.done, ...toTrain].map((r) => r.key));
  for (const run of toTrain) {
    const missing = Object.entries(run.info.needs ?? {}).filter(([, key]) => !available.has(key));
    if (missing.length > 0) {
      const names = missing.map(([name]) => name);
      return {
        toTrain,
        problem: `${run.info.setting} (seed ${run.info.seed}) needs ${names.join(', ')} of its point, which has no completed run: add ${names.join(' ')} to --only`,
      };
    }
  }
  return { toTrain };
}
