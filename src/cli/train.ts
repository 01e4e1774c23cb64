// `adapter-lab train <config>`: validates the config, starts one trainer process per run (up to --parallel at a
// time), shows progress (bars on a terminal, plain lines otherwise), Ctrl-C cancels cleanly, then prints the comparison.
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { BackendName } from '../common/runRecord';
import { formatProblem, loadConfig } from '../core/config/validate';
import { ExperimentInputError, loadBase, loadExperimentData, planRuns } from '../core/run/experiment';
import { readRun, readSummary } from '../core/io/runStore';
import { latestCompletedRun } from '../core/adapters/load';
import type { ExperimentConfig } from '../core/config/types';
import { type TrainerExit, defaultTrainerScript } from '../runner/trainerProcess';
import { type PlannedRun, ExperimentExecution, createRuns, defaultParallelism } from '../runner/runExperiment';
import { comparisonTable, storageProjection } from './report';
import { EXIT } from './exit';

export interface TrainArgs {
  backend?: BackendName;
  parallel?: number;
  only?: string[];
}

export async function trainCommand(configFile: string, args: TrainArgs): Promise<number> {
  const { config, problems } = loadConfig(configFile);
  for (const p of problems) console.error(formatProblem(p));
  if (!config) return EXIT.badInput;

  try {
    // Bad rows and unusable bases are input errors: report them before any run folder is made.
    loadBase(config, loadExperimentData(config));
  } catch (e) {
    if (!(e instanceof ExperimentInputError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }

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
      console.error(`${plan.name} needs ${missing.join(', ')}, which has no completed run in ${config.runsDir}: train ${missing.length > 1 ? 'them' : 'it'} too (add ${missing.join(' ')} to --only) or first`);
      return EXIT.badInput;
    }
  }
  const runs = createRuns(config, plans);
  const parallel = args.parallel ?? Math.min(defaultParallelism(), runs.length);
  console.log(`Experiment "${config.name}": ${runs.length} runs (${plans.map((p) => p.name).join(', ')}), ${parallel} at a time`);
  if (config.base.kind === 'random') {
    console.log('Note: the base model is randomly initialised, not pre-trained — adapters and head-only runs have little to build on.');
  }
  console.log(`Run folders: ${config.runsDir}`);

  const progress = createProgress(runs);
  const execution = new ExperimentExecution(config, runs, {
    trainerScript: defaultTrainerScript(),
    parallel,
    backend: args.backend,
    onMessage: (run, m) => progress.message(run, m),
    onOutput: (run, line) => progress.output(run, line),
    onExit: (run, exit) => progress.exit(run, exit.status, exit.reason),
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
    return await finishSession(config, runs, await execution.finished, progress);
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

/** Signals closer together than this are one (a wrapper passing a Ctrl-C on), not a second Ctrl-C. */
const REPEATED_SIGNAL_MS = 1000;

function finishSession(config: ExperimentConfig, runs: PlannedRun[], results: Map<string, TrainerExit>, progress: Progress): number {
  progress.stop();
  const rows = runs.flatMap((run) => {
    const summary = readSummary(run.dir);
    return summary ? [{ label: run.plan.name, summary }] : [];
  });
  if (rows.length) {
    console.log(`\nTest-set results (${config.name}; base: ${rows[0].summary.base}; backend: ${rows[0].summary.backend})`);
    console.log(comparisonTable(rows));
    const projection = storageProjection(rows);
    if (projection) console.log(projection);
  }
  let failed = false;
  for (const run of runs) {
    const exit = results.get(run.id);
    const record = readRun(run.dir);
    if (exit?.status !== 'completed') {
      failed = true;
      console.error(`${run.plan.name}: ${record.status}${record.reason ? ` — ${record.reason}` : ''}\n  folder: ${run.dir}`);
    }
  }
  return failed ? EXIT.trainingFailed : EXIT.ok;
}

interface Progress {
  message(run: PlannedRun, m: import('../protocol/trainer').FromTrainer): void;
  output(run: PlannedRun, line: string): void;
  exit(run: PlannedRun, status: string, reason?: string): void;
  log(line: string): void;
  stop(): void;
}

function createProgress(runs: PlannedRun[]): Progress {
  const width = Math.max(...runs.map((r) => r.plan.name.length));
  const label = (run: PlannedRun) => run.plan.name.padEnd(width);
  const evalLine = (run: PlannedRun, m: Extract<import('../protocol/trainer').FromTrainer, { type: 'eval' }>) => {
    const metrics = Object.entries(m.event.metrics).map(([t, v]) => `${t} ${(100 * v.accuracy).toFixed(1)}%`).join(', ');
    return `${label(run)}  ${m.event.split === 'test' ? 'test' : `epoch ${m.event.epoch} validation`}: ${metrics}${m.event.best && m.event.split !== 'test' ? ' (best so far)' : ''}`;
  };

  if (!process.stdout.isTTY) {
    let lastDecile = new Map<string, number>();
    return {
      message(run, m) {
        if (m.type === 'ready') console.log(`${label(run)}  started on ${m.backend} (pid ${m.pid})`);
        else if (m.type === 'log') console.log(`${label(run)}  ${m.message}`);
        else if (m.type === 'eval') console.log(evalLine(run, m));
        else if (m.type === 'progress') {
          const decile = Math.floor((10 * m.event.step) / m.event.totalSteps);
          if (decile > (lastDecile.get(run.id) ?? 0)) {
            lastDecile.set(run.id, decile);
            console.log(`${label(run)}  step ${m.event.step}/${m.event.totalSteps} loss ${m.event.loss.toFixed(3)} ${m.event.examplesPerSec.toFixed(0)} ex/s`);
          }
        }
      },
      output: () => {},
      exit: (run, status, reason) => console.log(`${label(run)}  ${status}${reason && status !== 'completed' ? `: ${reason}` : ''}`),
      log: (line) => console.log(line),
      stop: () => {
        lastDecile = new Map();
      },
    };
  }

  const bars = new MultiBar(
    {
      format: '{run} |{bar}| {percentage}% {value}/{total} steps · loss {loss} · {rate} steps/s · ETA {eta_formatted} {status}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
    },
    Presets.shades_classic,
  );
  const byRun = new Map<string, SingleBar>();
  const bar = (run: PlannedRun) => {
    let b = byRun.get(run.id);
    if (!b) {
      b = bars.create(1, 0, { run: label(run), loss: '–', rate: '–', status: 'queued' });
      byRun.set(run.id, b);
    }
    return b;
  };
  runs.forEach(bar);
  return {
    message(run, m) {
      const b = bar(run);
      if (m.type === 'ready') b.update({ status: `on ${m.backend}` });
      else if (m.type === 'progress') {
        const e = m.event;
        b.setTotal(e.totalSteps);
        b.update(e.step, { loss: e.loss.toFixed(3), rate: ((1000 * e.step) / e.elapsedMs).toFixed(1), status: '' });
      } else if (m.type === 'eval') bars.log(`${evalLine(run, m)}\n`);
    },
    output: () => {},
    exit: (run, status, reason) => {
      bar(run).update({ status: status === 'completed' ? '✓ done' : `✗ ${status}` });
      if (reason && status !== 'completed') bars.log(`${label(run)}  ${status}: ${reason}\n`);
    },
    log: (line) => bars.log(`${line}\n`),
    stop: () => bars.stop(),
  };
}
