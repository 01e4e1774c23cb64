// Messages between a host (CLI or VS Code extension) and a forked trainer process. Both ends import this file.
import type { BackendName } from '../common/runRecord';
import type { EvalEvent, ProgressEvent } from '../common/events';

/** Host → trainer. */
export type ToTrainer =
  | { type: 'start'; configFile: string; runName: string; runDir: string; backend?: BackendName }
  | { type: 'cancel' };

/** Trainer → host. */
export type FromTrainer =
  | { type: 'ready'; backend: string; pid: number }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'eval'; event: EvalEvent }
  | { type: 'checkpoint'; epoch: number; dir: string }
  | { type: 'log'; message: string }
  | { type: 'done'; status: 'completed' | 'cancelled' | 'failed'; reason?: string; summaryFile?: string }
  | { type: 'error'; message: string };
