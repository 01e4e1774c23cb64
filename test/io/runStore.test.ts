// Runs whose process is gone: a queued or running run.json that nobody will finish is shown failed with the reason,
// and a pre-training that another process is still writing is not resumed a second time.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listRuns, machineInfo, orphanReason, readRun, readRunFile, writeRun } from '../../src/core/io/runStore';
import { type RunRecord } from '../../src/common/runRecord';
import { readRunFolder } from '../../src/core/metrics/runFolder';
import { parametersForRun } from '../../src/core/parameters/forConfig';
import { smallPretrainConfig } from '../helpers/pretrain';
import { runCli } from '../helpers/workspace';

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  return child.pid;
}

function record(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 'r',
    experiment: 'e',
    name: 'adapter:a',
    type: 'adapter',
    tasks: ['a'],
    status: 'running',
    configFile: '/x.json',
    config: {},
    machine: machineInfo(),
    createdAt: new Date().toISOString(),
    pid: process.pid,
    host: os.hostname(),
    ...overrides,
  };
}

test('a queued or running run is orphaned only when its process on this machine is gone', () => {
  const dead = deadPid();
  assert.match(orphanReason(record({ pid: dead }))!, new RegExp(`its process \\(pid ${dead}\\) ended without finishing it`));
  assert.match(orphanReason(record({ status: 'queued', pid: dead }))!, /the process that queued it/);
  assert.equal(orphanReason(record({})), undefined, 'this test process is alive');
  assert.equal(orphanReason(record({ pid: dead, host: `not-${os.hostname()}` })), undefined, 'a pid on another machine says nothing');
  assert.equal(orphanReason(record({ pid: dead, host: undefined })), undefined, 'records written before hosts were recorded');
  for (const status of ['completed', 'failed', 'cancelled'] as const) assert.equal(orphanReason(record({ status, pid: dead })), undefined);
});

test('reading, listing and opening runs shows an orphaned run failed with the reason, and leaves run.json as it was', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-'));
  const dead = deadPid();
  writeRun(path.join(runsDir, '2026-01-01T00-00-00-e-killed'), record({ id: 'killed', pid: dead }));
  writeRun(path.join(runsDir, '2026-01-01T00-00-01-e-training'), record({ id: 'training' }));
  const byId = new Map(listRuns(runsDir).runs.map((r) => [r.record.id, r.record]));
  assert.equal(byId.get('killed')!.status, 'failed');
  assert.match(byId.get('killed')!.reason!, /ended without finishing it/);
  assert.equal(byId.get('training')!.status, 'running');
  const opened = readRunFolder(path.join(runsDir, '2026-01-01T00-00-00-e-killed'));
  assert.equal(opened.record!.status, 'failed', 'the curves and compare panels read runs through readRunFolder');
  assert.equal(parametersForRun(path.join(runsDir, '2026-01-01T00-00-00-e-killed')).run!.status, 'failed', 'and so does the parameters panel');
  assert.equal(readRun(path.join(runsDir, '2026-01-01T00-00-00-e-killed')).status, 'failed');
  assert.equal(readRunFile(path.join(runsDir, '2026-01-01T00-00-00-e-killed')).status, 'running', 'only how it is shown changes');
});

test('pretrain does not resume a run that a live process is still writing (exit 2, names the process)', () => {
  const config = smallPretrainConfig('mlm', 10);
  const runDir = path.join(config.runsDir, '2026-01-01T00-00-00-mlm-pretrain');
  writeRun(
    runDir,
    record({ id: 'busy', experiment: config.name, name: 'pretrain', type: 'pretrain', configFile: config.file, startedAt: new Date().toISOString() }),
  );
  fs.mkdirSync(path.join(runDir, 'checkpoint'));
  fs.writeFileSync(path.join(runDir, 'checkpoint', 'state.json'), '{"step": 5}');
  const r = runCli(['pretrain', config.file], path.dirname(config.file));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`is being pre-trained by process ${process.pid} on ${os.hostname()} .*--fresh`));
  assert.equal(readRun(runDir).pid, process.pid, 'the run is left to its process');
});
