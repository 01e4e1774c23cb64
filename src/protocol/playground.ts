// Playground panel ⇄ host. The host knows the experiment's finished runs (or the decoder) and relays the page's
// requests to the inference worker (src/protocol/inference.ts); only replies to the newest request come back here.
import type { RunPrediction, SamplingSettings } from '../common/playground';
import type { RunType } from '../common/runRecord';
import { type CommonToWebview, type ReadyMessage, isErrorMessage } from './webview';
import { type Guard, anyOf, isArrayOf, isBoolean, isFiniteNumber, isRecord, isString, messageOf, optional } from './guards';
import { isRunPrediction, isSamplingSettings } from './inference';

/** An experiment's finished runs (its config and runs folder), or a decoder (a GPT-2 folder, `builtin:<name>`). */
export type PlaygroundSource = { kind: 'experiment'; configFile: string; runsDir: string } | { kind: 'decoder'; target: string };

export interface PlaygroundRun {
  dir: string;
  name: string;
  type: RunType;
}

/** A causal-lm experiment writes instead of classifying: its base decoder and the adapters with a finished run. */
export interface GenerationOffer {
  base: string;
  adapters: string[];
}

/** What writes a causal-lm experiment's text: its base alone, a finished run (adapter or full), or a setup of its adapters. */
export type GenerationModel = { kind: 'base' } | { kind: 'run'; dir: string } | { kind: 'setup'; setup: string; mergeParameters: boolean };

export type PlaygroundToWebview =
  /** `select`: the run the panel was opened from (a causal-lm experiment's model choice starts on it). */
  | { type: 'source'; source: PlaygroundSource; title: string; runs: PlaygroundRun[]; generation?: GenerationOffer; select?: string }
  | { type: 'prediction'; prediction: RunPrediction }
  | { type: 'token'; text: string }
  | { type: 'done'; tokens?: number; msPerToken?: number }
  | { type: 'failed'; message: string; run?: string }
  | { type: 'setupProblem'; message: string }
  | CommonToWebview;

export type PlaygroundFromWebview =
  ReadyMessage | { type: 'classify'; text: string; drop: number } | { type: 'generate'; prompt: string; sampling: SamplingSettings; model?: GenerationModel };

export interface PlaygroundState {
  source: PlaygroundSource;
  text: string;
  drop: number;
  prompt: string;
  sampling: SamplingSettings;
  /** A causal-lm experiment's choice: `base`, `setup` or a run folder; the setup is kept while another is chosen. */
  generation?: { model: string; setup: string; mergeParameters: boolean };
}

const isSource: Guard<PlaygroundSource> = (v): v is PlaygroundSource =>
  isRecord(v) && ((v.kind === 'experiment' && isString(v.configFile) && isString(v.runsDir)) || (v.kind === 'decoder' && isString(v.target)));

const isRun: Guard<PlaygroundRun> = (v): v is PlaygroundRun => isRecord(v) && isString(v.dir) && isString(v.name) && isString(v.type);

const isOffer: Guard<GenerationOffer> = (v): v is GenerationOffer => isRecord(v) && isString(v.base) && isArrayOf(isString)(v.adapters);

const isModel: Guard<GenerationModel> = (v): v is GenerationModel =>
  isRecord(v) && (v.kind === 'base' || (v.kind === 'run' && isString(v.dir)) || (v.kind === 'setup' && isString(v.setup) && isBoolean(v.mergeParameters)));

const isGenerationState: Guard<PlaygroundState['generation']> = (v): v is PlaygroundState['generation'] =>
  isRecord(v) && isString(v.model) && isString(v.setup) && isBoolean(v.mergeParameters);

export const isPlaygroundState: Guard<PlaygroundState> = (v): v is PlaygroundState =>
  isRecord(v) &&
  isSource(v.source) &&
  isString(v.text) &&
  isFiniteNumber(v.drop) &&
  isString(v.prompt) &&
  isSamplingSettings(v.sampling) &&
  optional(isGenerationState)(v.generation);

/** What the page asks of the host (besides the common messages). */
export type PlaygroundRequest = Exclude<PlaygroundFromWebview, ReadyMessage>;

export const isPlaygroundMessage: Guard<PlaygroundRequest> = anyOf<PlaygroundRequest>(
  messageOf<Extract<PlaygroundFromWebview, { type: 'classify' }>>('classify', { text: isString, drop: isFiniteNumber }),
  messageOf<Extract<PlaygroundFromWebview, { type: 'generate' }>>('generate', { prompt: isString, sampling: isSamplingSettings, model: optional(isModel) }),
);

export const isPlaygroundToWebview: Guard<PlaygroundToWebview> = anyOf<PlaygroundToWebview>(
  messageOf<Extract<PlaygroundToWebview, { type: 'source' }>>('source', {
    source: isSource,
    title: isString,
    runs: isArrayOf(isRun),
    generation: optional(isOffer),
    select: optional(isString),
  }),
  messageOf<Extract<PlaygroundToWebview, { type: 'prediction' }>>('prediction', { prediction: isRunPrediction }),
  messageOf<Extract<PlaygroundToWebview, { type: 'token' }>>('token', { text: isString }),
  messageOf<Extract<PlaygroundToWebview, { type: 'done' }>>('done', { tokens: optional(isFiniteNumber), msPerToken: optional(isFiniteNumber) }),
  messageOf<Extract<PlaygroundToWebview, { type: 'failed' }>>('failed', { message: isString, run: optional(isString) }),
  messageOf<Extract<PlaygroundToWebview, { type: 'setupProblem' }>>('setupProblem', { message: isString }),
  isErrorMessage,
);

export const PLAYGROUND_VIEW_TYPE = 'adapterLab.playground';
