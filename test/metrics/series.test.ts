import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmaSmoother, bestPoint, smoothEma } from '../../src/common/series';

test('EMA smoothing is debiased like TensorBoard: the first value is kept, a constant stays constant', () => {
  assert.deepEqual(
    smoothEma([5, 5, 5], 0.9),
    [5, 5, 5].map(() => 5),
  );
  const [first, second] = smoothEma([1, 3], 0.5);
  assert.equal(first, 1);
  // last = 0.5·(0.5·1) + 0.5·3 = 1.75, debiased by 1 − 0.5² = 0.75
  assert.ok(Math.abs(second - 1.75 / 0.75) < 1e-12);
});

test('weight 0 is no smoothing; smoothing damps noise', () => {
  const noisy = Array.from({ length: 200 }, (_, i) => 1 + (i % 2 ? 0.5 : -0.5));
  assert.deepEqual(smoothEma(noisy, 0), noisy);
  const smooth = smoothEma(noisy, 0.9).slice(50);
  assert.ok(Math.max(...smooth) - Math.min(...smooth) < 0.2, 'the ±0.5 alternation is mostly gone');
});

test('smoothing point by point gives the same values as smoothing the whole series', () => {
  const values = Array.from({ length: 50 }, (_, i) => Math.sin(i) + i / 10);
  const smoother = new EmaSmoother(0.7);
  assert.deepEqual(
    values.map((v) => smoother.push(v)),
    smoothEma(values, 0.7),
  );
});

test('a NaN passes through without poisoning the following values', () => {
  const out = smoothEma([1, Number.NaN, 1], 0.5);
  assert.ok(Number.isNaN(out[1]));
  assert.equal(out[2], 1);
});

test('weights outside [0, 1) are refused', () => {
  assert.throws(() => new EmaSmoother(1), /\[0, 1\)/);
  assert.throws(() => new EmaSmoother(-0.1), /\[0, 1\)/);
});

test('the best point is the min of a loss or the max of an accuracy, first on ties, continuing from a previous best', () => {
  assert.deepEqual(bestPoint([3, 1, 2, 1], 'min'), { index: 1, value: 1 });
  assert.deepEqual(bestPoint([0.5, 0.9, 0.9, Number.NaN], 'max'), { index: 1, value: 0.9 });
  assert.equal(bestPoint([Number.NaN], 'max'), undefined);
  const values = [0.5, 0.7];
  const before = bestPoint(values, 'max');
  values.push(0.6, 0.8);
  assert.deepEqual(bestPoint(values, 'max', 2, before), { index: 3, value: 0.8 });
});
