// Every message that crosses a process or webview boundary is checked on arrival: what a real sender sends passes,
// a message with a misspelt, missing or mistyped field does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCompareToWebview } from '../../src/protocol/compare';
import { isCurvesToWebview } from '../../src/protocol/curves';
import { isRunStreamMessage } from '../../src/protocol/runStream';
import { type FromTrainer, isFromTrainer, isToTrainer } from '../../src/protocol/trainer';

const progress: FromTrainer = {
  type: 'progress',
  event: {
    step: 3,
    totalSteps: 90,
    epoch: 0.1,
    loss: 0.69,
    lossPerTask: { mood: 0.69 },
    learningRate: 1e-3,
    gradNorm: 0.5,
    elapsedMs: 120,
    examplesPerSec: 40,
    tokensPerSec: 900,
  },
};
const evaluation: FromTrainer = {
  type: 'eval',
  event: {
    epoch: 1,
    step: 30,
    split: 'validation',
    metrics: { mood: { accuracy: 0.8, macroF1: 0.79, loss: 0.4, count: 20 } },
    score: 0.8,
    best: true,
    elapsedMs: 900,
  },
};

test('trainer → host: every kind of message a trainer sends passes, broken ones do not', () => {
  const good: FromTrainer[] = [
    { type: 'ready', backend: 'wasm', pid: 12 },
    progress,
    { ...progress, event: { ...progress.event, loss: NaN } }, // a diverging run reports NaN: the host must see it
    evaluation,
    { type: 'checkpoint', epoch: 2, dir: '/runs/x' },
    { type: 'log', message: 'base: lab-base' },
    { type: 'done', status: 'completed', summaryFile: '/runs/x/summary.json' },
    { type: 'done', status: 'failed', reason: 'out of memory' },
    { type: 'error', message: 'boom' },
  ];
  for (const m of good) assert.ok(isFromTrainer(m), JSON.stringify(m));
  const bad: unknown[] = [
    null,
    'done',
    { type: 'done', status: 'finished' },
    { type: 'done', status: 'completed', reasn: 'typo' },
    { type: 'progress', event: { ...progress.event, step: '3' } },
    { type: 'eval', event: { ...evaluation.event, split: 'train' } },
    { type: 'eval', event: { ...evaluation.event, metrics: { mood: { accuracy: 0.8 } } } },
    { type: 'ready', backend: 'wasm' },
    { type: 'shout', message: 'x' },
  ];
  for (const m of bad) assert.equal(isFromTrainer(m), false, JSON.stringify(m));
});

test('host → trainer: start and cancel pass; an unknown backend or a missing field does not', () => {
  assert.ok(isToTrainer({ type: 'start', configFile: 'a.adapterlab.json', runName: 'full', runDir: '/r' }));
  assert.ok(isToTrainer({ type: 'start', configFile: 'a.adapterlab.json', runName: 'full', runDir: '/r', backend: 'wasm' }));
  assert.ok(isToTrainer({ type: 'cancel' }));
  assert.ok(isToTrainer({ type: 'cancel', reason: 'cancelled from the Runs view' }), 'a single run cancelled says who cancelled it');
  assert.equal(isToTrainer({ type: 'cancel', reason: 42 }), false);
  assert.equal(isToTrainer({ type: 'start', configFile: 'a.adapterlab.json', runName: 'full', runDir: '/r', backend: 'gpu' }), false);
  assert.equal(isToTrainer({ type: 'start', configFile: 'a.adapterlab.json', runDir: '/r' }), false);
  assert.equal(isToTrainer({ type: 'cancel', now: true }), false);
});

test('streamed points, statuses and notices are checked once for both panels', () => {
  const points = { type: 'points', runId: 'r1', batch: { 'train/loss': { step: [1, 2], epoch: [0.1, 0.2], wallMs: [5, 9], value: [0.7, 0.6] } } };
  assert.ok(isRunStreamMessage(points));
  assert.ok(isCurvesToWebview(points) && isCompareToWebview(points));
  const ragged = { ...points, batch: { 'train/loss': { step: [1, 2], epoch: [0.1], wallMs: [5, 9], value: [0.7, 0.6] } } };
  assert.equal(isCurvesToWebview(ragged), false);
  assert.equal(isCompareToWebview(ragged), false);
  assert.ok(isCurvesToWebview({ type: 'runStatus', runId: 'r1', status: 'completed' }));
  assert.equal(isCurvesToWebview({ type: 'runStatus', runId: 'r1', status: 'done' }), false);
  assert.equal(isCurvesToWebview({ type: 'runStatus', runId: 'r1', status: 'completed', summary: { id: 'r1' } }), false);
  assert.ok(isCurvesToWebview({ type: 'notice', notice: { severity: 'warning', message: 'line 3 is damaged', runId: 'r1' } }));
  assert.equal(isCurvesToWebview({ type: 'notice', notice: { severity: 'fatal', message: 'x' } }), false);
  assert.ok(isCurvesToWebview({ type: 'error', message: 'cannot read', detail: 'EACCES' }));
});

test("each panel accepts its own opening message and not the other panel's", () => {
  const run = {
    id: 'r1',
    dir: '/runs/r1',
    name: 'full',
    experiment: 'reviews',
    attempt: 2,
    attempts: 2,
    createdAt: '2026-12-05T10:00:00Z',
    color: '#2f7fd1',
    pattern: 0,
    status: 'completed',
  };
  const runs = { type: 'runs', title: 'Curves', runs: [run], notices: [] };
  const compare = {
    type: 'compare',
    title: 'Compare',
    runs: [{ ...run, type: 'full', config: { seed: '42' } }],
    notices: [],
  };
  assert.ok(isCurvesToWebview(runs));
  assert.equal(isCompareToWebview(runs), false);
  assert.ok(isCompareToWebview(compare));
  assert.equal(isCurvesToWebview(compare), false);
  assert.equal(isCompareToWebview({ ...compare, runs: [{ ...compare.runs[0], config: { seed: 42 } }] }), false);
  assert.equal(isCurvesToWebview({ ...runs, runs: [{ ...run, color: undefined }] }), false);
  assert.equal(isCurvesToWebview({ ...runs, runs: [{ ...run, attempt: undefined }] }), false, 'a run without its attempt cannot be named apart');
  assert.equal(isCurvesToWebview({ ...runs, runs: [{ ...run, summary: { id: 'r1' } }] }), false, 'a summary is checked like a streamed one');
});
