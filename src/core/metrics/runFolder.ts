// A run folder as a view needs it: the record, the summary, and what is wrong with them, without throwing — a view
// opened on a damaged folder shows what is damaged and how to fix it instead of an empty panel.
import * as fs from 'fs';
import * as path from 'path';
import { METRICS_FILE, RUN_FILE, SUMMARY_FILE, readRun } from '../io/runStore';
import { type RunRecord, type RunSummary } from '../../common/runRecord';

export interface RunFolder {
  dir: string;
  record?: RunRecord;
  summary?: RunSummary;
  /** What a user should know, each naming the file: damaged files, missing ones that should be there. */
  problems: string[];
}

export function readRunFolder(dir: string): RunFolder {
  const problems: string[] = [];
  if (!fs.existsSync(path.join(dir, RUN_FILE))) {
    return { dir, problems: [`${path.join(dir, RUN_FILE)} does not exist: ${path.basename(dir)} is not a run folder (or it was deleted).`] };
  }
  let record: RunRecord | undefined;
  try {
    record = readRun(dir);
  } catch (e) {
    problems.push(`${e instanceof Error ? e.message : String(e)}. The run record is damaged, so this run cannot be shown; delete the folder or train again.`);
    return { dir, problems };
  }
  const summary = readSummaryChecked(dir, problems);
  if (!summary && record.status === 'completed') {
    problems.push(`${path.join(dir, SUMMARY_FILE)} is missing although the run completed: its test metrics and parameter counts are unknown.`);
  }
  if (!fs.existsSync(path.join(dir, METRICS_FILE)) && record.status !== 'queued') {
    problems.push(`${path.join(dir, METRICS_FILE)} does not exist: the run ${record.status === 'running' ? 'has not logged a step yet' : 'has no curves'}.`);
  }
  return { dir, record, summary, problems };
}

function readSummaryChecked(dir: string, problems: string[]): RunSummary | undefined {
  const file = path.join(dir, SUMMARY_FILE);
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${file} is not valid JSON (${e instanceof Error ? e.message : e}): its metrics are not shown.`);
    return undefined;
  }
  const s = parsed as Partial<RunSummary> | null;
  const numeric = ['trainableParams', 'totalParams', 'trainablePercent', 'msPerStep', 'inferenceMsPerExample'] as const;
  if (!s || typeof s !== 'object' || typeof s.test !== 'object' || s.test === null || numeric.some((k) => typeof s[k] !== 'number')) {
    problems.push(`${file} is not a run summary (it needs "test", ${numeric.map((k) => `"${k}"`).join(', ')}): its metrics are not shown.`);
    return undefined;
  }
  return s as RunSummary;
}
