// Which runs the Playground shows for an experiment: the newest completed run of each name of that config (sweep
// points and runs of other configs left out), adapters first, then compositions and merges, then the baselines.
import * as path from 'path';
import type { RunRecord } from '../common/runRecord';
import type { PlaygroundRun } from '../protocol/playground';

const ORDER = ['adapter', 'composition', 'full', 'head-only'];

/** `runs`: as listRuns gives them, newest first. */
export function playgroundRuns(runs: readonly { dir: string; record: RunRecord }[], configFile: string): PlaygroundRun[] {
  const latest = new Map<string, PlaygroundRun>();
  for (const { dir, record } of runs) {
    if (record.status !== 'completed' || record.sweep || path.resolve(record.configFile) !== path.resolve(configFile)) continue;
    if (record.type !== 'pretrain' && !latest.has(record.name)) latest.set(record.name, { dir, name: record.name, type: record.type });
  }
  return [...latest.values()].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type) || a.name.localeCompare(b.name));
}
