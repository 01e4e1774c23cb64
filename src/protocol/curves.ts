// Training curves panel ⇄ host. The host reads the run folders and streams only new points (a CurveBatch per run
// as metrics.jsonl grows); the webview appends them to its charts. Its UI state lives in the webview (setState)
// and comes back to the host through the panel serializer after a reload.
import type { RunStatus, RunSummary } from '../common/runRecord';
import type { RunIdentity } from '../common/runIdentity';
import type { XAxis } from '../common/curves';
import { type CommonToWebview, type ReadyMessage, isErrorMessage } from './webview';
import { type Guard, anyOf, isArrayOf, isBoolean, isFiniteNumber, isOneOf, isRecord, isString, messageOf, optional } from './guards';
import { type Notice, type RunStreamMessage, isNotice, isRunStatus, isRunStreamMessage, isRunSummary } from './runStream';

export interface CurveRun extends RunIdentity {
  dir: string;
  /** the run's colour in this panel (see panelRunStyles in src/common/runColors.ts): its Runs tree icon's unless taken */
  color: string;
  /** 0 solid; k > 0 the k-th reuse of the colour in this panel, drawn with RUN_DASHES[k] */
  pattern: number;
  status: RunStatus;
  /** summary.json, once the run has one: its test result is drawn with its curves */
  summary?: RunSummary;
}

export type CurvesToWebview =
  /** The runs shown (replaces everything shown before: points follow). */
  { type: 'runs'; title: string; runs: CurveRun[]; notices: Notice[] } | RunStreamMessage | CommonToWebview;

export type CurvesFromWebview = ReadyMessage;

/** The webview's saved state: what it shows (for the serializer) and how (smoothing, x axis, log scale). */
export interface CurvesState {
  runDirs: string[];
  smoothing: number; // EMA weight in [0, 1)
  xAxis: XAxis;
  logScale: boolean;
  /** The run selector: runs hidden from every chart (by id) and the filter typed above the list. */
  hiddenRuns?: string[];
  runFilter?: string;
}

export const DEFAULT_SMOOTHING = 0.6;

export const isXAxis = isOneOf<XAxis>(['step', 'epoch', 'wallMs']);

export const isCurvesState: Guard<CurvesState> = (v: unknown): v is CurvesState =>
  isRecord(v) &&
  isArrayOf(isString)(v.runDirs) &&
  isFiniteNumber(v.smoothing) &&
  v.smoothing >= 0 &&
  v.smoothing < 1 &&
  isXAxis(v.xAxis) &&
  isBoolean(v.logScale) &&
  optional(isArrayOf(isString))(v.hiddenRuns) &&
  optional(isString)(v.runFilter);

export const CURVES_VIEW_TYPE = 'adapterLab.curves';

export const isCurveRun: Guard<CurveRun> = (v): v is CurveRun =>
  isRecord(v) &&
  [v.id, v.dir, v.name, v.experiment, v.color, v.createdAt].every(isString) &&
  [v.attempt, v.attempts, v.pattern].every(isFiniteNumber) &&
  isRunStatus(v.status) &&
  optional(isRunSummary)(v.summary);

/** The webview checks what it gets too: a host of another build could send an older shape. */
export const isCurvesToWebview: Guard<CurvesToWebview> = anyOf<CurvesToWebview>(
  messageOf<Extract<CurvesToWebview, { type: 'runs' }>>('runs', { title: isString, runs: isArrayOf(isCurveRun), notices: isArrayOf(isNotice) }),
  isRunStreamMessage,
  isErrorMessage,
);
