// What `adapter-lab train` prints while its runs train: on a terminal a live block, one line per run (progressView.ts),
// with evaluations and failures scrolling above it; otherwise plain lines for logs.
import type { EvalEvent } from '../common/events';
import type { FromTrainer } from '../protocol/trainer';
import type { PlannedRun } from '../runner/runExperiment';
import type { TrainerExit } from '../runner/trainerProcess';
import { LiveBlock, type RunView, StepRate, formatDuration, runLine } from './progressView';
import { fitText, terminalColumns } from './terminalWidth';

export interface TrainProgress {
  started(run: PlannedRun): void;
  message(run: PlannedRun, m: FromTrainer): void;
  exit(run: PlannedRun, exit: TrainerExit): void;
  /** A message of the session (cancelling, …). */
  log(line: string): void;
  stop(): void;
}

const metricsText = (event: EvalEvent) =>
  Object.entries(event.metrics)
    .map(([t, v]) => (v.perplexity === undefined ? `${t} ${(100 * v.accuracy).toFixed(1)}%` : `${t} perplexity ${v.perplexity.toFixed(1)}`))
    .join(', ');

function evalText(event: EvalEvent): string {
  return `${event.split === 'test' ? 'test' : `epoch ${event.epoch} validation`}: ${metricsText(event)}${event.best && event.split !== 'test' ? ' (best so far)' : ''}`;
}

interface Tracked {
  run: PlannedRun;
  view: RunView;
  rate: StepRate;
  startedAt?: number;
  /** The test metrics, once the run has reported them. */
  testText?: string;
}

export function createTrainProgress(runs: PlannedRun[]): TrainProgress {
  const nameWidth = Math.max(...runs.map((r) => r.label.length));
  const label = (run: PlannedRun) => run.label.padEnd(nameWidth);
  const tracked = new Map<string, Tracked>(
    runs.map((run) => [run.id, { run, view: { name: run.label, state: 'queued', epochs: run.plan.options.epochs }, rate: new StepRate() }]),
  );
  const finished = new Set<string>(); // keys
  const waitingFor = (t: Tracked) => {
    const needs = runs.filter((r) => t.run.needs.includes(r.key) && !finished.has(r.key)).map((r) => r.plan.name);
    return needs.length ? `waits for ${needs.join(', ')}` : undefined;
  };
  const update = (run: PlannedRun, m: FromTrainer) => {
    const t = tracked.get(run.id)!;
    if (m.type === 'ready') Object.assign(t.view, { state: 'loading', detail: m.backend });
    else if (m.type === 'progress') {
      t.rate.add(m.event);
      Object.assign(t.view, {
        state: 'training',
        detail: undefined,
        step: m.event.step,
        totalSteps: m.event.totalSteps,
        epoch: m.event.epoch,
        loss: m.event.loss,
        stepsPerSec: t.rate.stepsPerSec(),
        etaMs: t.rate.etaMs(),
      });
    } else if (m.type === 'eval' && m.event.split === 'test') t.testText = `test ${metricsText(m.event)}`;
    return t;
  };
  const finish = (run: PlannedRun, exit: TrainerExit) => {
    const t = tracked.get(run.id)!;
    finished.add(run.key);
    const tookMs = t.startedAt !== undefined ? Date.now() - t.startedAt : undefined;
    Object.assign(t.view, {
      state: exit.status,
      tookMs: exit.status === 'completed' ? tookMs : undefined,
      detail: exit.status === 'completed' ? t.testText : exit.reason?.split('\n')[0],
    });
    return t;
  };

  const columns = terminalColumns();
  if (columns === undefined) {
    // Plain lines: a person reading a log, or a CI job's output.
    const printedTenth = new Map<string, number>();
    return {
      started: (run) => {
        tracked.get(run.id)!.startedAt = Date.now();
      },
      message(run, m) {
        const t = update(run, m);
        if (m.type === 'ready') console.log(`${label(run)}  started on ${m.backend} (pid ${m.pid})`);
        else if (m.type === 'log') console.log(`${label(run)}  ${m.message}`);
        else if (m.type === 'eval') console.log(`${label(run)}  ${evalText(m.event)}`);
        else if (m.type === 'progress') {
          const e = m.event;
          const tenth = Math.floor((10 * e.step) / e.totalSteps);
          if (tenth > (printedTenth.get(run.id) ?? 0)) {
            printedTenth.set(run.id, tenth);
            const eta = t.view.etaMs !== undefined ? formatDuration(t.view.etaMs) : '–';
            console.log(
              `${label(run)}  step ${e.step}/${e.totalSteps} (${Math.floor((100 * e.step) / e.totalSteps)}%) · loss ${e.loss.toFixed(3)} · ${t.view.stepsPerSec?.toFixed(1) ?? '–'} steps/s · ETA ${eta}`,
            );
          }
        }
      },
      exit(run, exit) {
        const t = finish(run, exit);
        const took = t.view.tookMs !== undefined ? ` in ${formatDuration(t.view.tookMs)}` : '';
        console.log(`${label(run)}  ${exit.status}${took}${exit.reason && exit.status !== 'completed' ? `: ${exit.reason}` : ''}`);
      },
      log: (line) => console.log(line),
      stop: () => {},
    };
  }

  // A terminal: the block lists the runs in plan order while it fits the terminal's height; in a shorter one the
  // finished and the queued runs are summed up in a line each, and all runs' final lines are printed at the end.
  let compressed = false;
  let done = false;
  const lines = (width: number, maxLines: number): string[] => {
    if (done) return [];
    const all = [...tracked.values()].map((t) => {
      if (t.view.state === 'queued') t.view.detail = waitingFor(t);
      return t;
    });
    compressed = all.length > maxLines;
    if (!compressed) return all.map((t) => runLine(t.view, nameWidth, width));
    const isFinished = (t: Tracked) => ['completed', 'failed', 'cancelled'].includes(t.view.state);
    const active = all.filter((t) => !isFinished(t) && t.view.state !== 'queued');
    const queued = all.filter((t) => t.view.state === 'queued');
    const ended = all.filter(isFinished);
    const summary = (what: string, list: Tracked[]) => fitText(`${what} (${list.length}): ${list.map((t) => t.view.name).join(', ')}`, width - 1);
    return [
      ...(ended.length ? [summary('finished', ended)] : []),
      ...active.slice(0, Math.max(1, maxLines - 2)).map((t) => runLine(t.view, nameWidth, width)),
      ...(queued.length ? [summary('queued', queued)] : []),
    ];
  };
  const block = new LiveBlock(process.stdout, lines);
  block.update();
  return {
    started: (run) => {
      const t = tracked.get(run.id)!;
      t.startedAt = Date.now();
      t.view.state = 'starting';
      block.update();
    },
    message(run, m) {
      update(run, m);
      if (m.type === 'eval') block.log(`${label(run)}  ${evalText(m.event)}`, nameWidth + 2);
      else block.update();
    },
    exit(run, exit) {
      finish(run, exit);
      // The whole reason of a failure stays on screen; the run's line keeps its first line.
      if (exit.reason && exit.status === 'failed') block.log(`${label(run)}  ${exit.status}: ${exit.reason}`, nameWidth + 2);
      else block.update();
    },
    log: (line) => block.log(line),
    stop: () => {
      if (!compressed) return block.stop();
      done = true;
      block.stop();
      const width = terminalColumns() ?? 80;
      for (const t of tracked.values()) console.log(runLine(t.view, nameWidth, width));
    },
  };
}
