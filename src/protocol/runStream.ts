// Host → webview, the curves and compare panels: what follows the runs they show. Only new points are sent (a
// CurveBatch per run as its metrics.jsonl grows), a status when a run's changes (with its summary once it has one),
// and notices about damaged files. Declared once here; both panels and the host's RunSet use it.
import type { CurveBatch } from '../common/curves';
import type { RunStatus, RunSummary } from '../common/runRecord';
import { type Guard, anyOf, isArrayOf, isFiniteNumber, isOneOf, isRecord, isString, messageOf, optional } from './guards';

/** Something a view shows above its content: a damaged file, a run without metrics… `runId` ties it to a run. */
export interface Notice {
  severity: 'error' | 'warning' | 'info';
  message: string;
  runId?: string;
}

export type RunStreamMessage =
  /** New points of a run, to append. */
  | { type: 'points'; runId: string; batch: CurveBatch }
  /** The run's status changed (and when it finished, its summary is there). */
  | { type: 'runStatus'; runId: string; status: RunStatus; summary?: RunSummary }
  | { type: 'notice'; notice: Notice };

export const isRunStatus = isOneOf<RunStatus>(['queued', 'running', 'completed', 'failed', 'cancelled']);

export const isNotice: Guard<Notice> = (v): v is Notice =>
  isRecord(v) && isOneOf<Notice['severity']>(['error', 'warning', 'info'])(v.severity) && isString(v.message) && optional(isString)(v.runId);

const isNumbers = isArrayOf(isFiniteNumber);

/** Every series has its four columns, all of one length. */
export const isCurveBatch: Guard<CurveBatch> = (v): v is CurveBatch =>
  isRecord(v) &&
  Object.values(v).every(
    (s) =>
      isRecord(s) &&
      [s.step, s.epoch, s.wallMs, s.value].every(isNumbers) &&
      new Set([s.step, s.epoch, s.wallMs, s.value].map((c) => (c as number[]).length)).size === 1,
  );

/** A summary.json as the views read it: the fields they show (the host read it from disk, so check the shape). */
export const isRunSummary: Guard<RunSummary> = (v): v is RunSummary =>
  isRecord(v) &&
  isString(v.id) &&
  isString(v.name) &&
  isRecord(v.test) &&
  isRecord(v.validation) &&
  isFiniteNumber(v.trainableParams) &&
  isFiniteNumber(v.totalParams);

export const isRunStreamMessage: Guard<RunStreamMessage> = anyOf<RunStreamMessage>(
  messageOf<Extract<RunStreamMessage, { type: 'points' }>>('points', { runId: isString, batch: isCurveBatch }),
  messageOf<Extract<RunStreamMessage, { type: 'runStatus' }>>('runStatus', { runId: isString, status: isRunStatus, summary: optional(isRunSummary) }),
  messageOf<Extract<RunStreamMessage, { type: 'notice' }>>('notice', { notice: isNotice }),
);
