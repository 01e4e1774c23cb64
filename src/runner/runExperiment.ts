// Starts the runs of an experiment, each in its own trainer process, at most `parallel` at a time, a run only after
// the runs it needs (composition and merge runs need their adapters' runs).
// Shared by the CLI and the extension; run folders are created (status "queued") before anything starts, so every
// planned run is visible and a run that never starts is still accounted for.
import type { ExperimentConfig } from '../core/config/types';
import type { BackendName } from '../common/runRecord';
import type { RunPlan } from '../core/run/plan';
import type { SweepRun } from '../core/sweep/runs';
import { createRun, finishRun } from '../core/run/lifecycle';
import { defaultCores, runThreads } from '../core/run/threads';
import type { FromTrainer } from '../protocol/trainer';
import { type TrainerExit, TrainerProcess } from './trainerProcess';

export interface PlannedRun {
  plan: RunPlan;
  id: string;
  dir: string;
  /** The config the run trains: the experiment's, or a sweep point's (then also in its run.json). */
  config: ExperimentConfig;
  /** Tells it apart from the other runs of the execution: its run name, or a sweep run's key. */
  key: string;
  /** Keys of the runs it loads (run names; a sweep run's needs' keys). */
  needs: string[];
  /** How the run is shown in progress: its run name, or a sweep run's setting and seed. */
  label: string;
}

export interface ExperimentRunOptions {
  trainerScript: string;
  parallel: number;
  backend?: BackendName;
  /** Kernel threads for every run (--threads); else each run's config train.threads, else its share of the cores. */
  threads?: number;
  /** The cores the runs share (default: this machine's). */
  cores?: number;
  onStart?: (run: PlannedRun, trainer: TrainerProcess) => void;
  onMessage?: (run: PlannedRun, message: FromTrainer) => void;
  onOutput?: (run: PlannedRun, line: string) => void;
  onExit?: (run: PlannedRun, exit: TrainerExit) => void;
}

/** Runs at a time by default: one per core. */
export function defaultParallelism(): number {
  return defaultCores();
}

/** Creates a run folder with run.json (status queued) for each plan. */
export function createRuns(config: ExperimentConfig, plans: RunPlan[], now = new Date()): PlannedRun[] {
  return plans.map((plan) => {
    const { id, dir } = createRun({
      runsDir: config.runsDir,
      experiment: config.name,
      name: plan.name,
      type: plan.type,
      tasks: plan.tasks,
      configFile: config.file,
      config,
      status: 'queued',
      now,
    });
    return { plan, id, dir, config, key: plan.name, needs: plan.needs, label: plan.name };
  });
}

/** Run folders (status queued) for the sweep runs to train; each records its place in the sweep. */
export function createSweepRuns(experiment: string, runsDir: string, runs: SweepRun[], now = new Date()): PlannedRun[] {
  return runs.map((run) => {
    const label = `${run.info.setting} · seed ${run.info.seed}`;
    const { id, dir } = createRun({
      runsDir,
      experiment,
      name: run.plan.name,
      idName: label,
      type: run.plan.type,
      tasks: run.plan.tasks,
      configFile: run.config.file,
      config: { ...run.config, runsDir },
      status: 'queued',
      sweep: run.info,
      now,
    });
    return { plan: run.plan, id, dir, config: run.config, key: run.key, needs: Object.values(run.info.needs ?? {}), label };
  });
}

export class ExperimentExecution {
  readonly finished: Promise<Map<string, TrainerExit>>;
  private readonly active = new Map<string, TrainerProcess>(); // by run id
  /** Ends a run still in the queue as cancelled; false if it is not there (any more). */
  private readonly cancelQueued: (runId: string, reason: string) => boolean;
  private stopped = false;
  private failure?: string;

