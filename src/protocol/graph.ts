// Composition graph panel ⇄ host. The host parses the config (on every edit, debounced) and sends the graph model
// or, for an invalid config, its problems; the webview lays the graph out (elkjs) and draws it. Clicks and exports
// come back as requests the host carries out (select the text in the editor, save a file).
import type { GraphModel } from '../common/graphModel';
import { type CommonToWebview, type ReadyMessage } from './webview';
import { type Guard, anyOf, isArrayOf, isOneOf, isRecord, isString, messageOf } from './guards';

export type { GraphEdge, GraphGroup, GraphItem, GraphModel, GraphNode } from '../common/graphModel';

/** A config problem as the view lists it: `line:column message`, the location a link to the text it is about. */
export interface GraphProblem {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export type GraphToWebview =
  | { type: 'graph'; file: string; model: GraphModel }
  /** The config does not validate: show these instead of a stale graph. */
  | { type: 'problems'; file: string; problems: GraphProblem[] }
  | CommonToWebview;

export type ExportFormat = 'svg' | 'png';

/** Select the config text that defines the item with this id (ids come from the last graph sent). */
export interface RevealMessage {
  type: 'reveal';
  id: string;
}

/** Select a problem's text in the config (1-based lines and columns, as the problem list shows them). */
export interface RevealProblemMessage {
  type: 'revealProblem';
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Save the drawing: SVG text, or a PNG as a data: URL. The host asks where. */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  data: string;
}

export type GraphFromWebview = ReadyMessage | RevealMessage | RevealProblemMessage | ExportMessage;
export type GraphRequest = RevealMessage | RevealProblemMessage | ExportMessage;

export const isRevealMessage = messageOf<RevealMessage>('reveal', { id: isString });
const isPosition = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
export const isRevealProblemMessage = messageOf<RevealProblemMessage>('revealProblem', {
  line: isPosition,
  column: isPosition,
  endLine: isPosition,
  endColumn: isPosition,
});
export const isExportMessage: Guard<ExportMessage> = (v): v is ExportMessage => {
  if (!messageOf<ExportMessage>('export', { format: isOneOf<ExportFormat>(['svg', 'png']), data: isString })(v)) return false;
  return v.format === 'svg' ? v.data.trimStart().startsWith('<svg') : v.data.startsWith('data:image/png;base64,');
};
export const isGraphRequest: Guard<GraphRequest> = anyOf<GraphRequest>(isRevealMessage, isRevealProblemMessage, isExportMessage);

const isProblem = (v: unknown): v is GraphProblem =>
  isRecord(v) && isPosition(v.line) && isPosition(v.column) && isPosition(v.endLine) && isPosition(v.endColumn) && isString(v.message);
const isModel = (v: unknown): v is GraphModel =>
  isRecord(v) && isString(v.experiment) && Array.isArray(v.items) && Array.isArray(v.edges) && Array.isArray(v.runs);

/** The webview checks what it gets too: a host of another build could send an older shape. */
export const isGraphToWebview: Guard<GraphToWebview> = (v): v is GraphToWebview => {
  if (!isRecord(v)) return false;
  if (v.type === 'graph') return isString(v.file) && isModel(v.model);
  if (v.type === 'problems') return isString(v.file) && isArrayOf(isProblem)(v.problems);
  return v.type === 'error' && isString(v.message);
};

/**
 * What the webview saves (setState) and the serializer reopens after a reload: the viewport (zoom, unset while it
 * follows the panel's size; scroll), the run shown and the layers collapsed.
 */
export interface GraphState {
  file: string;
  zoom?: number;
  scroll?: { left: number; top: number };
  run?: string;
  collapsed?: string[];
}

const isScroll = (v: unknown): v is GraphState['scroll'] => isRecord(v) && typeof v.left === 'number' && typeof v.top === 'number';
export const isGraphState: Guard<GraphState> = (v): v is GraphState =>
  isRecord(v) &&
  isString(v.file) &&
  (v.zoom === undefined || (typeof v.zoom === 'number' && v.zoom > 0)) &&
  (v.scroll === undefined || isScroll(v.scroll)) &&
  (v.run === undefined || isString(v.run)) &&
  (v.collapsed === undefined || isArrayOf(isString)(v.collapsed));

export const GRAPH_VIEW_TYPE = 'adapterLab.graph';
