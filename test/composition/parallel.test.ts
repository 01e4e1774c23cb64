// Parallel on a real (tiny) encoder: one pass gives each branch exactly what a separate pass with that branch gives,
// and the batch is replicated only from the first layer any branch acts in.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter } from '../../src/core/adapters/modules/bottleneck';
import { parseSetup } from '../../src/core/composition/parse';
import { AdapterSetup } from '../../src/core/composition/setup';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { TINY, adapterSpec, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

function trainedAdapter(name: string, method: 'houlsby' | 'pfeiffer', leaveOut: number[] = [], seed = 3): BottleneckAdapter {
  const adapter = new BottleneckAdapter(adapterSpec({ name, method, leaveOut }), TINY.hiddenSize, TINY.layers, seed);
  for (const [n, v] of adapter.weights.entries()) if (n.endsWith('adapter_up.weight')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', seed + n.length));
  return adapter;
}

function classifier(text: string, adapters: BottleneckAdapter[], heads: ClassificationHead[]): Classifier {
  const tree = parseSetup(text).node!;
  const setup = new AdapterSetup(tree, new Map(adapters.map((a) => [a.name, a])), new Map(), TINY.layers, { trainAdapters: false });
  return new Classifier(tinyEncoder(), heads, setup, false, false);
}

const headFor = (task: string, labels: number) =>
  new ClassificationHead(
    task,
    Array.from({ length: labels }, (_, i) => `l${i}`),
    'mean',
    TINY.hiddenSize,
    task.length,
  );

for (const [label, leaveOut] of [
  ['every layer', []],
  ['layer 1 only', [0]],
] as const) {
  test(`Parallel(s, t) with adapters in ${label}: one pass = two separate passes, one output per branch`, () => {
    const s = trainedAdapter('s', 'houlsby', [...leaveOut], 3);
    const t = trainedAdapter('t', 'pfeiffer', [...leaveOut], 4);
    const [hs, ht] = [headFor('sentiment', 2), headFor('topic', 3)];
    const parallel = classifier('Parallel(s, t)', [s, t], [hs, ht]);
    assert.equal(parallel.setup!.replicationLayer(0), leaveOut.length ? 1 : 0, 'replicated at the first layer with parallel adapters');
    const input = tinyInput();
    const both = parallel.logits(input, 0, null).map((l) => l.arraySync() as number[][]);
    assert.equal(both.length, 2);
    assert.deepEqual([both[0][0].length, both[1][0].length], [2, 3], 'each branch has its own head');
    const alone = [classifier('s', [s], [hs]), classifier('t', [t], [ht])].map((m) => m.logits(input, 0, null)[0].arraySync() as number[][]);
    for (let branch = 0; branch < 2; branch++) {
      both[branch].forEach((row, r) =>
        row.forEach((v, i) => assert.ok(Math.abs(v - alone[branch][r][i]) < 1e-4, `branch ${branch} row ${r}: ${v} vs ${alone[branch][r][i]}`)),
      );
    }
    assert.notDeepEqual(both[0], new Classifier(tinyEncoder(), [hs], null, false).logits(input, 0, null)[0].arraySync(), 'the adapters change the output');
  });
}

test('Parallel with AdapterDrop: skipping layer 0 moves the replication to layer 1 and leaves layer 0 without adapters', () => {
  const s = trainedAdapter('s', 'houlsby');
  const t = trainedAdapter('t', 'houlsby', [], 5);
  const model = classifier('Parallel(s, t)', [s, t], [headFor('a', 2), headFor('b', 2)]);
  model.setup!.inferenceSkip = 1;
  assert.equal(model.setup!.replicationLayer(1), 1);
  const input = tinyInput();
  const dropped = model.logits(input, 0, null).map((l) => l.arraySync());
  const sOnlyLayer1 = new BottleneckAdapter(adapterSpec({ name: 's', method: 'houlsby', leaveOut: [0] }), TINY.hiddenSize, TINY.layers, 1);
  sOnlyLayer1.weights.restore(new Map(sOnlyLayer1.weights.names().map((n) => [n, { data: s.weights.get(n).dataSync() as Float32Array }])));
  const reference = classifier('s', [sOnlyLayer1], [model.heads[0]]).logits(input, 0, null)[0].arraySync();
  (dropped[0] as number[][]).forEach((row, r) => row.forEach((v, i) => assert.ok(Math.abs(v - (reference as number[][])[r][i]) < 1e-4)));
});

test('robust AdapterDrop draws n in 0…L−1 per training batch; specialised always drops its n', () => {
  const s = trainedAdapter('s', 'houlsby');
  const robust = AdapterSetup.single(s, 4, { mode: 'robust' });
  const drawn = new Set(Array.from({ length: 60 }, (_, seed) => robust.skippedLayers(seed)));
  assert.deepEqual([...drawn].sort(), [0, 1, 2, 3]);
  assert.equal(robust.skippedLayers(null), 0, 'no drop at inference unless asked');
  const specialised = AdapterSetup.single(s, 4, { mode: 'specialised', layers: 2 });
  assert.equal(specialised.skippedLayers(7), 2);
  assert.equal(specialised.skippedLayers(null), 2);
});
