// Parameters panel ⇄ host: the host counts (from shapes; for a run also what its summary.json measured) and sends
// it all at once; the webview draws the chart and tables and computes the N-attribute projection locally.
import type { ParametersData } from '../common/parameterReport';
import { type CommonToWebview, type ReadyMessage } from './webview';
import { type Guard, isRecord, isString } from './guards';

export type ParametersToWebview = { type: 'parameters'; source: ParametersSource; data: ParametersData } | CommonToWebview;
export type ParametersFromWebview = ReadyMessage;

export type ParametersSource = { kind: 'config'; file: string } | { kind: 'run'; dir: string };

export interface ParametersState {
  source: ParametersSource;
  attributes: number; // N of the projection
  logScale: boolean;
}

const isSource = (v: unknown): v is ParametersSource =>
  isRecord(v) && ((v.kind === 'config' && isString(v.file)) || (v.kind === 'run' && isString(v.dir))) && Object.keys(v).length === 2;

export const isParametersState: Guard<ParametersState> = (v): v is ParametersState =>
  isRecord(v) && isSource(v.source) && typeof v.attributes === 'number' && v.attributes >= 1 && typeof v.logScale === 'boolean';

export const isParametersToWebview: Guard<ParametersToWebview> = (v): v is ParametersToWebview => {
  if (!isRecord(v)) return false;
  if (v.type === 'parameters') return isSource(v.source) && isRecord(v.data) && isString(v.data.title) && Array.isArray(v.data.notes);
  return v.type === 'error' && isString(v.message);
};

export const PARAMETERS_VIEW_TYPE = 'adapterLab.parameters';
