// The runs a sweep trains: each distinct run once, named by the swept values that reach it, keyed by its inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem } from '../../src/core/config/validate';
import { checkExperimentText } from '../../src/core/sweep/check';
import { planSweepRuns } from '../../src/core/sweep/runs';

const FILE = '/projects/demo/exp.adapterlab.json';

function plan(sweep: string, extra = '') {
  const text = `{
  "tasks": { "sentiment": {}, "domain": {} },
  "adapters": {
    "sentiment": { "method": "houlsby", "task": "sentiment" },
    "domain": { "method": "houlsby", "task": "domain" }
  },
  "baselines": ["full", "head-only"],
  ${extra}
  "sweep": ${sweep}
}`;
  const result = checkExperimentText(text, FILE);
  assert.deepEqual(result.problems, [], result.problems.map(formatProblem).join('\n'));
  return planSweepRuns(result.sweep!.points);
}

test('a run no swept value reaches is trained once per seed and shared by the points', () => {
  const runs = plan(`{ "grid": { "adapters.sentiment.bottleneckSize": [4, 8] }, "seeds": [1, 2] }`);
  const count = (name: string) => runs.filter((r) => r.plan.name === name).length;
  assert.equal(count('adapter:sentiment'), 4, 'r × seed');
  assert.equal(count('adapter:domain'), 2, 'one per seed');
  assert.equal(count('full'), 2);
  assert.equal(count('head-only'), 2);
  assert.equal(runs.length, 10);
  assert.ok(runs.every((r) => r.info.total === 10));
  const domain = runs.find((r) => r.plan.name === 'adapter:domain' && r.info.seed === 1)!;
  assert.deepEqual(domain.points, ['bottleneckSize=4,seed=1', 'bottleneckSize=8,seed=1']);
  assert.equal(domain.info.setting, 'adapter:domain');
  assert.deepEqual(domain.info.values, {});
  const sentiment = runs.filter((r) => r.plan.name === 'adapter:sentiment');
  assert.deepEqual(
    sentiment.map((r) => [r.info.setting, r.info.seed]),
    [
      ['adapter:sentiment · bottleneckSize=4', 1],
      ['adapter:sentiment · bottleneckSize=4', 2],
      ['adapter:sentiment · bottleneckSize=8', 1],
      ['adapter:sentiment · bottleneckSize=8', 2],
    ],
  );
  assert.deepEqual(sentiment[0].info.values, { 'adapters.sentiment.bottleneckSize': 4 });
  assert.equal(sentiment[0].config.adapters.find((a) => a.name === 'sentiment')!.method, 'houlsby');
  assert.equal(new Set(runs.map((r) => r.key)).size, runs.length, 'keys tell runs apart');
});

test('a shared train option reaches every run; a baseline option only its baseline', () => {
  const shared = plan(`{ "grid": { "train.batchSize": [8, 16] } }`);
  assert.equal(shared.length, 8);
  assert.ok(shared.every((r) => r.info.setting.endsWith('batchSize=8') || r.info.setting.endsWith('batchSize=16')));
  const full = plan(`{ "grid": { "train.full.epochs": [1, 2] } }`);
  assert.deepEqual(full.map((r) => r.info.setting).sort(), ['adapter:domain', 'adapter:sentiment', 'full · epochs=1', 'full · epochs=2', 'head-only'].sort());
});

test('a composition is a run of its point: it needs that point’s adapters, by key, and their swept values name it', () => {
  const runs = plan(
    `{ "grid": { "adapters.sentiment.bottleneckSize": [4, 8] }, "seeds": [1] }`,
    `"compositions": { "fused": { "setup": "Fuse(sentiment, domain)", "task": "sentiment" } },`,
  );
  const fused = runs.filter((r) => r.plan.name === 'composition:fused');
  assert.equal(fused.length, 2);
  for (const f of fused) {
    const sentiment = runs.find((r) => r.key === f.info.needs!['adapter:sentiment'])!;
    assert.equal(sentiment.plan.name, 'adapter:sentiment');
    assert.deepEqual(sentiment.info.values, f.info.values, 'the composition of bottleneckSize=4 loads the bottleneckSize=4 adapter');
    assert.equal(runs.find((r) => r.key === f.info.needs!['adapter:domain'])!.plan.name, 'adapter:domain');
  }
  assert.deepEqual(
    fused.map((f) => f.info.setting),
    ['composition:fused · bottleneckSize=4', 'composition:fused · bottleneckSize=8'],
  );
});

test('a run’s key changes with what it reads and only with that', () => {
  const before = plan(`{ "grid": { "adapters.sentiment.bottleneckSize": [4] }, "seeds": [1] }`);
  const after = plan(`{ "grid": { "adapters.sentiment.bottleneckSize": [4] }, "seeds": [1] }`, `"train": { "full": { "epochs": 7 } },`);
  const key = (runs: typeof before, name: string) => runs.find((r) => r.plan.name === name)!.key;
  assert.notEqual(key(before, 'full'), key(after, 'full'));
  for (const name of ['adapter:sentiment', 'adapter:domain', 'head-only']) assert.equal(key(before, name), key(after, name), name);
  const otherSeed = plan(`{ "grid": { "adapters.sentiment.bottleneckSize": [4] }, "seeds": [2] }`);
  for (const name of ['adapter:sentiment', 'adapter:domain', 'full', 'head-only']) assert.notEqual(key(before, name), key(otherSeed, name), name);
});
