// The sweep panel's parallel coordinates as data: which axes a sweep gets, where a run sits on each, what a drag
// brushes and which runs the brushes keep; and the colour scale its lines are drawn with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepRunRow } from '../../src/common/sweep';
import { brushBetween, brushExtent, buildAxes, inBrush, passesBrushes, position, valueAt } from '../../webview/sweep/parallelAxes';
import { colorScale, parseColor, withAlpha } from '../../webview/sweep/colorScale';

function run(key: string, over: Partial<SweepRunRow> = {}): SweepRunRow {
  return { key, setting: key, runName: 'adapter:lora', seed: 1, values: {}, status: 'completed', tasks: {}, ...over };
}

const scores = (test: number) => ({ mood: { test, testF1: test - 0.02, validation: test + 0.01 } });
const RUNS = [
  run('a', { values: { 'adapters.lora.r': 2, 'train.adapter.learningRate': 0.001 }, seed: 1, tasks: scores(0.7), trainableParams: 600, msPerStep: 10 }),
  run('b', { values: { 'adapters.lora.r': 16, 'train.adapter.learningRate': 0.03 }, seed: 2, tasks: scores(0.9), trainableParams: 4200, msPerStep: 14 }),
  run('c', { values: { 'adapters.lora.r': 8, 'train.adapter.learningRate': 0.01 }, seed: 1, tasks: scores(0.8), trainableParams: 2000, msPerStep: 12 }),
  run('f', { runName: 'full', seed: 2, tasks: scores(0.85), trainableParams: 120_000, msPerStep: 40 }),
];
const PATHS = ['adapters.lora.r', 'train.adapter.learningRate'];
const LABELS = { 'adapters.lora.r': 'r', 'train.adapter.learningRate': 'learningRate' };

test('axes: the run name and seed when they vary, each swept value, then the measures of the attribute', () => {
  const axes = buildAxes(RUNS, PATHS, LABELS, 'mood');
  assert.deepEqual(
    axes.map((a) => [a.id, a.label, a.kind]),
    [
      ['run', 'run', 'category'],
      ['value:adapters.lora.r', 'r', 'linear'],
      ['value:train.adapter.learningRate', 'learningRate', 'log'], // 0.001 … 0.03: 30× wide
      ['seed', 'seed', 'category'],
      ['metric:test', 'mood test acc', 'linear'],
      ['metric:validation', 'mood val acc', 'linear'],
      ['metric:testF1', 'mood test F1', 'linear'],
      ['trainableParams', 'trainable params', 'log'],
      ['msPerStep', 'train ms/step', 'linear'],
    ],
  );
  const one = buildAxes([RUNS[0]], PATHS, LABELS, 'mood').map((a) => a.id);
  assert.ok(!one.includes('run') && !one.includes('seed'), 'one run name, one seed: no axis for them');
  const methods = buildAxes([run('x', { values: { method: 'lora' } }), run('y', { values: { method: { name: 'houlsby' } } })], ['method'], {}, 'mood');
  assert.deepEqual(methods.find((a) => a.id === 'value:method')!.categories, ['lora', '{"name":"houlsby"}'], 'values that are not numbers are categories');
});

test('positions: linear, log and categories from 0 (bottom) to 1 (top); a run without the value has none', () => {
  const [runAxis, r, rate] = buildAxes(RUNS, PATHS, LABELS, 'mood');
  assert.equal(position(r, 2), 0);
  assert.equal(position(r, 16), 1);
  assert.equal(position(r, 9), 0.5);
  assert.ok(Math.abs(position(rate, Math.sqrt(0.001 * 0.03))! - 0.5) < 1e-9, 'the geometric middle is the middle of a log axis');
  assert.ok(Math.abs(valueAt(rate, 0.5) - Math.sqrt(0.001 * 0.03)) < 1e-12);
  assert.deepEqual(runAxis.categories, ['adapter:lora', 'full']);
  assert.equal(position(runAxis, 'full'), 1);
  assert.equal(r.value(RUNS[3]), undefined, 'full has no LoRA rank');
  assert.equal(position(r, r.value(RUNS[3])), undefined);
  const flat = buildAxes([RUNS[0], { ...RUNS[2], values: RUNS[0].values }], PATHS, LABELS, 'mood')[0];
  assert.equal(position(flat, 2), 0.5, 'an axis with one value puts it in the middle');
});

