// run.json keeps its paths relative to the run folder: a project moved, copied or opened over Remote-SSH / in a
// container under another path still finds its config, base and data; readers see absolute paths as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunRecord } from '../../src/common/runRecord';
import { machineInfo, readRun, writeRun } from '../../src/core/io/runStore';

function project(root: string): { runDir: string; record: RunRecord } {
  const runDir = path.join(root, '.adapterlab', 'runs', 'r1');
  fs.mkdirSync(runDir, { recursive: true });
  const file = path.join(root, 'exp.adapterlab.json');
  fs.writeFileSync(file, '{}');
  const record: RunRecord = {
    id: 'r1',
    experiment: 'exp',
    name: 'full',
    type: 'full',
    tasks: ['t'],
    status: 'completed',
    configFile: file,
    config: {
      name: 'exp',
      file,
      base: { kind: 'path', path: path.join(root, 'models', 'bert-mini') },
      data: { kind: 'file', path: path.join(root, 'data', 'train.jsonl'), format: 'jsonl', textField: 'text' },
      runsDir: path.join(root, '.adapterlab', 'runs'),
      seed: 1,
    },
    machine: machineInfo(),
    createdAt: '2026-12-06T00:00:00.000Z',
  };
  return { runDir, record };
}

test('run.json holds no absolute path; the record reads back absolute and equal', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paths-'));
  const { runDir, record } = project(root);
  writeRun(runDir, record);
  const text = fs.readFileSync(path.join(runDir, 'run.json'), 'utf8');
  assert.ok(!text.includes(root), `run.json names ${root}:\n${text}`);
  const stored = JSON.parse(text) as RunRecord & { config: { base: { path: string } } };
  assert.equal(stored.configFile, '../../../exp.adapterlab.json');
  assert.equal(stored.config.base.path, '../../../models/bert-mini');
  assert.deepEqual(readRun(runDir), record);
  assert.equal((record.config as { file: string }).file, record.configFile, 'the caller’s record is not changed');
});

test('a project moved to another path finds its config from the run record', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paths-'));
  const { runDir, record } = project(path.join(root, 'laptop'));
  writeRun(runDir, record);
  fs.renameSync(path.join(root, 'laptop'), path.join(root, 'remote'));
  const moved = readRun(path.join(root, 'remote', '.adapterlab', 'runs', 'r1'));
  assert.equal(moved.configFile, path.join(root, 'remote', 'exp.adapterlab.json'));
  assert.ok(fs.existsSync(moved.configFile));
  assert.equal((moved.config as { runsDir: string }).runsDir, path.join(root, 'remote', '.adapterlab', 'runs'));
});

test('a record written with absolute paths (before this change) reads as it was', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paths-'));
  const { runDir, record } = project(root);
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(record));
  assert.deepEqual(readRun(runDir), record);
});
