// What executing one run reports as it goes (hooks) and returns (executeRun.ts, knowledge.ts).
import type { EvalEvent, ProgressEvent } from '../../common/events';
import type { RunSummary } from '../../common/runRecord';
import type { TrainOutcome } from '../train/loop';

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
