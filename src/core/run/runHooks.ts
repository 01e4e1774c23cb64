// What executing one run reports as it goes (hooks) and returns (executeRun.ts, knowledge.ts).
import type { EvalEvent, ProgressEvent } from '../../common/events';
import type { RunSummary } from '../../common/runRecord';
import { appendMetric } from '../io/runStore';
import type { TrainHooks, TrainOutcome } from '../train/loop';

export interface RunHooks {
  progress(e: ProgressEvent): void;
  evaluated(e: EvalEvent): void;
  checkpoint(epoch: number, dir: string): void;
  cancelled(): boolean;
}

export interface RunResult {
  outcome: TrainOutcome;
  summary: RunSummary;
}

/** A training loop's hooks for a run: each event appended to its metrics.jsonl and passed on; a better epoch saved. */
export function recordingHooks(runDir: string, hooks: RunHooks, save: () => void): TrainHooks {
  return {
    progress: (e) => {
      appendMetric(runDir, { kind: 'progress', ...e });
      hooks.progress(e);
    },
    evaluated: (e) => {
      appendMetric(runDir, { kind: 'eval', ...e });
      hooks.evaluated(e);
    },
    improved: (epoch) => {
      save();
      hooks.checkpoint(epoch, runDir);
    },
    cancelled: hooks.cancelled,
  };
}