  constructor(runs: PlannedRun[], options: ExperimentRunOptions) {
    const results = new Map<string, TrainerExit>();
    const queue = [...runs];
    let startError: unknown;
    // A run starts once every run it needs that is part of this execution has finished (plans list their needs
    // after them, so this cannot deadlock); needed runs outside it were trained before and are found on disk.
    const unfinished = new Set(runs.map((r) => r.key));
    const exitsByKey = new Map<string, TrainerExit>();
    let wake: () => void = () => {};
    let changed = new Promise<void>((resolve) => (wake = resolve));
    // Runs whose threads are their share of the cores get more as the runs beside them end (the last run of an
    // experiment ends up with every core); the shares of the runs in flight still add up to at most the cores.
    const cores = options.cores ?? defaultParallelism();
    const shareFreedCores = () => {
      if (options.threads !== undefined) return;
      const share = runThreads('auto', cores, Math.min(options.parallel, unfinished.size));
      for (const [runId, trainer] of this.active) if (runs.find((r) => r.id === runId)?.config.threads === 'auto') trainer.offerThreads(share);
    };
    const finish = (run: PlannedRun, exit: TrainerExit) => {
      results.set(run.id, exit);
      exitsByKey.set(run.key, exit);
      unfinished.delete(run.key);
      shareFreedCores();
      options.onExit?.(run, exit);
      wake();
      changed = new Promise<void>((resolve) => (wake = resolve));
    };
    const takeReady = () => {
      const i = queue.findIndex((r) => r.needs.every((n) => !unfinished.has(n)));
      return i < 0 ? undefined : queue.splice(i, 1)[0];
    };
    this.cancelQueued = (runId, reason) => {
      const i = queue.findIndex((r) => r.id === runId);
      if (i < 0) return false;
      const [run] = queue.splice(i, 1);
      finishRun(run.dir, 'cancelled', reason);
      finish(run, { status: 'cancelled', reason });
      return true;
    };
    const worker = async () => {
      while (queue.length) {
        const run = takeReady();
        if (!run) {
          await changed;
          continue;
        }
        if (this.failure) {
          const reason = `not started: ${this.failure}`;
          finishRun(run.dir, 'failed', reason);
          finish(run, { status: 'failed', reason });
          continue;
        }
        if (this.stopped) {
          // Written to run.json too: the Runs view and `adapter-lab runs` read the run from there.
          const reason = 'cancelled before it started';
          finishRun(run.dir, 'cancelled', reason);
          finish(run, { status: 'cancelled', reason });
          continue;
        }
        const failedNeed = run.needs.find((n) => exitsByKey.has(n) && exitsByKey.get(n)!.status !== 'completed');
        if (failedNeed) {
          const needName = runs.find((r) => r.key === failedNeed)?.plan.name ?? failedNeed;
          const reason = `needs ${needName}, which ${exitsByKey.get(failedNeed)!.status === 'cancelled' ? 'was cancelled' : 'failed'}`;
          finishRun(run.dir, 'failed', reason);
          finish(run, { status: 'failed', reason });
          continue;
        }
        let trainer: TrainerProcess;
        try {
          trainer = new TrainerProcess({
            trainerScript: options.trainerScript,
            configFile: run.config.file,
            runName: run.plan.name,
            runDir: run.dir,
            backend: options.backend,
            threads: options.threads ?? runThreads(run.config.threads, cores, Math.min(options.parallel, unfinished.size)),
            onMessage: (m) => options.onMessage?.(run, m),
            onOutput: (line) => options.onOutput?.(run, line),
          });
        } catch (e) {
          // No trainer can start (e.g. the bundle is missing): this run and every run still queued are failed, not
          // left "queued", and `finished` rejects with the error once the running ones have ended.
          const message = e instanceof Error ? e.message : String(e);
          this.failure ??= message;
          startError ??= e;
          finishRun(run.dir, 'failed', message);
          finish(run, { status: 'failed', reason: message });
          this.cancel();
          continue;
        }
        this.active.set(run.id, trainer);
        options.onStart?.(run, trainer);
        const exit = await trainer.done;
        this.active.delete(run.id);
        finish(run, exit);
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(options.parallel, runs.length)) }, worker);
    this.finished = Promise.all(workers).then(() => {
      if (startError) throw startError;
      return results;
    });
  }

  /** Cancels running trainers gracefully and skips the runs not started yet. */
  cancel(): void {
    this.stopped = true;
    for (const t of this.active.values()) t.cancel();
  }

  /**
   * Cancels one run, recording why: a running one stops after its current step (its files stay), a queued one is not
   * started. The other runs go on; those that need it fail, saying so.
   */
  cancelRun(runId: string, reason: string): void {
    if (!this.cancelQueued(runId, reason)) this.active.get(runId)?.cancel(reason);
  }

  kill(): void {
    this.stopped = true;
    for (const t of this.active.values()) t.kill();
  }
}
