import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type TradeOffRun, attributesOf, tradeOffPoints } from '../../src/common/tradeOff';

const m = (accuracy: number) => ({ accuracy, macroF1: accuracy, loss: 0.3, count: 100 });

// The numbers: full fine-tuning beats the sentiment adapter on sentiment (84.7 vs 84.2) although its mean over
// attributes (83.2) is lower. Like with like, it must sit above the adapter on the sentiment measure.
const runs: TradeOffRun[] = [
  {
    id: 's',
    label: 'adapter:sentiment',
    experiment: 'reviews',
    type: 'adapter',
    status: 'completed',
    createdAt: '1',
    color: '#1',
    summary: { test: { sentiment: m(0.842) }, trainableParams: 30_000 },
  },
  {
    id: 'd',
    label: 'adapter:domain',
    experiment: 'reviews',
    type: 'adapter',
    status: 'completed',
    createdAt: '2',
    color: '#2',
    summary: { test: { domain: m(0.8) }, trainableParams: 20_000 },
  },
  {
    id: 'f',
    label: 'full',
    experiment: 'reviews',
    type: 'full',
    status: 'completed',
    createdAt: '3',
    color: '#3',
    summary: { test: { sentiment: m(0.847), domain: m(0.818) }, trainableParams: 1_471_109 },
  },
  {
    id: 'p',
    label: 'parallel',
    experiment: 'reviews',
    type: 'composition',
    status: 'completed',
    createdAt: '4',
    color: '#4',
    summary: { test: { sentiment: m(0.84), domain: m(0.79) }, trainableParams: 0 },
  },
  { id: 'h', label: 'head-only', experiment: 'reviews', type: 'head-only', status: 'running', createdAt: '5', color: '#5' },
];

test('each attribute: a point per run and attribute, with the attribute in its measure', () => {
  const { points, left, axis } = tradeOffPoints(runs, 'each');
  assert.equal(axis, 'test accuracy on each attribute');
  assert.deepEqual(
    points.map((p) => `${p.label}: ${p.measure} ${p.accuracy}`),
    [
      'adapter:sentiment · sentiment: sentiment test accuracy 0.842',
      'adapter:domain · domain: domain test accuracy 0.8',
      'full · sentiment: sentiment test accuracy 0.847',
      'full · domain: domain test accuracy 0.818',
    ],
  );
  // Runs with 0 trainable parameters have a summary: they are left off the log axis for that reason, not "no summary".
  assert.deepEqual(left, [
    { label: 'parallel', why: '0 trainable parameters: it reuses trained adapters' },
    { label: 'head-only', why: 'no summary.json yet (running)' },
  ]);
});

test('one attribute: full fine-tuning sits above the sentiment adapter on sentiment', () => {
  const { points, left, axis } = tradeOffPoints(runs, { attribute: 'sentiment' });
  assert.equal(axis, 'sentiment test accuracy');
  const y = Object.fromEntries(points.map((p) => [p.label, p.accuracy]));
  assert.ok(y.full > y['adapter:sentiment']);
  assert.ok(left.some((l) => l.label === 'adapter:domain' && l.why === 'not trained for sentiment'));
  assert.deepEqual(attributesOf(runs), ['domain', 'sentiment']);
});

test("all attributes: the experiment's adapters summed against one full model, each measured over the same attributes", () => {
  const { points } = tradeOffPoints(runs, 'all');
  const adapters = points.find((p) => p.runIds.length === 2)!;
  assert.equal(adapters.label, 'reviews · 2 adapters (domain, sentiment)');
  assert.equal(adapters.params, 50_000);
  assert.ok(Math.abs(adapters.accuracy - (0.842 + 0.8) / 2) < 1e-12);
  const full = points.find((p) => p.label === 'full')!;
  assert.ok(Math.abs(full.accuracy - (0.847 + 0.818) / 2) < 1e-12);
  assert.equal(full.measure, 'mean test accuracy over domain, sentiment');
  assert.equal(points.length, 2);
});
