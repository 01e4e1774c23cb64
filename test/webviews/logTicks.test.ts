// The ticks of a logarithmic chart axis: round values whose labels do not overlap, whatever the range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logAxisTicks, logTicks } from '../../webview/shared/logTicks';

/** Every pair of neighbouring labels at least `labelPx` apart on an axis `lengthPx` long. */
function assertReadable(ticks: number[], min: number, max: number, lengthPx: number, labelPx: number): void {
  const px = (v: number) => ((Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * lengthPx;
  for (let i = 1; i < ticks.length; i++)
    assert.ok(
      px(ticks[i]) - px(ticks[i - 1]) >= labelPx - 1e-6,
      `${ticks[i - 1]} and ${ticks[i]} are ${(px(ticks[i]) - px(ticks[i - 1])).toFixed(1)} px apart`,
    );
  for (const t of ticks) assert.ok(t >= min && t <= max, `${t} inside [${min}, ${max}]`);
}

test('a loss between 0.67 and 1.35 (the crowded "0.69 over 0.67" case) gets 0.7, 0.8, 0.9, 1', () => {
  const ticks = logTicks(0.672, 1.35, 170, 22);
  assert.deepEqual(ticks, [0.7, 0.8, 0.9, 1]);
  assertReadable(ticks, 0.672, 1.35, 170, 22);
});

test('a shorter axis falls back to 1-2-5 × 10^k, then to whole decades', () => {
  assert.deepEqual(logTicks(0.01, 1, 170, 22), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  assert.deepEqual(logTicks(0.01, 1, 120, 22), [0.01, 0.1, 1]);
  assert.deepEqual(logTicks(1e2, 1e6, 170, 22), [100, 1000, 10000, 100000, 1000000]);
  const wide = logTicks(1, 1e30, 170, 22);
  assertReadable(wide, 1, 1e30, 170, 22);
  assert.ok(wide.length >= 2 && wide.every((t) => Number.isInteger(Math.log10(t))), `whole decades: ${wide}`);
});

test('a range too narrow for any 1-2-5 value gets a few evenly spaced round values', () => {
  const ticks = logTicks(0.69238, 0.69301, 170, 22);
  assert.deepEqual(ticks, [0.6924, 0.6926, 0.6928, 0.693]);
  const accuracy = logTicks(0.33, 0.37, 170, 22); // macro-F1 stuck near 35%: "39% 37% 35% 33%" stacked before
  assert.ok(accuracy.length >= 2 && accuracy.length <= 6, String(accuracy));
  assertReadable(accuracy, 0.33, 0.37, 170, 22);
});

test('random ranges and sizes: always readable, round and inside the range; two ticks at least when four labels fit', () => {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 2000; i++) {
    const min = 10 ** (random() * 12 - 6);
    const max = min * 10 ** (random() ** 3 * 8 + 1e-3);
    const length = 60 + random() * 500;
    const ticks = logTicks(min, max, length, 22);
    assert.ok(ticks.length >= (length >= 4 * 22 ? 2 : 1), `[${min}, ${max}] in ${length} px: ${ticks}`);
    assertReadable(ticks, min, max, length, 22);
    for (const t of ticks) assert.equal(+t.toPrecision(5), t, `${t} is a round value`);
  }
});

test('no ticks for a range a log axis cannot show', () => {
  assert.deepEqual(logTicks(0, 1, 200, 22), []);
  assert.deepEqual(logTicks(1, 1, 200, 22), []);
  assert.deepEqual(logTicks(2, 1, 200, 22), []);
});

test('the chart.js hook replaces the ticks of a vertical axis by its height, of a horizontal one by its width', () => {
  const vertical = { min: 0.672, max: 1.35, width: 40, height: 170, isHorizontal: () => false, ticks: [0.672, 0.69, 0.7, 1.35].map((value) => ({ value })) };
  logAxisTicks(vertical);
  assert.deepEqual(
    vertical.ticks.map((t) => t.value),
    [0.7, 0.8, 0.9, 1],
  );
  const horizontal = { min: 300, max: 2e6, width: 300, height: 20, isHorizontal: () => true, ticks: [] as { value: number }[] };
  logAxisTicks(horizontal);
  assertReadable(
    horizontal.ticks.map((t) => t.value),
    300,
    2e6,
    300,
    56,
  );
});
