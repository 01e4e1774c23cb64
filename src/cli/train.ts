// `adapter-lab train <config>`: validates the config, starts one trainer process per run (up to --parallel at a
// time), shows progress (a live line per run on a terminal, plain lines otherwise), Ctrl-C cancels cleanly, then prints
// the comparison.
import { formatProblem } from '../core/config/validate';
import { loadExperiment } from '../core/sweep/check';
import { ExperimentInputError, loadBase, loadExperimentData } from '../core/run/experiment';
import { loadDecoderBase, taskTexts } from '../core/run/lmRun';
import { isLanguageModelExperiment, planRuns } from '../core/run/plan';
import { readRun, readSummary } from '../core/io/runStore';
import { latestCompletedRun } from '../core/adapters/load';
import type { ExperimentConfig } from '../core/config/types';
import type { TrainerExit } from '../runner/trainerProcess';
import { type PlannedRun, createRuns, defaultParallelism } from '../runner/runExperiment';
import { comparisonTable, storageProjection } from './report';
import { EXIT } from './exit';
import { fsErrorReason, isFsError } from '../core/io/fsErrors';
import { shownPath } from './findRuns';
import { type TrainArgs, executeRuns } from './executeRuns';
import { trainSweep } from './trainSweep';
import { terminalColumns, wrapWords } from './terminalWidth';
import { plural } from '../common/plural';

export async function trainCommand(configFile: string, args: TrainArgs): Promise<number> {
  const { config, problems, sweep } = loadExperiment(configFile);
  for (const p of problems) console.error(formatProblem(p));
  if (!config || problems.some((p) => p.severity === 'error')) return EXIT.badInput;

  try {
    // Bad rows and unusable bases are input errors: report them before any run folder is made.
    const data = loadExperimentData(config);
    if (isLanguageModelExperiment(config)) {
      loadDecoderBase(config);
      for (const t of config.tasks) taskTexts(data, t);
    } else loadBase(config, data);
  } catch (e) {
    if (!(e instanceof ExperimentInputError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }

  if (sweep) return trainSweep(config, sweep, args);

  let plans = planRuns(config);
  if (args.only?.length) {
    const unknown = args.only.filter((n) => !plans.some((p) => p.name === n));
    if (unknown.length) {
      console.error(`unknown run(s) ${unknown.join(', ')}; this config has: ${plans.map((p) => p.name).join(', ')}`);
      return EXIT.badInput;
    }
    plans = plans.filter((p) => args.only!.includes(p.name));
  }
  // Composition and merge runs load adapters trained by this experiment: in this call, or before it.
  for (const plan of plans) {
    const missing = plan.needs.filter((n) => !plans.some((p) => p.name === n) && !latestCompletedRun(config.runsDir, config.name, n));
    if (missing.length) {
      console.error(
        `${plan.name} needs ${missing.join(', ')}, which has no completed run in ${config.runsDir}: train ${missing.length > 1 ? 'them' : 'it'} too (add ${missing.join(' ')} to --only) or first`,
      );
      return EXIT.badInput;
    }
  }
  let runs: PlannedRun[];
  try {
    runs = createRuns(config, plans);
  } catch (e) {
    if (!isFsError(e)) throw e;
    console.error(`cannot make the run folders in ${config.runsDir}: ${fsErrorReason(e)}`);
    return EXIT.badInput;
  }
  const parallel = args.parallel ?? Math.min(defaultParallelism(), runs.length);
  const width = terminalColumns();
  const say = (text: string) => console.log(wrapWords(text, width && width - 1));
  say(`Experiment "${config.name}": ${plural(runs.length, 'run')} (${plans.map((p) => p.name).join(', ')}), ${parallel} at a time`);
  if (config.base.kind === 'random') {
    say('Note: the base model is randomly initialised, not pre-trained — adapters and head-only runs have little to build on.');
  }
  say(`Run folders: ${config.runsDir}`);

  const results = await executeRuns(runs, parallel, args.backend, args.threads);
  return finishSession(config, runs, results);
}

function finishSession(config: ExperimentConfig, runs: PlannedRun[], results: Map<string, TrainerExit>): number {
  const rows = runs.flatMap((run) => {
    const summary = readSummary(run.dir);
    return summary ? [{ label: run.plan.name, summary }] : [];
  });
  const width = terminalColumns();
  if (rows.length) {
    console.log(`\n${wrapWords(`Test-set results (${config.name}; base: ${rows[0].summary.base}; backend: ${rows[0].summary.backend})`, width && width - 1)}`);
    console.log(comparisonTable(rows, { width: width && width - 1 }));
    const projection = storageProjection(rows, width && width - 1);
    if (projection) console.log(projection);
  }
  let failed = false;
  for (const run of runs) {
    const exit = results.get(run.id);
    const record = readRun(run.dir);
    if (exit?.status !== 'completed') {
      failed = true;
      console.error(wrapWords(`${run.plan.name}: ${record.status}${record.reason ? ` — ${record.reason}` : ''}`, width && width - 1));
      console.error(`  folder: ${shownPath(run.dir)}`);
    }
  }
  return failed ? EXIT.trainingFailed : EXIT.ok;
}
