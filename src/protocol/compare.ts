// Compare runs panel ⇄ host. The host sends the runs (with summaries and flattened configs) and streams their
// curves like the curves panel; the webview builds the tables and asks the host to save or copy an export.
import type { RunSummary } from '../common/runRecord';
import type { CurveBatch } from '../common/curves';
import type { CurveRun, CurvesState, Notice } from './curves';
import { isCurvesState } from './curves';
import { type CommonToWebview, type Guard, type ReadyMessage, isBoolean, isOneOf, isRecord, isString, messageOf } from './webview';

export interface CompareRun extends CurveRun {
  type: string;
  createdAt: string;
  summary?: RunSummary;
  config: Record<string, string>; // runConfigView
}

export type CompareToWebview =
  | { type: 'compare'; title: string; runs: CompareRun[]; notices: Notice[] }
  | { type: 'points'; runId: string; batch: CurveBatch }
  | { type: 'runStatus'; runId: string; status: CompareRun['status']; summary?: RunSummary }
  | { type: 'notice'; notice: Notice }
  | CommonToWebview;

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
}

export const isCompareState: Guard<CompareState> = (v: unknown): v is CompareState => isCurvesState(v) && isRecord(v) && isBoolean(v.differencesOnly);

export const COMPARE_VIEW_TYPE = 'adapterLab.compare';
