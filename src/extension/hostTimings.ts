// Figures about the extension host itself (activation time, event-loop lag while training and in the Playground), written as JSON to the
// extension's log folder, where a developer or the end-to-end test can read them.
import { mkdir, writeFile } from 'fs/promises';
import * as path from 'path';
import type { LagStats } from './eventLoopLag';

export interface HostTimingsRecord {
  activationMs?: number;
  /** Per experiment, over its last training session (and any session that overlapped it). */
  trainingEventLoopLag?: Record<string, LagStats>;
  /** Since the first Playground panel of this window opened, updated after each answer. */
  playgroundEventLoopLag?: LagStats;
}

export const HOST_TIMINGS_FILE = 'host-timings.json';

export class HostTimings {
  private record: HostTimingsRecord = {};
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly logDir: string) {}

  recordActivation(ms: number): void {
    this.update({ activationMs: ms });
  }

  recordTrainingLag(experiment: string, lag: LagStats): void {
    this.update({ trainingEventLoopLag: { ...this.record.trainingEventLoopLag, [experiment]: lag } });
  }

  recordPlaygroundLag(lag: LagStats): void {
    this.update({ playgroundEventLoopLag: lag });
  }

  private update(change: HostTimingsRecord): void {
    this.record = { ...this.record, ...change };
    const text = JSON.stringify(this.record, null, 2);
    this.writing = this.writing
      .then(async () => {
        await mkdir(this.logDir, { recursive: true });
        await writeFile(path.join(this.logDir, HOST_TIMINGS_FILE), text);
      })
      .catch(() => undefined); // figures for developers: failing to write them must not disturb the user
  }
}
