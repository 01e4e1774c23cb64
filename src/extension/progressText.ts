// What training progress looks like in the status bar, the progress notification and the Runs tree.
import type { ProgressEvent } from '../common/events';
import { plural } from '../common/plural';

/** "0:42", "12:05", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** A run's own time left at its pace so far. */
export function etaMs(event: ProgressEvent): number {
  return event.step > 0 ? ((event.totalSteps - event.step) * event.elapsedMs) / event.step : 0;
}

/** `12/40 · loss 0.532` */
export function stepSummary(event: ProgressEvent): string {
  return `${event.step}/${event.totalSteps} · loss ${event.loss.toFixed(3)}`;
}

/** A running run's latest progress and its time left (at its recent pace, as the whole training's estimate counts it). */
export interface LiveProgress {
  event: ProgressEvent;
  etaMs: number;
}

/** A running run's row in the tree, what matters first so a narrow sidebar still shows it: `30% · ETA 0:14 · 12/40 · loss 0.532`. */
export function runProgressText({ event, etaMs }: LiveProgress): string {
  const percent = event.totalSteps > 0 ? Math.floor((100 * event.step) / event.totalSteps) : 0;
  return `${percent}% · ETA ${formatDuration(etaMs)} · ${stepSummary(event)}`;
}

/** The whole training's time left: `ETA 1:05`, or `estimating time left` until a run has shown its pace. */
export function trainingEtaText(trainingEtaMs: number | undefined): string {
  return trainingEtaMs === undefined ? 'estimating time left' : `ETA ${formatDuration(trainingEtaMs)}`;
}

/** The notification: runs done and the whole training's time left first, then the run that reported last. */
export function notificationText(
  finished: number,
  runCount: number,
  trainingEtaMs: number | undefined,
  latest?: { label: string; event: ProgressEvent },
): string {
  const detail = latest ? ` · ${latest.label} ${stepSummary(latest.event)}` : '';
  return `${finished}/${plural(runCount, 'run')} done · ${trainingEtaText(trainingEtaMs)}${detail}`;
}

/** The status bar: the whole training's time left, the run that reported last, and how many others train beside it. */
export function statusBarText(runName: string, event: ProgressEvent, othersRunning: number, trainingEtaMs: number | undefined): string {
  return `$(loading~spin) ${trainingEtaText(trainingEtaMs)} · ${runName} ${stepSummary(event)}${othersRunning > 0 ? ` (+${othersRunning})` : ''}`;
}
