import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MinMaxDownsampler } from '../../src/common/downsample';

const series = (n: number) => {
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = xs.map((i) => Math.sin(i / 7) + (i % 97 === 0 ? 5 : 0)); // spikes every 97 points
  return { xs, ys };
};

test('below the bucket limit every point is kept', () => {
  const { xs, ys } = series(100);
  const d = new MinMaxDownsampler(600);
  d.update(xs, ys);
  assert.deepEqual(
    d.points,
    xs.map((x, i) => ({ x, y: ys[i] })),
  );
});

test('20,000 points become at most 2 per bucket, keeping every spike and the extremes', () => {
  const { xs, ys } = series(20_000);
  const d = new MinMaxDownsampler(600);
  d.update(xs, ys);
  assert.ok(d.points.length <= 1200, `${d.points.length} points`);
  assert.equal(d.bucketSize, 64);
  const kept = new Set(d.points.map((p) => p.x));
  for (let i = 0; i < 20_000; i += 97) assert.ok(kept.has(i), `the spike at ${i} is kept`);
  assert.equal(Math.max(...d.points.map((p) => p.y)), Math.max(...ys));
  assert.equal(Math.min(...d.points.map((p) => p.y)), Math.min(...ys));
  for (let i = 1; i < d.points.length; i++) assert.ok(d.points[i].x > d.points[i - 1].x, 'in x order');
});

test('streaming in pieces gives exactly what downsampling all at once gives', () => {
  const { xs, ys } = series(20_000);
  const whole = new MinMaxDownsampler(600);
  whole.update(xs, ys);
  const streamed = new MinMaxDownsampler(600);
  for (let n = 0; n <= 20_000; n += 337) streamed.update(xs, ys, n);
  streamed.update(xs, ys);
  assert.deepEqual(streamed.points, whole.points);
});

test('non-finite values leave a gap instead of a point', () => {
  const d = new MinMaxDownsampler(2);
  d.update([0, 1, 2, 3], [Number.NaN, Number.NaN, 1, 2]);
  assert.deepEqual(d.points, [
    { x: 2, y: 1 },
    { x: 3, y: 2 },
  ]);
});
