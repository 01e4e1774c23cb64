// `adapter-lab train <config>` for a config with a `sweep`: every point's runs, each run once (points that give a run
// the same inputs share it), the ones already completed in the runs folder skipped — so the same command after a
// Ctrl-C or a crash trains only what is missing — then the sweep's report.
import type { ExperimentConfig } from '../core/config/types';
import { ExperimentInputError, loadBase, loadExperimentData } from '../core/run/experiment';
import type { SweepExpansion } from '../core/sweep/check';
import { onlyRuns, sweepState } from '../core/sweep/resume';
import { planSweepRuns } from '../core/sweep/runs';
import { readRun } from '../core/io/runStore';
import { fsErrorReason, isFsError } from '../core/io/fsErrors';
import { type PlannedRun, createSweepRuns, defaultParallelism } from '../runner/runExperiment';
import type { TrainerExit } from '../runner/trainerProcess';
import { EXIT } from './exit';
import { type TrainArgs, executeRuns } from './executeRuns';
import { shownPath } from './findRuns';
import { printSweepReport } from './sweepReport';
import { terminalColumns, wrapWords } from './terminalWidth';

export async function trainSweep(config: ExperimentConfig, sweep: SweepExpansion, args: TrainArgs): Promise<number> {
  const runs = planSweepRuns(sweep.points);
  if (args.only?.length) {
    const names = new Set(runs.map((r) => r.plan.name));
    const unknown = args.only.filter((n) => !names.has(n));
    if (unknown.length) {
      console.error(`unknown run(s) ${unknown.join(', ')}; the sweep's points have: ${[...names].join(', ')}`);
      return EXIT.badInput;
    }
  }
  const runsDir = config.runsDir;
  const state = sweepState(runs, runsDir, config.name);
  let toTrain = state.toTrain;
  if (args.only?.length) {
    const only = onlyRuns(state, args.only);
    if (only.problem) {
      console.error(only.problem);
      return EXIT.badInput;
    }
    toTrain = only.toTrain;
  }

  const width = terminalColumns();
  const say = (text: string) => console.log(wrapWords(text, width && width - 1));
  say(
    `Sweep "${config.name}": ${sweep.summary}, ${runs.length} distinct runs; ${state.done.length} done before, ${toTrain.length} to train${toTrain.length ? `, ${Math.min(args.parallel ?? defaultParallelism(), toTrain.length)} at a time` : ''}`,
  );
  say(`Run folders: ${runsDir}`);
  if (toTrain.length === 0) return printSweepReport(config, sweep, runs, width);

  try {
    // Bad rows and unusable bases are input errors: report them before any run folder is made (each base once).
    const seen = new Set<string>();
    for (const run of toTrain) {
      const id = JSON.stringify([run.config.base, run.config.data, run.config.split, run.config.tasks]);
      if (seen.has(id)) continue;
      seen.add(id);
      loadBase(run.config, loadExperimentData(run.config));
    }
  } catch (e) {
    if (!(e instanceof ExperimentInputError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }

  let planned: PlannedRun[];
  try {
    planned = createSweepRuns(config.name, runsDir, toTrain);
  } catch (e) {
    if (!isFsError(e)) throw e;
    console.error(`cannot make the run folders in ${runsDir}: ${fsErrorReason(e)}`);
    return EXIT.badInput;
  }
  const parallel = args.parallel ?? Math.min(defaultParallelism(), planned.length);
  const results = await executeRuns(planned, parallel, args.backend, args.threads);
  const reportExit = printSweepReport(config, sweep, runs, width);
  const failed = reportFailures(planned, results, width);
  return failed ? EXIT.trainingFailed : reportExit;
}

function reportFailures(runs: PlannedRun[], results: Map<string, TrainerExit>, width: number | undefined): boolean {
  let failed = false;
  for (const run of runs) {
    if (results.get(run.id)?.status === 'completed') continue;
    failed = true;
    const record = readRun(run.dir);
    console.error(wrapWords(`${run.label}: ${record.status}${record.reason ? ` — ${record.reason}` : ''}`, width && width - 1));
    console.error(`  folder: ${shownPath(run.dir)}`);
  }
  if (failed) console.error('Run the same command again to train what is missing; completed runs are not trained again.');
  return failed;
}
