// The paths a run record holds — the config file, its runs folder, a base model or data folder, a pre-training's
// output — are stored relative to the run's own folder, so that a project moved, copied to another machine, or
// opened over Remote-SSH or in a container under another path keeps its runs readable (and no local path of one
// machine travels in the record). Readers get them absolute again, resolved against where the run folder is now.
import * as path from 'path';
import type { RunRecord } from '../../common/runRecord';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each path sits in a record: an object the record holds and the key of the path in it. */
function pathSlots(record: RunRecord): [Json, string][] {
  const slots: [Json, string][] = [[record as unknown as Json, 'configFile']];
  const config = record.config;
  if (!isObject(config)) return slots;
  for (const key of ['file', 'runsDir', 'output']) slots.push([config, key]);
  if (isObject(config.base) && config.base.kind === 'path') slots.push([config.base, 'path']);
  if (isObject(config.data) && config.data.kind === 'file') slots.push([config.data, 'path']);
  // A pre-training's own corpora (the built-in ones are names).
  if (Array.isArray(config.corpora)) for (const c of config.corpora) if (isObject(c)) slots.push([c, 'path']);
  return slots;
}

/** A copy of the record with each path mapped by `f` (only strings; the record itself is left as it was). */
function mapPaths(record: RunRecord, f: (p: string) => string): RunRecord {
  const copy = structuredClone(record);
  for (const [holder, key] of pathSlots(copy)) if (typeof holder[key] === 'string') holder[key] = f(holder[key]);
  return copy;
}

/** The record as written in `runDir`/run.json: absolute paths made relative to the run folder, with '/' between parts. */
export function portableRecord(record: RunRecord, runDir: string): RunRecord {
  return mapPaths(record, (p) => (path.isAbsolute(p) ? path.relative(runDir, p).split(path.sep).join('/') || '.' : p));
}

/** The record as read from `runDir`/run.json: relative paths (and records written before they were) absolute. */
export function resolvedRecord(record: RunRecord, runDir: string): RunRecord {
  return mapPaths(record, (p) => (path.isAbsolute(p) ? p : path.resolve(runDir, p)));
}
