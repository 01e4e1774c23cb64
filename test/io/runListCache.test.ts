// The cached listing of a runs folder gives what listRuns gives, reads a run folder again only when its run.json or
// summary.json changed, and still notices a run whose process is gone without a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunListCache } from '../../src/core/io/runListCache';
import { listRuns, readRunFile, updateRun, writeRun } from '../../src/core/io/runStore';
import { runRecord } from '../metrics/fixtures';

const ROUND_TIME = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds

function runsFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-runlist-'));
  for (const [id, status] of [
    ['2026-01-01T00-00-01-a', 'completed'],
    ['2026-01-01T00-00-02-b', 'completed'],
    ['2026-01-01T00-00-03-c', 'queued'],
  ] as const) {
    fs.mkdirSync(path.join(dir, id));
    writeRun(path.join(dir, id), runRecord({ id, status }));
  }
  fs.mkdirSync(path.join(dir, 'stray'));
  fs.writeFileSync(path.join(dir, 'stray', 'metrics.jsonl'), '');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a run');
  return dir;
}

test('the first listing is listRuns’; an unchanged folder is not read again; a changed run.json is', () => {
  const dir = runsFolder();
  // A whole second: a file's time set back to it is the same to the nanosecond (a fraction would not be).
  fs.utimesSync(path.join(dir, '2026-01-01T00-00-02-b', 'run.json'), ROUND_TIME, ROUND_TIME);
  const cache = new RunListCache(dir);
  const first = cache.list();
  const plain = listRuns(dir);
  assert.equal(first.changed, true);
  assert.deepEqual(
    first.runs.map((r) => [r.dir, r.record.status]),
    plain.runs.map((r) => [r.dir, r.record.status]),
    'newest first, the same records',
  );
  assert.deepEqual(first.problems, plain.problems);
  assert.match(first.problems[0], /stray: has metrics\.jsonl but no run\.json/);

  // Same size and time, other content ("completed" and "cancelled" are as long): a cache that read it again would see it.
  const b = path.join(dir, '2026-01-01T00-00-02-b');
  const file = path.join(b, 'run.json');
  const stat = fs.statSync(file);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"completed"', '"cancelled"'));
  fs.utimesSync(file, ROUND_TIME, ROUND_TIME);
  assert.equal(fs.statSync(file).size, stat.size);
  const again = cache.list();
  assert.equal(again.changed, false, 'nothing changed as far as a stat can tell');
  assert.equal(again.runs[1].record.status, 'completed', 'not read again');

  updateRun(b, { status: 'failed', reason: 'test' });
  const changed = cache.list();
  assert.equal(changed.changed, true);
  assert.equal(changed.runs[1].record.status, 'failed');
  assert.equal(readRunFile(b).reason, 'test');

  fs.rmSync(path.join(dir, '2026-01-01T00-00-01-a'), { recursive: true });
  const removed = cache.list();
  assert.equal(removed.changed, true);
  assert.equal(removed.runs.length, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a queued run whose process is gone shows as failed on the next listing, its run.json untouched', () => {
  const dir = runsFolder();
  const cache = new RunListCache(dir);
  assert.equal(cache.list().runs[0].record.status, 'queued', 'no process named: nothing to check');
  const c = path.join(dir, '2026-01-01T00-00-03-c');
  updateRun(c, { pid: process.pid, host: os.hostname() });
  assert.equal(cache.list().runs[0].record.status, 'queued', 'its process (this one) is alive');
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  updateRun(c, { pid: gone });
  const listing = cache.list();
  assert.equal(listing.runs[0].record.status, 'failed');
  assert.match(listing.runs[0].record.reason ?? '', /ended without finishing it/);
  assert.equal(readRunFile(c).status, 'queued');
  assert.equal(new RunListCache(path.join(dir, 'missing')).list().runs.length, 0, 'no runs folder yet: no runs');
  fs.rmSync(dir, { recursive: true, force: true });
});
