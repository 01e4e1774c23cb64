// The frozen-prefix cache (src/core/train/frozenPrefix.ts): where it cuts for each kind of run, that training
// from the cache computes what training without it computes (dropout 0: the same loss at every step), that each
// run has its own cache, and that the memory budget is respected.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdapter } from '../../src/core/adapters/modules/index';
import { AdapterSetup } from '../../src/core/composition/setup';
import { LORA_DEFAULTS as DEFAULT_LORA } from '../../src/core/adapters/methods/lowRank';
import type { AdapterDropSpec, AdapterSpec, Pooling } from '../../src/core/config/types';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { FrozenPrefixCache, frozenPrefixCut } from '../../src/core/train/frozenPrefix';
import { type EngineOptions, type TrainOutcome, train } from '../../src/core/train/loop';
import { TINY, adapterSpec, backendReady, tinyEncoder } from '../helpers/tiny';

before(backendReady);

// Lengths 2…9, so batches mix padding amounts and the cache's rows are re-padded differently from how they were computed.
const examples = Array.from({ length: 24 }, (_, i) => ({
  ids: [2, ...Array.from({ length: i % 8 }, (_, j) => 4 + ((i * 7 + j * 3) % 15)), 3],
  labels: [i % 2, (i >> 1) % 3],
}));
const data = {
  tasks: [
    { name: 't', labels: ['no', 'yes'] },
    { name: 'u', labels: ['a', 'b', 'c'] },
  ],
  train: examples,
  validation: examples.slice(0, 6),
  test: examples.slice(6, 12),
  padId: 0,
};
const options = {
  epochs: 3,
  batchSize: 5,
  learningRate: 1e-2,
  warmupRatio: 0,
  weightDecay: 0.01,
  maxGradNorm: 1,
  dropout: 0,
  maxLength: 16,
  logEvery: 1,
  earlyStoppingPatience: 0,
};

type Kind = 'head-only' | 'full' | AdapterSpec;

function classifier(kind: Kind, baseSeed = 3, poolings: Pooling[] = ['mean', 'cls']): Classifier {
  const heads = data.tasks.map((t, i) => new ClassificationHead(t.name, t.labels, poolings[i], TINY.hiddenSize, 9 + i));
  if (kind === 'head-only' || kind === 'full') return new Classifier(tinyEncoder(baseSeed), heads, null, kind === 'full');
  const setup = AdapterSetup.single(createAdapter(kind, TINY, 5), TINY.layers, kind.adapterDrop);
  return new Classifier(tinyEncoder(baseSeed), heads, setup, false);
}

const houlsby = (adapterDrop?: AdapterDropSpec): AdapterSpec => adapterSpec({ initStd: 0.1, adapterDrop });
const pfeiffer: AdapterSpec = adapterSpec({ method: 'pfeiffer', initStd: 0.1 });
const lora: AdapterSpec = { ...DEFAULT_LORA, name: 'a', method: 'lora', task: 't', leaveOut: [] };

/** Losses of every step (logEvery 1) and the outcome. */
async function losses(model: Classifier, engine: EngineOptions, dropout = 0): Promise<{ losses: number[]; outcome: TrainOutcome }> {
  const seen: number[] = [];
  const hooks = { progress: (e: { loss: number }) => seen.push(e.loss), evaluated() {}, improved() {}, cancelled: () => false };
  const outcome = await train(model, data, { ...options, dropout }, 11, hooks, engine);
  assert.equal(outcome.status, 'completed');
  return { losses: seen, outcome };
}

function assertSameTrajectory(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])), `${what}, step ${i + 1}: ${x} vs ${b[i]}`));
}

