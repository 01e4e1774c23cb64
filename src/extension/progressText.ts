// What training progress looks like in the status bar, the progress notification and the Runs tree.
import type { ProgressEvent } from '../common/events';

/** "0:42", "12:05", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Time left at the pace so far. */
export function etaMs(event: ProgressEvent): number {
  return event.step > 0 ? ((event.totalSteps - event.step) * event.elapsedMs) / event.step : 0;
}

/** `12/40 · loss 0.532 · ETA 0:14` */
export function progressSummary(event: ProgressEvent): string {
  return `${event.step}/${event.totalSteps} · loss ${event.loss.toFixed(3)} · ETA ${formatDuration(etaMs(event))}`;
}

/** The status bar: the run that reported last, and how many others train beside it. */
export function statusBarText(runName: string, event: ProgressEvent, othersRunning: number): string {
  return `$(loading~spin) ${runName} ${progressSummary(event)}${othersRunning > 0 ? ` (+${othersRunning})` : ''}`;
}

/** Share of the whole session done, 0…1: each run counts equally; runs not started yet count as 0. */
export function sessionFraction(stepsByRun: ReadonlyMap<string, { step: number; totalSteps: number }>, finishedRuns: number, runCount: number): number {
  if (runCount === 0) return 1;
  let running = 0;
  for (const { step, totalSteps } of stepsByRun.values()) running += totalSteps > 0 ? step / totalSteps : 0;
  return Math.min(1, (finishedRuns + running) / runCount);
}
