// The runs a panel shows, followed on disk: each run folder is read once (record, summary, what is damaged), its
// metrics.jsonl streamed as new points, and its run.json re-checked while it may still change (queued or running),
// so a live run's curves grow and its status flips when it ends. Only what is new is sent.
import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';
import { RUN_FILE } from '../../core/io/runStore';
import type { RunStatus } from '../../common/runRecord';
import { batchSize } from '../../common/curves';
import { type RunFolder, readRunFolder } from '../../core/metrics/runFolder';
import type { MetricsRead } from '../../core/metrics/metricsReader';
import type { Notice, RunStreamMessage } from '../../protocol/runStream';
import { MetricsFileTail } from './metricsFileTail';

/** How often live runs are looked at: new metric lines reach the chart within this. */
const LIVE_POLL_MS = 250;

interface FollowedRun {
  folder: RunFolder & { record: NonNullable<RunFolder['record']> };
  tail: MetricsFileTail;
  runFileMtime: number;
  finished: boolean;
}

const isLive = (status: RunStatus) => status === 'queued' || status === 'running';

export class RunSet implements vscode.Disposable {
  readonly folders: RunFolder[];
  private readonly followed: FollowedRun[];
  private timer?: NodeJS.Timeout;

  constructor(
    dirs: readonly string[],
    private readonly post: (message: RunStreamMessage) => void,
  ) {
    this.folders = dirs.map((dir) => readRunFolder(dir));
    this.followed = this.folders.flatMap((folder) =>
      folder.record
        ? [{ folder: folder as FollowedRun['folder'], tail: new MetricsFileTail(folder.dir), runFileMtime: mtime(folder.dir), finished: false }]
        : [],
    );
  }

  /** Notices for what readRunFolder found: a run without a record is an error, the rest warnings. */
  notices(): Notice[] {
    return this.folders.flatMap((f) =>
      f.problems.map((message) => ({ severity: f.record ? 'warning' : 'error', message, runId: f.record?.id }) satisfies Notice),
    );
  }

  /** Sends every run's points so far, then keeps sending new ones while runs are live. */
  start(): void {
    for (const run of this.followed) this.advance(run);
    this.schedule();
  }

  private schedule(): void {
    if (this.followed.every((r) => r.finished)) return;
    this.timer = setTimeout(() => {
      for (const run of this.followed) if (!run.finished) this.advance(run);
      this.schedule();
    }, LIVE_POLL_MS);
  }

  private advance(run: FollowedRun): void {
    const record = run.folder.record;
    const stamp = mtime(run.folder.dir);
    if (stamp !== run.runFileMtime) {
      run.runFileMtime = stamp;
      const fresh = readRunFolder(run.folder.dir);
      if (fresh.record && fresh.record.status !== record.status) {
        run.folder = fresh as FollowedRun['folder'];
        this.post({ type: 'runStatus', runId: record.id, status: fresh.record.status, summary: fresh.summary });
      }
    }
    const live = isLive(run.folder.record.status);
    this.send(run, live ? run.tail.read() : run.tail.finish());
    if (!live) run.finished = true;
  }

  private send(run: FollowedRun, reads: MetricsRead[]): void {
    const runId = run.folder.record.id;
    for (const read of reads) {
      if (batchSize(read.batch) > 0) this.post({ type: 'points', runId, batch: read.batch });
      for (const message of read.problems) this.post({ type: 'notice', notice: { severity: 'warning', message, runId } });
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

function mtime(dir: string): number {
  try {
    return fs.statSync(path.join(dir, RUN_FILE)).mtimeMs;
  } catch {
    return 0;
  }
}
