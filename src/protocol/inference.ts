// Messages between a host (the VS Code extension, a test) and the forked inference worker (src/inference/main.ts).
// Every request carries an id; the newest request wins: the worker drops a request superseded while it computes
// (and says `dropped`), and the host shows only replies to the newest id.
import type { RunPrediction, SamplingSettings } from '../common/playground';
import { type Guard, anyOf, isArrayOf, isBoolean, isFiniteNumber, isRecord, isString, messageOf, optional } from './guards';

/**
 * Host → worker. `classify`: the sentence through every run (in order); `generate`: text from a decoder — a folder,
 * `builtin:<name>`, or a causal-lm run with its setup (openDecoder's options: `mergeParameters`, `baseOnly`).
 */
export type ToInference =
  | { type: 'classify'; id: number; runs: string[]; text: string; drop: number }
  | {
      type: 'generate';
      id: number;
      decoder: string;
      prompt: string;
      sampling: SamplingSettings;
      setup?: string;
      mergeParameters?: boolean;
      baseOnly?: boolean;
    };

/** Worker → host. A run that cannot be loaded or computed is a `failed` with its run; a whole request, without. */
export type FromInference =
  | { type: 'ready'; backend: string; pid: number }
  | { type: 'prediction'; id: number; prediction: RunPrediction }
  | { type: 'token'; id: number; text: string }
  | { type: 'done'; id: number; tokens?: number; msPerToken?: number }
  | { type: 'dropped'; id: number }
  | { type: 'failed'; id: number; message: string; run?: string };

const isNumberArray = isArrayOf(isFiniteNumber);
const isStringArray = isArrayOf(isString);

const isSampling: Guard<SamplingSettings> = (v): v is SamplingSettings =>
  isRecord(v) && [v.temperature, v.topK, v.topP, v.maxTokens, v.seed].every(isFiniteNumber);

const isPrediction: Guard<RunPrediction> = (v): v is RunPrediction =>
  isRecord(v) &&
  isString(v.dir) &&
  isString(v.name) &&
  isString(v.type) &&
  [v.msPerExample, v.layers, v.dropped].every(isFiniteNumber) &&
  typeof v.hasAdapters === 'boolean' &&
  Array.isArray(v.tasks) &&
  v.tasks.every((t) => isRecord(t) && isString(t.task) && isStringArray(t.labels) && isNumberArray(t.probabilities) && isString(t.predicted)) &&
  Array.isArray(v.fusions) &&
  v.fusions.every(
    (f) =>
      isRecord(f) &&
      isString(f.fusion) &&
      isStringArray(f.adapters) &&
      Array.isArray(f.sites) &&
      f.sites.every(
        (s) => isRecord(s) && isFiniteNumber(s.layer) && ['attention', 'output', 'heads'].includes(s.position as string) && isNumberArray(s.weights),
      ),
  );

export const isSamplingSettings = isSampling;
export const isRunPrediction = isPrediction;

export const isToInference: Guard<ToInference> = anyOf<ToInference>(
  messageOf<Extract<ToInference, { type: 'classify' }>>('classify', { id: isFiniteNumber, runs: isStringArray, text: isString, drop: isFiniteNumber }),
  messageOf<Extract<ToInference, { type: 'generate' }>>('generate', {
    id: isFiniteNumber,
    decoder: isString,
    prompt: isString,
    sampling: isSampling,
    setup: optional(isString),
    mergeParameters: optional(isBoolean),
    baseOnly: optional(isBoolean),
  }),
);

export const isFromInference: Guard<FromInference> = anyOf<FromInference>(
  messageOf<Extract<FromInference, { type: 'ready' }>>('ready', { backend: isString, pid: isFiniteNumber }),
  messageOf<Extract<FromInference, { type: 'prediction' }>>('prediction', { id: isFiniteNumber, prediction: isPrediction }),
  messageOf<Extract<FromInference, { type: 'token' }>>('token', { id: isFiniteNumber, text: isString }),
  messageOf<Extract<FromInference, { type: 'done' }>>('done', { id: isFiniteNumber, tokens: optional(isFiniteNumber), msPerToken: optional(isFiniteNumber) }),
  messageOf<Extract<FromInference, { type: 'dropped' }>>('dropped', { id: isFiniteNumber }),
  messageOf<Extract<FromInference, { type: 'failed' }>>('failed', { id: isFiniteNumber, message: isString, run: optional(isString) }),
);
