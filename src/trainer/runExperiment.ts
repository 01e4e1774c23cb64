// Starts the runs of an experiment, each in its own trainer process, at most `parallel` at a time.
// Shared by the CLI and the extension; run folders are created (status "queued") before anything starts, so every
// planned run is visible and a run that never starts is still accounted for.
import * as os from 'os';
import * as path from 'path';
import type { BackendName, ExperimentConfig } from '../core/config/types';
import type { RunPlan } from '../core/experiment';
import { type RunRecord, machineInfo, newRunId, writeRun } from '../core/io/runStore';
import type { FromTrainer } from '../protocol/trainer';
import { type TrainerExit, TrainerProcess } from './host';

export interface PlannedRun {
  plan: RunPlan;
  id: string;
  dir: string;
}

export interface ExperimentRunOptions {
  trainerScript: string;
  parallel: number;
  backend?: BackendName;
  onStart?: (run: PlannedRun, trainer: TrainerProcess) => void;
  onMessage?: (run: PlannedRun, message: FromTrainer) => void;
  onOutput?: (run: PlannedRun, line: string) => void;
  onExit?: (run: PlannedRun, exit: TrainerExit) => void;
}

export function defaultParallelism(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** Creates a run folder with run.json (status queued) for each plan. */
export function createRuns(config: ExperimentConfig, plans: RunPlan[], now = new Date()): PlannedRun[] {
  return plans.map((plan) => {
    const id = newRunId(config.name, plan.name, now);
    const dir = path.join(config.runsDir, id);
    const record: RunRecord = {
      id,
      experiment: config.name,
      name: plan.name,
      type: plan.type,
      tasks: plan.tasks,
      status: 'queued',
      configFile: config.file,
      config,
      machine: machineInfo(),
      createdAt: now.toISOString(),
    };
    writeRun(dir, record);
    return { plan, id, dir };
  });
}

export class ExperimentExecution {
  readonly finished: Promise<Map<string, TrainerExit>>;
  private readonly active = new Set<TrainerProcess>();
  private stopped = false;

  constructor(config: ExperimentConfig, runs: PlannedRun[], options: ExperimentRunOptions) {
    const results = new Map<string, TrainerExit>();
    const queue = [...runs];
    const worker = async () => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        if (this.stopped) {
          results.set(run.id, { status: 'cancelled', reason: 'cancelled before it started' });
          continue;
        }
        const trainer = new TrainerProcess({
          trainerScript: options.trainerScript,
          configFile: config.file,
          runName: run.plan.name,
          runDir: run.dir,
          backend: options.backend,
          onMessage: (m) => options.onMessage?.(run!, m),
          onOutput: (line) => options.onOutput?.(run!, line),
        });
        this.active.add(trainer);
        options.onStart?.(run, trainer);
        const exit = await trainer.done;
        this.active.delete(trainer);
        results.set(run.id, exit);
        options.onExit?.(run, exit);
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(options.parallel, runs.length)) }, worker);
    this.finished = Promise.all(workers).then(() => results);
  }

  /** Cancels running trainers gracefully and skips the runs not started yet. */
  cancel(): void {
    this.stopped = true;
    for (const t of this.active) t.cancel();
  }

  kill(): void {
    this.stopped = true;
    for (const t of this.active) t.kill();
  }
}
