// Training curves panel ⇄ host. The host reads the run folders and streams only new points (a CurveBatch per run
// as metrics.jsonl grows); the webview appends them to its charts. Its UI state lives in the webview (setState)
// and comes back to the host through the panel serializer after a reload.
import type { RunStatus, RunSummary } from '../common/runRecord';
import type { CurveBatch, XAxis } from '../common/curves';
import { type CommonToWebview, type Guard, type ReadyMessage, isArrayOf, isBoolean, isFiniteNumber, isOneOf, isRecord, isString } from './webview';

export interface CurveRun {
  id: string;
  dir: string;
  name: string;
  experiment: string;
  /** the run's colour (see src/core/runColors.ts), the same as its Runs tree icon */
  color: string;
  status: RunStatus;
}

/** Something a view shows above its content: a damaged file, a run without metrics… `runId` ties it to a run. */
export interface Notice {
  severity: 'error' | 'warning' | 'info';
  message: string;
  runId?: string;
}

export type CurvesToWebview =
  /** The runs shown (replaces everything shown before: points follow). */
  | { type: 'runs'; title: string; runs: CurveRun[]; notices: Notice[] }
  /** New points of a run, to append. */
  | { type: 'points'; runId: string; batch: CurveBatch }
  /** The run's status changed (and when it finished, its summary is there). */
  | { type: 'runStatus'; runId: string; status: RunStatus; summary?: RunSummary }
  | { type: 'notice'; notice: Notice }
  | CommonToWebview;

export type CurvesFromWebview = ReadyMessage;

/** The webview's saved state: what it shows (for the serializer) and how (smoothing, x axis, log scale). */
export interface CurvesState {
  runDirs: string[];
  smoothing: number; // EMA weight in [0, 1)
  xAxis: XAxis;
  logScale: boolean;
}

export const DEFAULT_SMOOTHING = 0.6;

export const isXAxis = isOneOf<XAxis>(['step', 'epoch', 'wallMs']);

export const isCurvesState: Guard<CurvesState> = (v: unknown): v is CurvesState =>
  isRecord(v) && isArrayOf(isString)(v.runDirs) && isFiniteNumber(v.smoothing) && v.smoothing >= 0 && v.smoothing < 1 && isXAxis(v.xAxis) && isBoolean(v.logScale);

export const CURVES_VIEW_TYPE = 'adapterLab.curves';
