// A sweep's report and the rows of its runs, built from its runs folder: `adapter-lab report` prints the report, the
// sweep panel in VS Code shows both. Reading the folder is left to the callers that have it (the panel keeps it
// cached between refreshes); sweepReport reads it for the CLI.
import type { SweepReport, SweepRunRow } from '../../common/sweep';
import type { ExperimentConfig } from '../config/types';
import { listRuns } from '../io/runStore';
import { type FoundRun, type PlannedRun, aggregateSweep } from './aggregate';
import type { SweepExpansion } from './check';
import type { SweepRun } from './runs';

/** The swept paths as written, in point order, the seed aside. */
export function sweepPaths(sweep: SweepExpansion): string[] {
  return [...new Set(sweep.points.flatMap((p) => p.settings.filter((s) => s.path !== 'seed').map((s) => s.path)))];
}

export function sweepReport(config: ExperimentConfig, sweep: SweepExpansion, runs: SweepRun[], reference?: string): SweepReport {
  return aggregateSweep({ experiment: config.name, paths: sweepPaths(sweep), runs, found: listRuns(config.runsDir).runs, reference });
}

/**
 * A row per planned run, in plan order. The folder that stands for a run is the one the report counts (its newest
 * completed run with a summary) or, when it has none, its newest folder: a run that is training, failed or queued.
 * `found` is a runs folder's listing, newest first.
 */
export function sweepRunRows(runs: PlannedRun[], found: FoundRun[], experiment: string): SweepRunRow[] {
  const newest = new Map<string, FoundRun>();
  const completed = new Map<string, FoundRun>();
  for (const run of found) {
    const key = run.record.sweep?.key;
    if (key === undefined || run.record.experiment !== experiment) continue;
    if (!newest.has(key)) newest.set(key, run);
    if (!completed.has(key) && run.record.status === 'completed' && run.summary) completed.set(key, run);
  }
  return runs.map((planned): SweepRunRow => {
    const row: SweepRunRow = {
      key: planned.key,
      setting: planned.info.setting,
      runName: planned.plan.name,
      seed: planned.info.seed,
      values: planned.info.values,
      status: 'not started',
      tasks: {},
    };
    const folder = completed.get(planned.key) ?? newest.get(planned.key);
    if (!folder) return row;
    const { summary } = folder;
    const tasks = Object.fromEntries(
      Object.keys(summary?.test ?? {}).flatMap((task) => {
        const test = summary!.test[task];
        const validation = summary!.validation[task];
        return validation ? [[task, { test: test.accuracy, testF1: test.macroF1, validation: validation.accuracy }]] : [];
      }),
    );
    const bytes = Object.values(summary?.bytesPerTask ?? {});
    return {
      ...row,
      status: folder.record.status,
      id: folder.record.id,
      dir: folder.dir,
      tasks,
      ...(summary && {
        trainableParams: summary.trainableParams,
        msPerStep: summary.msPerStep,
        ...(bytes.length > 0 && { bytesPerAttribute: bytes.reduce((a, b) => a + b, 0) / bytes.length }),
      }),
    };
  });
}
