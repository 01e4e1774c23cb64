// A runs folder's listing, as listRuns gives it, kept between reads: a run folder is read again only when its
// run.json or summary.json changed (modified time and size), so a view that follows a sweep of hundreds of runs while
// it trains re-reads the few runs that moved, not all of them each time. A queued or running run's status is
// re-checked on every read, since its process may have gone without a word (orphanReason).
import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord, RunSummary } from '../../common/runRecord';
import { METRICS_FILE, RUN_FILE, SUMMARY_FILE, orphanReason, readRunFile, readSummary } from './runStore';

export interface ListedRun {
  dir: string;
  record: RunRecord;
  summary?: RunSummary;
}

export interface RunListing {
  runs: ListedRun[]; // newest first
  problems: string[];
  /** Whether anything differs from the previous listing (always true for the first). */
  changed: boolean;
}

interface CachedFolder {
  stamp: string;
  run?: ListedRun; // as written (the orphan check is applied on each read)
  problem?: string;
}

export class RunListCache {
  private readonly folders = new Map<string, CachedFolder>();
  private lastSignature?: string;

  constructor(readonly runsDir: string) {}

  list(): RunListing {
    const names = this.folderNames();
    const runs: ListedRun[] = [];
    const problems: string[] = [];
    const signature: string[] = [];
    for (const name of names) {
      const dir = path.join(this.runsDir, name);
      const stamp = folderStamp(dir);
      let cached = this.folders.get(dir);
      // A folder without run.json is looked at each time: a run's files there are a problem to report.
      if (!cached || cached.stamp !== stamp || !cached.run) {
        cached = { stamp, ...readFolder(dir) };
        this.folders.set(dir, cached);
      }
      if (cached.problem) problems.push(cached.problem);
      if (!cached.run) continue;
      const reason = orphanReason(cached.run.record);
      const run = reason ? { ...cached.run, record: { ...cached.run.record, status: 'failed' as const, reason } } : cached.run;
      runs.push(run);
      signature.push(`${dir}|${stamp}|${run.record.status}`);
    }
    const present = new Set(names.map((n) => path.join(this.runsDir, n)));
    for (const dir of this.folders.keys()) if (!present.has(dir)) this.folders.delete(dir);
    const joined = [...signature, ...problems].join('\n');
    const changed = joined !== this.lastSignature;
    this.lastSignature = joined;
    return { runs, problems, changed };
  }

  /** The folders in the runs folder, newest first (run ids start with their creation time). */
  private folderNames(): string[] {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.runsDir, { withFileTypes: true });
    } catch {
      return []; // no runs folder yet
    }
    return entries
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && fs.statSync(path.join(this.runsDir, e.name), { throwIfNoEntry: false })?.isDirectory()))
      .map((e) => e.name)
      .sort()
      .reverse();
  }
}

/** What changes when the trainer writes a run: its run.json and summary.json (or their absence). */
function folderStamp(dir: string): string {
  const stamp = (file: string) => {
    const s = fs.statSync(path.join(dir, file), { throwIfNoEntry: false });
    return s ? `${s.mtimeMs}:${s.size}` : '-';
  };
  return `${stamp(RUN_FILE)}/${stamp(SUMMARY_FILE)}`;
}

/** One folder as listRuns reads it: a run, a problem (a run's files without a readable run.json), or neither. */
function readFolder(dir: string): Omit<CachedFolder, 'stamp'> {
  if (!fs.existsSync(path.join(dir, RUN_FILE))) {
    const found = [METRICS_FILE, SUMMARY_FILE].filter((f) => fs.existsSync(path.join(dir, f)));
    return found.length ? { problem: `${dir}: has ${found.join(' and ')} but no ${RUN_FILE}; the run record is missing` } : {};
  }
  try {
    return { run: { dir, record: readRunFile(dir), summary: readSummary(dir) } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { problem: message.includes(dir) ? message : `${dir}: ${message}` };
  }
}
