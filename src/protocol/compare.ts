// Compare runs panel ⇄ host. The host sends the runs (with summaries and flattened configs) and streams their
// curves like the curves panel; the webview builds the tables and asks the host to save or copy an export.
import { type CurveRun, type CurvesState, isCurveRun, isCurvesState } from './curves';
import { type CommonToWebview, type ReadyMessage, isErrorMessage } from './webview';
import { type Guard, anyOf, isArrayOf, isBoolean, isOneOf, isRecord, isString, messageOf, optional } from './guards';
import { type Notice, type RunStreamMessage, isNotice, isRunStreamMessage } from './runStream';

export interface CompareRun extends CurveRun {
  type: string;
  config: Record<string, string>; // runConfigView
}

export type CompareToWebview = { type: 'compare'; title: string; runs: CompareRun[]; notices: Notice[] } | RunStreamMessage | CommonToWebview;

export type ExportFormat = 'csv' | 'markdown';

export type CompareFromWebview =
  | ReadyMessage
  /** Save the table (the text the webview made from what it shows) to a file the user picks. */
  | { type: 'export'; format: ExportFormat; text: string }
  /** Put the table on the clipboard. */
  | { type: 'copy'; format: ExportFormat; text: string };

export const isExportFormat = isOneOf<ExportFormat>(['csv', 'markdown']);
const isExportMessage = messageOf<Extract<CompareFromWebview, { type: 'export' }>>('export', { format: isExportFormat, text: isString });
const isCopyMessage = messageOf<Extract<CompareFromWebview, { type: 'copy' }>>('copy', { format: isExportFormat, text: isString });
export const isCompareMessage: Guard<Exclude<CompareFromWebview, ReadyMessage>> = (v: unknown): v is Exclude<CompareFromWebview, ReadyMessage> =>
  isExportMessage(v) || isCopyMessage(v);

export interface CompareState extends CurvesState {
  differencesOnly: boolean;
  /** The metrics table: the column it is sorted by (its header) and which way, and its row filter. */
  sort?: { column: string; descending: boolean };
  tableFilter?: string;
  /** The scatter's measure: "each" attribute, "all" attributes, or "attribute:<name>". */
  scatterView?: string;
}

const isSort = (v: unknown): v is CompareState['sort'] => isRecord(v) && isString(v.column) && isBoolean(v.descending);

export const isCompareState: Guard<CompareState> = (v: unknown): v is CompareState =>
  isCurvesState(v) &&
  isRecord(v) &&
  isBoolean(v.differencesOnly) &&
  optional(isSort)(v.sort) &&
  optional(isString)(v.tableFilter) &&
  optional(isString)(v.scatterView);

export const COMPARE_VIEW_TYPE = 'adapterLab.compare';

const isConfigView = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every(isString);

export const isCompareRun: Guard<CompareRun> = (v): v is CompareRun => isCurveRun(v) && isRecord(v) && isString(v.type) && isConfigView(v.config);

/** The webview checks what it gets too: a host of another build could send an older shape. */
export const isCompareToWebview: Guard<CompareToWebview> = anyOf<CompareToWebview>(
  messageOf<Extract<CompareToWebview, { type: 'compare' }>>('compare', { title: isString, runs: isArrayOf(isCompareRun), notices: isArrayOf(isNotice) }),
  isRunStreamMessage,
  isErrorMessage,
);
