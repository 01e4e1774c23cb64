// Training progress as text (status bar, notification) and the output channel's lines per run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgressEvent } from '../../src/common/events';
import { formatDuration, sessionFraction, statusBarText } from '../../src/extension/progressText';
import { RunLog } from '../../src/extension/runLog';

const event = (step: number, totalSteps = 40, elapsedMs = 500 * step): ProgressEvent => ({
  step,
  totalSteps,
  epoch: 1,
  loss: 0.6931,
  lossPerTask: {},
  learningRate: 0.001,
  gradNorm: 1,
  elapsedMs,
  examplesPerSec: 64,
  tokensPerSec: 1000,
});

test('durations read like a clock', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(14_400), '0:14');
  assert.equal(formatDuration(725_000), '12:05');
  assert.equal(formatDuration(3_723_000), '1:02:03');
});

test('the status bar shows the run, step/total, loss and the time left at the pace so far', () => {
  assert.equal(statusBarText('adapter:mood', event(10), 0), '$(loading~spin) adapter:mood 10/40 · loss 0.693 · ETA 0:15');
  assert.equal(statusBarText('full', event(10), 1), '$(loading~spin) full 10/40 · loss 0.693 · ETA 0:15 (+1)');
});

test('session progress counts finished runs whole and running runs by their steps', () => {
  const steps = new Map([['a', event(20)]]);
  assert.equal(sessionFraction(steps, 1, 4), (1 + 0.5) / 4);
  assert.equal(sessionFraction(new Map(), 4, 4), 1);
});

test('the output channel gets a progress line every tenth of a run, not every step', () => {
  const log = new RunLog();
  const lines = Array.from({ length: 40 }, (_, i) => log.message('full', { type: 'progress', event: event(i + 1) })).filter(Boolean);
  assert.equal(lines.length, 10);
  assert.equal(lines[0], '[full] step 4/40 loss 0.693 64 examples/s');
});

test('evaluations and exits are logged with the run name; a failure says why', () => {
  const log = new RunLog();
  const evalLine = log.message('adapter:mood', {
    type: 'eval',
    event: {
      epoch: 2,
      step: 20,
      split: 'validation',
      metrics: { mood: { accuracy: 0.875, macroF1: 0.8, loss: 0.4, count: 16 } },
      score: 0.875,
      best: true,
      elapsedMs: 100,
    },
  });
  assert.equal(evalLine, '[adapter:mood] epoch 2 validation: mood 87.5% (best so far)');
  assert.equal(log.exit('full', { status: 'failed', reason: 'out of memory' }, '/runs/x'), '[full] failed: out of memory\n[full] folder: /runs/x');
});
