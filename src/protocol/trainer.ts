// Messages between a host (CLI or VS Code extension) and a forked trainer process. Both ends import this file.
import type { BackendName } from '../common/runRecord';
import type { EvalEvent, ProgressEvent, TaskMetrics } from '../common/events';
import { type Guard, anyOf, isBoolean, isOneOf, isRecord, isString, messageOf, optional } from './guards';

/**
 * Host → trainer. `cancel` stops the run after its current step; its reason (who cancelled it) goes into run.json.
 * `threads`: runs beside it have ended, so the run may use that many kernel threads from its next kernel call (sent
 * only to a run whose threads are its share of the cores; a thread count never changes a result).
 */
export type ToTrainer =
  | { type: 'start'; configFile: string; runName: string; runDir: string; backend?: BackendName; threads?: number }
  | { type: 'cancel'; reason?: string }
  | { type: 'threads'; threads: number };

/** Trainer → host. */
export type FromTrainer =
  | { type: 'ready'; backend: string; pid: number }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'eval'; event: EvalEvent }
  | { type: 'checkpoint'; epoch: number; dir: string }
  | { type: 'log'; message: string }
  | { type: 'done'; status: 'completed' | 'cancelled' | 'failed'; reason?: string; summaryFile?: string }
  | { type: 'error'; message: string };

// ---- guards: each end checks what arrives (the other end may be another build, or broken) --------------------

const isTaskMetrics = (v: unknown): v is TaskMetrics => isRecord(v) && [v.accuracy, v.macroF1, v.loss, v.count].every(isNumber);
const isNumberRecord = (v: unknown): v is Record<string, number> => isRecord(v) && Object.values(v).every(isNumber);
// NaN is a value a diverging run reports (the host says why it stopped), so numbers here need not be finite.
const isNumber = (v: unknown): v is number => typeof v === 'number';

const isProgressEvent = (v: unknown): v is ProgressEvent =>
  isRecord(v) &&
  [v.step, v.totalSteps, v.epoch, v.loss, v.learningRate, v.gradNorm, v.elapsedMs, v.examplesPerSec, v.tokensPerSec].every(isNumber) &&
  isNumberRecord(v.lossPerTask);

const isEvalEvent = (v: unknown): v is EvalEvent =>
  isRecord(v) &&
  [v.epoch, v.step, v.score, v.elapsedMs].every(isNumber) &&
  isOneOf<EvalEvent['split']>(['validation', 'test'])(v.split) &&
  isRecord(v.metrics) &&
  Object.values(v.metrics).every(isTaskMetrics) &&
  isBoolean(v.best);

const isThreadCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isBackend = isOneOf<BackendName>(['auto', 'tensorflow', 'wasm', 'cpu']);
const isDoneStatus = isOneOf<'completed' | 'cancelled' | 'failed'>(['completed', 'cancelled', 'failed']);

export const isToTrainer: Guard<ToTrainer> = anyOf<ToTrainer>(
  messageOf<Extract<ToTrainer, { type: 'start' }>>('start', {
    configFile: isString,
    runName: isString,
    runDir: isString,
    backend: optional(isBackend),
    threads: optional(isThreadCount),
  }),
  messageOf<Extract<ToTrainer, { type: 'cancel' }>>('cancel', { reason: optional(isString) }),
  messageOf<Extract<ToTrainer, { type: 'threads' }>>('threads', { threads: isThreadCount }),
);

export const isFromTrainer: Guard<FromTrainer> = anyOf<FromTrainer>(
  messageOf<Extract<FromTrainer, { type: 'ready' }>>('ready', { backend: isString, pid: isNumber }),
  messageOf<Extract<FromTrainer, { type: 'progress' }>>('progress', { event: isProgressEvent }),
  messageOf<Extract<FromTrainer, { type: 'eval' }>>('eval', { event: isEvalEvent }),
  messageOf<Extract<FromTrainer, { type: 'checkpoint' }>>('checkpoint', { epoch: isNumber, dir: isString }),
  messageOf<Extract<FromTrainer, { type: 'log' }>>('log', { message: isString }),
  messageOf<Extract<FromTrainer, { type: 'done' }>>('done', { status: isDoneStatus, reason: optional(isString), summaryFile: optional(isString) }),
  messageOf<Extract<FromTrainer, { type: 'error' }>>('error', { message: isString }),
);
