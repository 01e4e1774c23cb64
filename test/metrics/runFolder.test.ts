// Damaged run folders: what a view says instead of showing an empty panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readRunFolder } from '../../src/core/metrics/runFolder';
import { runRecord } from './fixtures';

function runFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-runfolder-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const summaryText = JSON.stringify({
  test: { mood: { accuracy: 0.9, macroF1: 0.8, loss: 0.3, count: 10 } },
  trainableParams: 10,
  totalParams: 100,
  trainablePercent: 10,
  msPerStep: 5,
  inferenceMsPerExample: 1,
});

test('a complete run folder has its record and summary and no problems', () => {
  const folder = readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord()), 'summary.json': summaryText, 'metrics.jsonl': '' }));
  assert.equal(folder.record?.id, 'r1');
  assert.equal(folder.summary?.trainableParams, 10);
  assert.deepEqual(folder.problems, []);
});

test('run.json that is not JSON: no record, and a message that names the file and says what to do', () => {
  const dir = runFolder({ 'run.json': '{"id": "r1", "status": ' });
  const folder = readRunFolder(dir);
  assert.equal(folder.record, undefined);
  assert.equal(folder.problems.length, 1);
  assert.ok(folder.problems[0].startsWith(path.join(dir, 'run.json')), folder.problems[0]);
  assert.match(folder.problems[0], /cannot read the run record.*delete the folder or train again/s);
});

test('a folder without run.json is not a run folder', () => {
  const folder = readRunFolder(runFolder({}));
  assert.match(folder.problems[0], /run\.json does not exist: .* is not a run folder/);
});

test('a completed run without summary.json, or with a damaged one, says so; a failed run without one does not', () => {
  const missing = readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord()), 'metrics.jsonl': '' }));
  assert.equal(missing.record?.status, 'completed');
  assert.match(missing.problems.join('\n'), /summary\.json is missing although the run completed/);
  const damaged = readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord()), 'summary.json': '{"test": ', 'metrics.jsonl': '' }));
  assert.match(damaged.problems.join('\n'), /summary\.json is not valid JSON/);
  const wrongShape = readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord()), 'summary.json': '{"test": {}}', 'metrics.jsonl': '' }));
  assert.match(wrongShape.problems.join('\n'), /summary\.json is not a run summary \(it needs "test", "trainableParams"/);
  const failed = readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord({ status: 'failed' })), 'metrics.jsonl': '' }));
  assert.deepEqual(failed.problems, []);
});

test('a run without metrics.jsonl has no curves, and the message says whether it is still starting', () => {
  assert.match(readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord({ status: 'running' })) })).problems.join('\n'), /has not logged a step yet/);
  assert.match(readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord({ status: 'failed' })) })).problems.join('\n'), /has no curves/);
  assert.deepEqual(readRunFolder(runFolder({ 'run.json': JSON.stringify(runRecord({ status: 'queued' })) })).problems, []);
});
