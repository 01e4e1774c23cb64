// Sweep panel ⇄ host. The host reads the sweep's runs folder and sends the whole picture — the report aggregated over
// seeds and a row per planned run — whenever a run of the sweep changes on disk (throttled); the webview draws the
// plots and the table from it and keeps its own UI state (setState). The webview asks the host for another reference
// setting (the report's paired differences are computed in the host) and to open runs in the curves or compare panel.
import type { RunStatus, RunType } from '../common/runRecord';
import type { Frontiers, PairedDifference, RunTaskScores, SettingRow, SettingTaskResult, Stats, SweepReport, SweepRunRow } from '../common/sweep';
import { type CommonToWebview, type ReadyMessage, isErrorMessage } from './webview';
import { type Guard, anyOf, isArrayOf, isBoolean, isFiniteNumber, isOneOf, isRecord, isString, messageOf, optional } from './guards';
import { type Notice, isNotice, isRunStatus } from './runStream';

export const SWEEP_VIEW_TYPE = 'adapterLab.sweep';

/** A planned run with its colour (the same as in the Runs tree) once it has a run folder. */
export interface SweepPanelRun extends SweepRunRow {
  color?: string;
}

export interface SweepMessage {
  type: 'sweep';
  title: string;
  configFile: string;
  /** "8 points (bottleneckSize 2 × 2 seeds)" */
  summary: string;
  report: SweepReport;
  runs: SweepPanelRun[];
  /**
   * The reference choices: each planned run name ("full": its setting with the same swept values), then every planned
   * setting in plan order (the report has only those with a finished run).
   */
  settings: string[];
  /** Short, unique labels of the swept paths ("adapters.mood.bottleneckSize" → "bottleneckSize"). */
  pathLabels: Record<string, string>;
  notices: Notice[];
}

export type SweepToWebview = SweepMessage | CommonToWebview;

export type SweepFromWebview =
  | ReadyMessage
  /** Paired differences against this setting from now on. */
  | { type: 'setReference'; setting: string }
  /** Run the Open Training Curves / Compare Runs commands on these run folders (runs of this sweep). */
  | { type: 'openCurves'; runDirs: string[] }
  | { type: 'compareRuns'; runDirs: string[] };

/** What the plots show on their score axis: a run summary's test accuracy, validation accuracy or test macro-F1. */
export type SweepMetric = 'test' | 'validation' | 'testF1';
/** What the frontier scatter shows on its cost axis (the names of Frontiers). */
export type SweepCost = keyof Frontiers;

/** A parallel-coordinates brush: a range of a numeric axis, or the values of a categorical one. */
export type SweepBrush = { kind: 'range'; min: number; max: number } | { kind: 'values'; values: string[] };

export interface SweepSort {
  column: string;
  descending: boolean;
}

/** The webview's saved state: which sweep (for the serializer), the reference, and how it is looked at. */
export interface SweepState {
  configFile: string;
  reference?: string;
  task?: string;
  metric: SweepMetric;
  cost: SweepCost;
  filter: string; // a regular expression over a run's row
  sort?: SweepSort;
  hiddenColumns: string[];
  differencesOnly: boolean;
  brushes: Record<string, SweepBrush>; // by axis id
  selected: string[]; // run keys
}

export const isSweepMetric = isOneOf<SweepMetric>(['test', 'validation', 'testF1']);
export const isSweepCost = isOneOf<SweepCost>(['params', 'speed', 'storage']);

function isRecordOf<T>(item: Guard<T>): Guard<Record<string, T>> {
  return (v: unknown): v is Record<string, T> => isRecord(v) && Object.values(v).every(item);
}

const isRunDirs = (v: unknown): v is string[] => isArrayOf(isString)(v) && v.length > 0;

export const isSweepMessage: Guard<Exclude<SweepFromWebview, ReadyMessage>> = anyOf<Exclude<SweepFromWebview, ReadyMessage>>(
  messageOf<Extract<SweepFromWebview, { type: 'setReference' }>>('setReference', { setting: isString }),
  messageOf<Extract<SweepFromWebview, { type: 'openCurves' }>>('openCurves', { runDirs: isRunDirs }),
  messageOf<Extract<SweepFromWebview, { type: 'compareRuns' }>>('compareRuns', { runDirs: isRunDirs }),
);

const isBrush: Guard<SweepBrush> = (v): v is SweepBrush =>
  isRecord(v) &&
  ((v.kind === 'range' && isFiniteNumber(v.min) && isFiniteNumber(v.max) && v.min <= v.max && Object.keys(v).length === 3) ||
    (v.kind === 'values' && isArrayOf(isString)(v.values) && Object.keys(v).length === 2));

