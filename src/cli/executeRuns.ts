// Trains planned runs from the command line with live progress (trainProgress.ts): the runs of an experiment or of a
// sweep. Ctrl-C cancels them cleanly; a second Ctrl-C kills them.
import type { BackendName } from '../common/runRecord';
import { type TrainerExit, defaultTrainerScript } from '../runner/trainerProcess';
import { type PlannedRun, ExperimentExecution } from '../runner/runExperiment';
import { createTrainProgress } from './trainProgress';

/** The options of `adapter-lab train`. */
export interface TrainArgs {
  backend?: BackendName;
  parallel?: number;
  /** Kernel threads per run; default: the config's train.threads, else each run's share of the cores. */
  threads?: number;
  only?: string[];
}

/** Trains the runs with live progress; Ctrl-C cancels, a second one kills. */
export async function executeRuns(runs: PlannedRun[], parallel: number, backend: BackendName | undefined, threads?: number): Promise<Map<string, TrainerExit>> {
  const progress = createTrainProgress(runs);
  const execution = new ExperimentExecution(runs, {
    trainerScript: defaultTrainerScript(),
    parallel,
    backend,
    threads,
    onStart: (run) => progress.started(run),
    onMessage: (run, m) => progress.message(run, m),
    onExit: (run, exit) => progress.exit(run, exit),
  });
  // The trainers have process groups of their own, so a Ctrl-C reaches only this process: the first cancels (each
  // run stops after its step, queued runs are marked cancelled), a second one kills them. A SIGINT repeated at once is
  // one Ctrl-C passed on by a wrapper (npm, a shell script, a task runner), not a second one. SIGTERM cancels too.
  let cancelledAt: number | undefined;
  let killed = false;
  const onInterrupt = () => {
    const now = Date.now();
    if (cancelledAt === undefined) {
      cancelledAt = now;
      progress.log('Cancelling: runs stop after their current step (Ctrl-C again to kill them)…');
      execution.cancel();
    } else if (!killed && now - cancelledAt >= REPEATED_SIGNAL_MS) {
      killed = true;
      progress.log('Killing the trainers…');
      execution.kill();
    }
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    return await execution.finished;
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

/** Signals closer together than this are one (a wrapper passing a Ctrl-C on), not a second Ctrl-C. */
const REPEATED_SIGNAL_MS = 1000;
