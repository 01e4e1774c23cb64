// Training progress as text (status bar, notification, tree), the whole training's time left, and the output
// channel's lines per run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { ProgressEvent } from '../../src/common/events';
import { formatDuration, notificationText, runProgressText, statusBarText } from '../../src/extension/progressText';
import { RunLog } from '../../src/extension/runLog';
import { TrainingEstimate } from '../../src/extension/trainingEta';
import type { RecordedSession } from './fixtures/trainingSession';

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

test("the status bar and the notification show the whole training's time left first, then the run that reported last", () => {
  assert.equal(statusBarText('adapter:mood', event(10), 0, 65_000), '$(loading~spin) ETA 1:05 · adapter:mood 10/40 · loss 0.693');
  assert.equal(statusBarText('full', event(10), 1, undefined), '$(loading~spin) estimating time left · full 10/40 · loss 0.693 (+1)');
  assert.equal(notificationText(1, 4, 65_000, { label: 'full', event: event(10) }), '1/4 runs done · ETA 1:05 · full 10/40 · loss 0.693');
  assert.equal(notificationText(0, 1, undefined), '0/1 run done · estimating time left');
});

test("a running run's row leads with its percent and time left, so a narrow sidebar still shows them", () => {
  assert.equal(runProgressText({ event: event(12), etaMs: 14_000 }), '30% · ETA 0:14 · 12/40 · loss 0.693');
});

/** Replays a recorded training (the README's example, two runs at a time) into an estimate: each estimate with its time. */
function replay(session: RecordedSession): { at: number; etaMs: number | undefined; trueMs: number; fraction: number }[] {
  const end = session.events[session.events.length - 1].at;
  const estimate = new TrainingEstimate(session.runs, session.parallel);
  return session.events.map((e) => {
    if (e.kind === 'start') estimate.started(e.run, e.at);
    else if (e.kind === 'exit') estimate.finished(e.run, e.at);
    else estimate.progressed(e.run, e.step, e.totalSteps, e.at);
    const etaMs = estimate.etaMs(e.at);
    return { at: e.at, etaMs, trueMs: end - e.at, fraction: estimate.fraction(e.at, etaMs) };
  });
}

const recorded: RecordedSession = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'training-session.json'), 'utf8'));

test('the time left of a real training is known within seconds and stays near the truth for all of its runs', () => {
  const estimates = replay(recorded);
  const total = estimates[estimates.length - 1].at;
  const firstKnown = estimates.find((e) => e.etaMs !== undefined)!;
  assert.ok(firstKnown.at < 0.05 * total, `known after ${firstKnown.at} ms of ${total}`);
  for (const e of estimates.filter((x) => x.at >= firstKnown.at)) {
    assert.ok(e.etaMs !== undefined, `known from then on (at ${e.at} ms)`);
    assert.ok(Math.abs(e.etaMs - e.trueMs) <= 0.3 * total, `at ${e.at} ms: estimated ${e.etaMs} ms left, really ${e.trueMs}`);
  }
  // The moment the issue saw: the first run reports its last step while three runs (two of them queued) are still to go.
  const lastStepOfFirst = recorded.events.findIndex((e) => e.kind === 'progress' && e.step === e.totalSteps);
  assert.ok(estimates[lastStepOfFirst].etaMs! > 0.5 * estimates[lastStepOfFirst].trueMs, 'the queued runs count');
  assert.equal(estimates[estimates.length - 1].fraction, 1);
});

test('the time left does not jump: between two reports it moves by the time passed, give or take a few seconds', () => {
  const known = replay(recorded).filter((e) => e.etaMs !== undefined);
  for (let i = 1; i < known.length; i++) {
    const [before, now] = [known[i - 1], known[i]];
    const expected = before.etaMs! - (now.at - before.at);
    assert.ok(Math.abs(now.etaMs! - expected) <= 10_000, `at ${now.at} ms: ${before.etaMs} ms → ${now.etaMs} ms`);
    assert.ok(now.fraction >= 0 && now.fraction <= 1);
  }
});

test('a queued run cancelled before it started takes no time, and is not a run that took none', () => {
  /** a took 10 s; b has just started; c waits, or was cancelled in the queue. */
  const timeLeft = (cancelC: boolean) => {
    const estimate = new TrainingEstimate(['a', 'b', 'c'], 1);
    estimate.started('a', 0);
    estimate.finished('a', 10_000);
    estimate.started('b', 10_000);
    if (cancelC) estimate.finished('c', 10_000);
    return estimate.etaMs(10_000);
  };
  assert.equal(timeLeft(false), 20_000, 'b, then c, each as long as a took');
  assert.equal(timeLeft(true), 10_000, 'b alone');
});

test("once a run's pace is settled the training's time left is never less than that run still needs", () => {
  const estimate = new TrainingEstimate(['a', 'b'], 2);
  estimate.started('a', 0);
  estimate.started('b', 0);
  estimate.progressed('a', 10, 100, 1000);
  estimate.progressed('a', 20, 100, 2000);
  assert.ok(estimate.etaMs(2000)! < 20_000, 'b still loading: as long as a, as far as is known');
  // b turns out long: 1000 steps at 100 ms. Smoothing alone would take seconds to get there; its row shows it now.
  for (let step = 1; step <= 8; step++) {
    estimate.progressed('b', step, 1000, 2000 + 100 * (step - 1));
    estimate.etaMs(2000 + 100 * (step - 1));
  }
  assert.ok(estimate.etaMs(2700)! >= estimate.runEtaMs('b', 2700)!);
  assert.equal(Math.round(estimate.runEtaMs('b', 2700)!), 99_200);
});

test('queued runs wait for a free process: each takes as long as the finished runs took', () => {
  const estimate = new TrainingEstimate(['a', 'b', 'c', 'd'], 2);
  estimate.started('a', 0);
  estimate.started('b', 0);
  assert.equal(estimate.etaMs(1000), undefined, 'no pace yet');
  // a: 100 steps at 100 ms; b: 50 steps at 100 ms.
  estimate.progressed('a', 10, 100, 1000);
  estimate.progressed('a', 20, 100, 2000);
  estimate.progressed('b', 10, 50, 1000);
  estimate.progressed('b', 20, 50, 2000);
  // Finish times: a at 10 s, b at 5 s; c and d as long as the runs so far are expected to take (7.5 s on average): c
  // on b's process at 5 s → 12.5 s, d on a's at 10 s → 17.5 s.
  assert.equal(new TrainingEstimate(['a', 'b', 'c', 'd'], 2).etaMs(0), undefined);
  assert.equal(Math.round(estimate.etaMs(2000)!), 15_500);
  assert.equal(estimate.runEtaMs('a', 2000), 8000, "a run's own time left, as its row shows it");
  assert.equal(estimate.runEtaMs('c', 2000), undefined);
  estimate.finished('b', 5000);
  estimate.started('c', 5000);
  // Now the finished run's length (5 s) is the measure: a ends at 10 s, c at 10 s, d after one of them at 15 s. The
  // shown estimate (it said 17.5 s) moves towards that over seconds instead of jumping.
  const shown = [5000, 6000, 8000, 9900].map((at) => at + estimate.etaMs(at)!);
  assert.ok(shown[0] < 17_500 && shown[0] > 16_000, `${shown[0]}`);
  assert.ok(shown.every((finish, i) => i === 0 || (finish < shown[i - 1] && finish > 15_000)));
  assert.ok(shown[3] < 16_000, `${shown[3]}`);
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