const isSort = (v: unknown): v is SweepSort => isRecord(v) && isString(v.column) && isBoolean(v.descending);

export const isSweepState: Guard<SweepState> = (v): v is SweepState =>
  isRecord(v) &&
  isString(v.configFile) &&
  optional(isString)(v.reference) &&
  optional(isString)(v.task) &&
  isSweepMetric(v.metric) &&
  isSweepCost(v.cost) &&
  isString(v.filter) &&
  optional(isSort)(v.sort) &&
  isArrayOf(isString)(v.hiddenColumns) &&
  isBoolean(v.differencesOnly) &&
  isRecordOf(isBrush)(v.brushes) &&
  isArrayOf(isString)(v.selected);

const isStats: Guard<Stats> = (v): v is Stats => isRecord(v) && isFiniteNumber(v.mean) && isFiniteNumber(v.sd) && isFiniteNumber(v.n);

const isDifference: Guard<PairedDifference> = (v): v is PairedDifference =>
  isRecord(v) && isString(v.reference) && isFiniteNumber(v.mean) && isFiniteNumber(v.se) && isFiniteNumber(v.n);

const isTaskResult: Guard<SettingTaskResult> = (v): v is SettingTaskResult =>
  isRecord(v) && isStats(v.test) && isStats(v.testF1) && isStats(v.validation) && optional(isDifference)(v.difference);

const isRunType = isOneOf<RunType>(['adapter', 'full', 'head-only', 'composition']);
const isStrings = isArrayOf(isString);

const isSettingRow: Guard<SettingRow> = (v): v is SettingRow =>
  isRecord(v) &&
  isString(v.setting) &&
  isString(v.runName) &&
  isRunType(v.runType) &&
  isRecord(v.values) &&
  isArrayOf(isFiniteNumber)(v.seeds) &&
  isStrings(v.runIds) &&
  isStrings(v.runDirs) &&
  isRecordOf(isTaskResult)(v.tasks) &&
  optional(isStrings)(v.loads) &&
  isFiniteNumber(v.trainableParams) &&
  isFiniteNumber(v.bytesPerAttribute) &&
  isStats(v.msPerStep) &&
  isStats(v.inferenceMsPerExample);

const isFrontiers: Guard<Frontiers> = (v): v is Frontiers => isRecord(v) && isStrings(v.params) && isStrings(v.speed) && isStrings(v.storage);

const isBest = (v: unknown): v is SweepReport['best'][string] => isRecord(v) && isString(v.setting) && isStats(v.validation) && isStats(v.test);

export const isSweepReport: Guard<SweepReport> = (v): v is SweepReport =>
  isRecord(v) &&
  isString(v.experiment) &&
  isString(v.base) &&
  isStrings(v.paths) &&
  isArrayOf(isSettingRow)(v.settings) &&
  optional(isString)(v.reference) &&
  isStrings(v.referenceSettings) &&
  isStrings(v.tasks) &&
  isRecordOf(isBest)(v.best) &&
  isRecordOf(isFrontiers)(v.frontiers) &&
  isRecord(v.progress) &&
  [v.progress.completed, v.progress.total, v.progress.failed].every(isFiniteNumber);

const isRowStatus = (v: unknown): v is RunStatus | 'not started' => v === 'not started' || isRunStatus(v);
const isScores = (v: unknown): v is RunTaskScores => isRecord(v) && isFiniteNumber(v.test) && isFiniteNumber(v.testF1) && isFiniteNumber(v.validation);

export const isSweepPanelRun: Guard<SweepPanelRun> = (v): v is SweepPanelRun =>
  isRecord(v) &&
  isString(v.key) &&
  isString(v.setting) &&
  isString(v.runName) &&
  isFiniteNumber(v.seed) &&
  isRecord(v.values) &&
  isRowStatus(v.status) &&
  [v.id, v.dir, v.color].every(optional(isString)) &&
  isRecordOf(isScores)(v.tasks) &&
  [v.trainableParams, v.msPerStep, v.bytesPerAttribute].every(optional(isFiniteNumber));

/** The webview checks what it gets too: a host of another build could send an older shape. */
export const isSweepToWebview: Guard<SweepToWebview> = anyOf<SweepToWebview>(
  messageOf<SweepMessage>('sweep', {
    title: isString,
    configFile: isString,
    summary: isString,
    report: isSweepReport,
    runs: isArrayOf(isSweepPanelRun),
    settings: isStrings,
    pathLabels: isRecordOf(isString),
    notices: isArrayOf(isNotice),
  }),
  isErrorMessage,
);
