import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricLine } from '../../src/common/runRecord';
import { CHARTS, type CurveBatch, addMetricLine, batchSize, checkMetricLine, parseSeriesKey } from '../../src/common/curves';
import { JsonlTail } from '../../src/core/metrics/jsonlTail';
import { MetricsReader } from '../../src/core/metrics/metricsReader';

const progress = (step: number, lossPerTask: Record<string, number>): MetricLine => ({
  kind: 'progress',
  step,
  totalSteps: 100,
  epoch: step / 10,
  loss: Object.values(lossPerTask).reduce((a, b) => a + b, 0),
  lossPerTask,
  learningRate: 0.01,
  gradNorm: 1,
  elapsedMs: step * 100,
  examplesPerSec: 10,
  tokensPerSec: 100,
});
const evalLine = (step: number, split: 'validation' | 'test', accuracy: number): MetricLine => ({
  kind: 'eval',
  epoch: 1,
  step,
  split,
  metrics: { mood: { accuracy, macroF1: accuracy - 0.1, loss: 1 - accuracy, count: 10 } },
  score: accuracy,
  best: true,
  elapsedMs: step * 100,
});

test('progress lines give the total loss and, with several attributes, the loss of each', () => {
  const batch: CurveBatch = {};
  addMetricLine(batch, progress(1, { mood: 0.7, topic: 0.5 }));
  addMetricLine(batch, progress(2, { mood: 0.6, topic: 0.4 }));
  assert.deepEqual(batch['train/loss'].value, [1.2, 1.0]);
  assert.deepEqual(batch['train/loss/mood'].value, [0.7, 0.6]);
  assert.deepEqual(batch['train/loss/topic'].step, [1, 2]);
  assert.deepEqual(batch['train/loss'].wallMs, [100, 200]);
  const single: CurveBatch = {};
  addMetricLine(single, progress(1, { mood: 0.7 }));
  assert.deepEqual(Object.keys(single), ['train/loss'], 'one attribute: its loss is the total');
});

test('validation evals give accuracy, macro-F1 and loss per attribute; test evals are not curves', () => {
  const batch: CurveBatch = {};
  addMetricLine(batch, evalLine(10, 'validation', 0.8));
  addMetricLine(batch, evalLine(20, 'test', 0.9));
  assert.deepEqual(Object.keys(batch).sort(), ['validation/accuracy/mood', 'validation/loss/mood', 'validation/macroF1/mood']);
  assert.deepEqual(batch['validation/accuracy/mood'].value, [0.8]);
  assert.equal(batchSize(batch), 3);
  assert.deepEqual(parseSeriesKey('validation/macroF1/mood')?.task, 'mood');
  assert.equal(parseSeriesKey('train/loss')?.task, undefined);
  assert.equal(parseSeriesKey('nonsense/x'), undefined);
});

test('metric lines are checked: a missing number or an unknown kind says what is wrong', () => {
  assert.equal(typeof checkMetricLine(progress(1, { mood: 1 })), 'object');
  assert.match(checkMetricLine({ ...progress(1, { mood: 1 }), loss: null }) as string, /numeric "loss"/);
  assert.match(
    checkMetricLine({ kind: 'eval', step: 1, epoch: 1, elapsedMs: 1, split: 'validation', metrics: { mood: { accuracy: 1 } } }) as string,
    /incomplete metrics for "mood"/,
  );
  assert.match(checkMetricLine({ kind: 'other' }) as string, /unknown kind "other"/);
  assert.match(checkMetricLine([1]) as string, /not an object/);
});

test('the JSON-lines tail parses complete lines only and keeps a partial line for the next piece', () => {
  const tail = new JsonlTail();
  const a = tail.push('{"a":1}\n{"b":');
  assert.deepEqual(a.values, [{ line: 1, value: { a: 1 } }]);
  const b = tail.push('2}\n');
  assert.deepEqual(b.values, [{ line: 2, value: { b: 2 } }]);
  assert.deepEqual(tail.finish(), { values: [], problems: [] });
});

test('a bad line in the middle is reported by number and skipped; a cut-off last line is reported when the run stopped', () => {
  const tail = new JsonlTail();
  const read = tail.push('{"a":1}\nnot json\n{"c":3}\n{"d":');
  assert.deepEqual(
    read.values.map((v) => v.line),
    [1, 3],
  );
  assert.equal(read.problems.length, 1);
  assert.match(read.problems[0].message, /^line 2 is not valid JSON: not json$/);
  const end = tail.finish();
  assert.equal(end.values.length, 0);
  assert.match(end.problems[0].message, /^line 4 is cut off/);
});

test('a last line that is complete JSON without its newline is read at the end', () => {
  const tail = new JsonlTail();
  tail.push('{"a":1}\n{"b":2}');
  assert.deepEqual(tail.finish().values, [{ line: 2, value: { b: 2 } }]);
});

test('the metrics reader turns pieces of metrics.jsonl into points and names the file and line of each problem', () => {
  const text = [progress(1, { mood: 0.5 }), evalLine(1, 'validation', 0.75), { kind: 'progress', step: 'x' }].map((l) => JSON.stringify(l)).join('\n') + '\n';
  const reader = new MetricsReader('/runs/r/metrics.jsonl');
  const half = Math.floor(text.length / 2);
  const first = reader.push(text.slice(0, half));
  const second = reader.push(text.slice(half));
  assert.equal(first.lines + second.lines, 2);
  assert.deepEqual([...(first.batch['train/loss']?.value ?? []), ...(second.batch['train/loss']?.value ?? [])], [0.5]);
  assert.deepEqual(second.batch['validation/accuracy/mood'].value, [0.75]);
  assert.deepEqual(second.problems, ['/runs/r/metrics.jsonl: line 3: progress line without a numeric "step"']);
});

test('smoothing is for the training loss only: a validation series (a point per evaluation) is drawn as measured, with its test result', () => {
  assert.deepEqual(
    CHARTS.filter((c) => c.smoothed).map((c) => c.id),
    ['train/loss'],
  );
  assert.deepEqual(
    CHARTS.map((c) => c.testMetric),
    [undefined, 'accuracy', 'macroF1', 'loss'],
  );
});
