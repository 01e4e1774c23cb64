// The host side of the curve panels, on real run folders: points are streamed as metrics.jsonl grows (only the new
// ones), the status change is sent when run.json changes, and damaged files become notices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MetricsFileTail } from '../../src/extension/webviews/metricsFileTail';
import { RunSet } from '../../src/extension/webviews/runSet';
import type { RunStreamMessage } from '../../src/protocol/runStream';
import { runRecord } from '../metrics/fixtures';

const line = (step: number) =>
  JSON.stringify({
    kind: 'progress',
    step,
    totalSteps: 10,
    epoch: step / 5,
    loss: 1 / step,
    lossPerTask: { mood: 1 / step },
    learningRate: 0.1,
    gradNorm: 1,
    elapsedMs: step * 10,
    examplesPerSec: 1,
    tokensPerSec: 1,
  }) + '\n';

function runDir(status: 'running' | 'completed', metrics: string, id = 'r1'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-runset-'));
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(runRecord({ id, status })));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), metrics);
  return dir;
}

/** Collects the RunSet's messages; `until` resolves when one matches. */
function collector() {
  const messages: RunStreamMessage[] = [];
  const waiting: { match: (m: RunStreamMessage) => boolean; resolve: () => void }[] = [];
  return {
    messages,
    post: (m: RunStreamMessage) => {
      messages.push(m);
      for (const w of waiting.filter((w) => w.match(m))) w.resolve();
    },
    until: (match: (m: RunStreamMessage) => boolean) =>
      messages.some(match) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ match, resolve })),
  };
}

const steps = (messages: RunStreamMessage[]) => messages.flatMap((m) => (m.type === 'points' ? (m.batch['train/loss']?.step ?? []) : []));

test('a live run: first what is there, then only the appended points, then its status when it ends', async () => {
  const dir = runDir('running', line(1) + line(2));
  const c = collector();
  const runs = new RunSet([dir], c.post);
  runs.start();
  assert.deepEqual(steps(c.messages), [1, 2], 'what was there is sent at once');
  fs.appendFileSync(path.join(dir, 'metrics.jsonl'), line(3) + line(4).slice(0, 20)); // step 4 still being written
  await c.until(() => steps(c.messages).includes(3));
  fs.appendFileSync(path.join(dir, 'metrics.jsonl'), line(4).slice(20));
  await c.until(() => steps(c.messages).includes(4));
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(runRecord({ status: 'completed' })));
  await c.until((m) => m.type === 'runStatus');
  runs.dispose();
  assert.deepEqual(steps(c.messages), [1, 2, 3, 4], 'each point once, in order');
  assert.deepEqual(
    c.messages.filter((m) => m.type === 'runStatus'),
    [{ type: 'runStatus', runId: 'r1', status: 'completed', summary: undefined }],
  );
  assert.equal(c.messages.filter((m) => m.type === 'notice').length, 0);
});

test('a finished run with a truncated metrics.jsonl: its points, and a notice naming the cut-off line', () => {
  const dir = runDir('completed', line(1) + line(2) + line(3).slice(0, 30));
  const c = collector();
  const runs = new RunSet([dir], c.post);
  runs.start();
  runs.dispose();
  assert.deepEqual(steps(c.messages), [1, 2]);
  const notices = c.messages.flatMap((m) => (m.type === 'notice' ? [m.notice] : []));
  assert.equal(notices.length, 1);
  assert.equal(notices[0].runId, 'r1');
  assert.match(notices[0].message, /metrics\.jsonl: line 3 is cut off/);
});

test('a run.json that is not JSON is an error notice; the other runs are still shown', () => {
  const good = runDir('completed', line(1), 'good');
  const bad = runDir('completed', line(1), 'bad');
  fs.writeFileSync(path.join(bad, 'run.json'), '{"id": "bad", ');
  const c = collector();
  const runs = new RunSet([good, bad], c.post);
  assert.deepEqual(
    runs.folders.map((f) => f.record?.id),
    ['good', undefined],
  );
  const [notice, ...others] = runs.notices().filter((n) => n.severity === 'error');
  assert.equal(others.length, 0);
  assert.equal(notice.runId, undefined);
  assert.match(notice.message, /run\.json: cannot read the run record/);
  runs.start();
  runs.dispose();
  assert.deepEqual(
    c.messages.map((m) => m.type === 'points' && m.runId),
    ['good'],
  );
});

test('the file tail reads by byte offset: a UTF-8 character split between reads and a replaced file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-tail-'));
  const file = path.join(dir, 'metrics.jsonl');
  const text =
    JSON.stringify({
      kind: 'eval',
      step: 1,
      epoch: 1,
      split: 'validation',
      metrics: { émotion: { accuracy: 0.5, macroF1: 0.5, loss: 1, count: 2 } },
      score: 0.5,
      best: true,
      elapsedMs: 1,
    }) + '\n';
  const bytes = Buffer.from(text);
  const cut = bytes.indexOf(Buffer.from('é')) + 1; // in the middle of the two bytes of é
  fs.writeFileSync(file, bytes.subarray(0, cut));
  const tail = new MetricsFileTail(dir);
  assert.equal(
    tail.read().reduce((n, r) => n + r.lines, 0),
    0,
  );
  fs.appendFileSync(file, bytes.subarray(cut));
  const [read] = tail.read();
  assert.deepEqual(Object.keys(read.batch), ['validation/accuracy/émotion', 'validation/macroF1/émotion', 'validation/loss/émotion']);
  fs.writeFileSync(file, ''); // emptied and written anew: read from the start again
  assert.deepEqual(tail.read(), []);
  fs.appendFileSync(file, line(7));
  assert.deepEqual(tail.read()[0].batch['train/loss'].step, [7]);
});
