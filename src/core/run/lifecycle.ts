// How every run — an experiment's runs in their trainer processes and `adapter-lab pretrain` alike — is recorded
// from start to end: its run.json is written once with what the run is, then updated as it starts and ends.
// No TensorFlow.js here: the hosts that queue runs (the CLI, the VS Code extension) use it too.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunRecord, RunStatus } from '../../common/runRecord';
import { machineInfo, newRunId, updateRun, writeRun } from '../io/runStore';

export type EndStatus = Extract<RunStatus, 'completed' | 'cancelled' | 'failed'>;

/** A training that stopped: diverged (NaN or infinite loss) is a failure, with its reason. */
export function endStatus(outcome: { status: 'completed' | 'cancelled' | 'diverged' | 'failed' }): EndStatus {
  return outcome.status === 'completed' ? 'completed' : outcome.status === 'cancelled' ? 'cancelled' : 'failed';
}

/** What a new run is: its config snapshot, the machine, and the process answerable for it (this one, for now). */
export interface NewRun {
  runsDir: string;
  experiment: string;
  name: string;
  type: RunRecord['type'];
  tasks: string[];
  configFile: string;
  config: unknown;
  status: Extract<RunStatus, 'queued' | 'running'>;
  backend?: string;
  now?: Date;
  /** Names the folder instead of `name` when several runs of one name are made at once (a sweep's). */
  idName?: string;
  sweep?: RunRecord['sweep'];
}

/** Writes a new run folder's run.json; returns its id and folder. */
export function createRun(run: NewRun): { id: string; dir: string; record: RunRecord } {
  const now = run.now ?? new Date();
  const id = uniqueRunId(run.runsDir, newRunId(run.experiment, run.idName ?? run.name, now));
  const dir = path.join(run.runsDir, id);
  const record: RunRecord = {
    id,
    experiment: run.experiment,
    name: run.name,
    type: run.type,
    tasks: run.tasks,
    status: run.status,
    configFile: run.configFile,
    config: run.config,
    ...(run.backend !== undefined && { backend: run.backend }),
    machine: machineInfo(),
    createdAt: now.toISOString(),
    ...(run.status === 'running' && { startedAt: now.toISOString() }),
    pid: process.pid,
    host: os.hostname(),
    ...(run.sweep && { sweep: run.sweep }),
  };
  writeRun(dir, record);
  return { id, dir, record };
}

/** The id, or the id with -2, -3, … when a folder of that name exists (two runs of one name within a second). */
function uniqueRunId(runsDir: string, id: string): string {
  let candidate = id;
  for (let n = 2; fs.existsSync(path.join(runsDir, candidate)); n++) candidate = `${id}-${n}`;
  return candidate;
}

/** The run is being trained by this process now (a trainer; a resumed pre-training keeps its first start). */
export function markRunning(dir: string, backend: string, startedAt?: Date, threads?: number, kernels?: 'fma' | 'plain'): void {
  updateRun(dir, {
    status: 'running',
    reason: undefined,
    backend,
    ...(threads !== undefined && { threads }),
    ...(kernels !== undefined && { kernels }),
    ...(startedAt && { startedAt: startedAt.toISOString() }),
    pid: process.pid,
    host: os.hostname(),
  });
}

/** The one way a run ends: its final status, why (unless it completed), and when. */
export function finishRun(dir: string, status: EndStatus, reason?: string): void {
  updateRun(dir, { status, reason, finishedAt: new Date().toISOString() });
}