test('brushes: a drag makes a range (either direction) or picks the categories inside; only runs inside pass', () => {
  const axes = buildAxes(RUNS, PATHS, LABELS, 'mood');
  const [runAxis, r] = axes;
  const test = axes.find((a) => a.id === 'metric:test')!;
  assert.deepEqual(brushBetween(r, 0.75, 0.25), { kind: 'range', min: 5.5, max: 12.5 });
  const high = brushBetween(test, 0.5, 1); // test accuracy 0.8 … 0.9
  assert.deepEqual(
    RUNS.filter((x) => inBrush(test, high, x)).map((x) => x.key),
    ['b', 'c', 'f'],
  );
  assert.deepEqual(brushBetween(runAxis, 0.9, 1.2), { kind: 'values', values: ['full'] });
  assert.deepEqual(brushBetween(runAxis, 0.4, 0.45), { kind: 'values', values: ['adapter:lora'] }, 'a short drag between values takes the nearer');
  assert.deepEqual(brushExtent(runAxis, { kind: 'values', values: ['full'] }), [0.5, 1]);
  assert.deepEqual(brushExtent(r, { kind: 'range', min: 5.5, max: 12.5 }), [0.25, 0.75]);

  const brushes = { 'value:adapters.lora.r': brushBetween(r, 0, 0.5), 'metric:test': high };
  assert.deepEqual(
    RUNS.filter((x) => passesBrushes(x, axes, brushes)).map((x) => x.key),
    ['c'],
    'every brush must keep a run; a run without a value on a brushed axis is out',
  );
  assert.equal(passesBrushes(RUNS[3], axes, { 'value:gone': { kind: 'range', min: 0, max: 1 } }), true, 'a brush on an axis not drawn is ignored');
});

test('ticks: a swept value’s own values; the ends and round values between for a measure (1-2-5 on a log axis)', () => {
  const axes = buildAxes(RUNS, PATHS, LABELS, 'mood');
  assert.deepEqual(axes[1].ticks, [2, 8, 16]);
  assert.deepEqual(axes[2].ticks.map(axes[2].format), ['0.001', '0.01', '0.03']);
  assert.deepEqual(axes.find((a) => a.id === 'trainableParams')!.ticks, [600, 2000, 10000, 50000, 120000]);
  assert.deepEqual(axes.find((a) => a.id === 'msPerStep')!.ticks, [10, 17.5, 25, 32.5, 40]);
});

test('colour scale: theme colours parsed, interpolated between evenly spaced stops, clamped', () => {
  assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff, 1]);
  assert.deepEqual(parseColor('#fff'), [255, 255, 255, 1]);
  assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 0.5]);
  assert.equal(parseColor('tomato'), undefined);
  const scale = colorScale(['#000000', '#ff0000', '#ffffff']);
  assert.equal(scale(0), 'rgb(0, 0, 0)');
  assert.equal(scale(0.25), 'rgb(128, 0, 0)');
  assert.equal(scale(0.75), 'rgb(255, 128, 128)');
  assert.equal(scale(2), 'rgb(255, 255, 255)');
  assert.equal(scale(NaN), 'rgb(0, 0, 0)');
  assert.equal(colorScale(['tomato'])(0.5), 'tomato', 'a colour it cannot read is used as written');
  assert.equal(withAlpha('#2f7fd1', 0.5), 'rgba(47, 127, 209, 0.5)');
});