test('the cut: head-only caches the pooled output, an adapter run everything below its first adapter', () => {
  assert.deepEqual(frozenPrefixCut(classifier('head-only')), { kind: 'pooled' });
  assert.deepEqual(frozenPrefixCut(classifier(houlsby())), { kind: 'layer', layer: 0, position: 'attention' });
  assert.deepEqual(frozenPrefixCut(classifier(pfeiffer)), { kind: 'layer', layer: 0, position: 'output' });
  assert.deepEqual(frozenPrefixCut(classifier(lora)), { kind: 'layer', layer: 0, position: 'input' }); // LoRA acts in the query projection
  assert.deepEqual(frozenPrefixCut(classifier(houlsby({ mode: 'specialised', layers: 1 }))), { kind: 'layer', layer: 1, position: 'attention' });
  assert.deepEqual(frozenPrefixCut(classifier(houlsby({ mode: 'robust' }))), { kind: 'layer', layer: 0, position: 'attention' });
  assert.deepEqual(frozenPrefixCut(classifier(adapterSpec({ leaveOut: [0] }))), { kind: 'layer', layer: 1, position: 'attention' });
  assert.ok('reason' in frozenPrefixCut(classifier('full')));
});

for (const [name, kind] of [
  ['head-only', 'head-only'],
  ['houlsby', houlsby()],
  ['pfeiffer', pfeiffer],
  ['lora', lora],
  ['houlsby, AdapterDrop specialised 1', houlsby({ mode: 'specialised', layers: 1 })],
] as [string, Kind][]) {
  test(`dropout 0: training from the cache gives the same loss at every step as without it (${name})`, async () => {
    const cached = await losses(classifier(kind), {});
    const uncached = await losses(classifier(kind), { frozenPrefixCache: false });
    assert.equal(cached.outcome.frozenPrefix?.used, true);
    assert.equal(uncached.outcome.frozenPrefix?.used, false);
    assert.equal(cached.losses.length, 15); // 5 batches × 3 epochs
    assertSameTrajectory(cached.losses, uncached.losses, name);
    assert.ok(cached.losses[0] !== cached.losses.at(-1), 'the run trained');
    assert.deepEqual(cached.outcome.test, uncached.outcome.test);
    // Validation after every epoch reads its own cache; the best epoch and its metrics agree.
    assert.equal(cached.outcome.bestEpoch, uncached.outcome.bestEpoch);
    for (const [task, m] of Object.entries(uncached.outcome.validation ?? {})) {
      assert.equal(cached.outcome.validation?.[task].accuracy, m.accuracy);
      assert.ok(Math.abs((cached.outcome.validation?.[task].loss ?? NaN) - m.loss) <= 1e-6, `${task} validation loss`);
    }
  });
}

test('each run has its own cache: a second run on another base trains on that base', async () => {
  const onA = await losses(classifier(houlsby(), 3), {});
  const onB = await losses(classifier(houlsby(), 4), {});
  const onBUncached = await losses(classifier(houlsby(), 4), { frozenPrefixCache: false });
  assertSameTrajectory(onB.losses, onBUncached.losses, 'base B');
  assert.notDeepEqual(onA.losses, onB.losses);
});

test('over the memory budget the run trains uncached and says why', async () => {
  const model = classifier(houlsby());
  const { cache, info } = FrozenPrefixCache.forRun(model, data.train, 0, 1000);
  assert.equal(cache, null);
  assert.ok(!info.used && /more than its budget/.test(info.reason), JSON.stringify(info));
  const sizes = FrozenPrefixCache.forRun(model, data.train, 0);
  // Two [tokens, d] arrays per example at a block output.
  assert.equal(sizes.info.used && sizes.info.bytes, 4 * 2 * TINY.hiddenSize * examples.reduce((n, e) => n + e.ids.length, 0));
  const { outcome } = await losses(classifier(houlsby()), { prefixBudgetBytes: 1000 });
  assert.equal(outcome.frozenPrefix?.used, false);
});

test('with dropout the run records that dropout is off in the cached prefix, and still trains', async () => {
  const { outcome, losses: trajectory } = await losses(classifier(houlsby()), {}, 0.1);
  assert.ok(outcome.frozenPrefix?.used && /embeddings/.test(outcome.frozenPrefix.dropoutOff), JSON.stringify(outcome.frozenPrefix));
  assert.ok(trajectory.every(Number.isFinite));
  assert.ok((outcome.tokensPerSec ?? 0) > 0);
});
