// The run store: one folder per run under the experiment's runs folder.
//   run.json       status and what the run was (config snapshot, backend, machine, timings) — rewritten atomically
//   metrics.jsonl  one JSON object per line, appended as training goes (survives a crash up to the last line)
//   summary.json   final metrics, parameter counts, sizes and speeds — written once at the end
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MetricLine, RunRecord, RunSummary } from '../../common/runRecord';
import { appendLine, writeJsonAtomic } from './atomic';
import { portableRecord, resolvedRecord } from './recordPaths';

export function machineInfo(): RunRecord['machine'] {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

const MAX_SLUG = 120;

/** A sortable, readable, unique id: 2026-11-27T01-23-45-reviews-adapter-sentiment. */
export function newRunId(experiment: string, runName: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  const slug = `${experiment}-${runName}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  // A folder name must fit the file system's 255 bytes: a long slug is cut, with a hash that keeps ids apart.
  if (slug.length <= MAX_SLUG) return `${stamp}-${slug}`;
  const hash = createHash('sha256').update(`${experiment}\u0000${runName}`).digest('hex').slice(0, 8);
  return `${stamp}-${slug.slice(0, MAX_SLUG - 9).replace(/-$/, '')}-${hash}`;
}

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const SUMMARY_FILE = 'summary.json';

export function writeRun(dir: string, record: RunRecord): void {
  writeJsonAtomic(path.join(dir, RUN_FILE), portableRecord(record, dir));
}

export function updateRun(dir: string, change: Partial<RunRecord>): RunRecord {
  const next = { ...readRunFile(dir), ...change };
  writeRun(dir, next);
  return next;
}

/** The run as readers show it: a queued or running run whose process is gone is failed, with the reason (orphanReason). */
export function readRun(dir: string): RunRecord {
  return withOrphanStatus(readRunFile(dir));
}

/** run.json as written, for the writers that decide how a run ended (updateRun, the trainer host). */
export function readRunFile(dir: string): RunRecord {
  const file = path.join(dir, RUN_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the run record: ${e instanceof Error ? e.message : e}`);
  }
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as RunRecord).id !== 'string' || typeof (parsed as RunRecord).status !== 'string') {
    throw new Error(`${file}: not a run record (needs "id" and "status")`);
  }
  return resolvedRecord(parsed as RunRecord, dir);
}

export function appendMetric(dir: string, line: MetricLine): void {
  appendLine(path.join(dir, METRICS_FILE), JSON.stringify(line));
}

/** Metric lines of a run; a torn last line (crash mid-write) is skipped, a bad line elsewhere is an error. */
export function readMetrics(dir: string): MetricLine[] {
  const file = path.join(dir, METRICS_FILE);
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: MetricLine[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as MetricLine);
    } catch {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim())) throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
  });
  return out;
}

export function writeSummary(dir: string, summary: RunSummary): void {
  writeJsonAtomic(path.join(dir, SUMMARY_FILE), summary);
}

export function readSummary(dir: string): RunSummary | undefined {
  const file = path.join(dir, SUMMARY_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary) : undefined;
}

/**
 * Why a run that says it is queued or running never will finish: the process answerable for it (on this machine)
 * is gone — killed with its terminal, or the machine restarted — so nobody will write its end. Undefined otherwise.
 */
export function orphanReason(record: RunRecord, alive: (pid: number) => boolean = processAlive): string | undefined {
  if ((record.status !== 'queued' && record.status !== 'running') || record.pid === undefined || record.host !== os.hostname()) return undefined;
  if (alive(record.pid)) return undefined;
  const who = record.status === 'running' ? 'its process' : 'the process that queued it';
  return `${who} (pid ${record.pid}) ended without finishing it (killed, or the machine restarted); what it wrote is kept`;
}

function withOrphanStatus(record: RunRecord): RunRecord {
  const reason = orphanReason(record);
  return reason ? { ...record, status: 'failed', reason } : record;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Run folders under a runs folder, newest first. A folder with a run's files but no readable run.json is reported,
 * not hidden; a folder with none of them is not a run and is left out.
 */
export function listRuns(runsDir: string): { runs: { dir: string; record: RunRecord; summary?: RunSummary }[]; problems: string[] } {
  if (!fs.existsSync(runsDir)) return { runs: [], problems: [] };
  const runs: { dir: string; record: RunRecord; summary?: RunSummary }[] = [];
  const problems: string[] = [];
  for (const name of fs.readdirSync(runsDir).sort().reverse()) {
    const dir = path.join(runsDir, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    if (!fs.existsSync(path.join(dir, RUN_FILE))) {
      const found = [METRICS_FILE, SUMMARY_FILE].filter((f) => fs.existsSync(path.join(dir, f)));
      if (found.length) problems.push(`${dir}: has ${found.join(' and ')} but no ${RUN_FILE}; the run record is missing`);
      continue;
    }
    try {
      runs.push({ dir, record: readRun(dir), summary: readSummary(dir) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      problems.push(message.includes(dir) ? message : `${dir}: ${message}`);
    }
  }
  return { runs, problems };
}

/** Total size of the files under a folder. */
export function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}
