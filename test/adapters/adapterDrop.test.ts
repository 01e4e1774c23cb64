// AdapterDrop: dropped layers' adapters are never computed — in training they get no gradient and stay as
// initialised; at inference the output equals that of an adapter without those layers.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter } from '../../src/core/adapters/modules/bottleneck';
import { AdapterSetup } from '../../src/core/composition/setup';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { train } from '../../src/core/train/loop';
import { TINY, adapterSpec, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

const examples = Array.from({ length: 16 }, (_, i) => ({ ids: [2, 4 + (i % 5), 10 + (i % 3), 3], labels: [i % 2] }));
const data = { tasks: [{ name: 't', labels: ['no', 'yes'] }], train: examples, validation: examples.slice(0, 4), test: examples.slice(0, 4), padId: 0 };
const options = {
  epochs: 2,
  batchSize: 4,
  learningRate: 1e-2,
  warmupRatio: 0,
  weightDecay: 0.01,
  maxGradNorm: 1,
  dropout: 0.1,
  maxLength: 16,
  logEvery: 1,
  earlyStoppingPatience: 0,
};
const hooks = { progress() {}, evaluated() {}, improved() {}, cancelled: () => false };

function changedLayers(adapter: BottleneckAdapter, before: Map<string, { data: Float32Array }>): number[] {
  const layers = new Set<number>();
  for (const [name, { data: values }] of adapter.weights.snapshot()) {
    if (values.some((v, i) => v !== before.get(name)!.data[i])) layers.add(Number(/layer\.(\d+)\./.exec(name)![1]));
  }
  return [...layers].sort();
}

test('specialised AdapterDrop (layers: 1): training leaves the layer-0 adapter untouched and trains layer 1', async () => {
  const spec = adapterSpec({ initStd: 0.1, adapterDrop: { mode: 'specialised', layers: 1 } });
  const adapter = new BottleneckAdapter(spec, TINY.hiddenSize, TINY.layers, 5);
  const before = adapter.weights.snapshot();
  const model = new Classifier(
    tinyEncoder(3),
    [new ClassificationHead('t', ['no', 'yes'], 'mean', TINY.hiddenSize, 9)],
    AdapterSetup.single(adapter, TINY.layers, spec.adapterDrop),
    false,
  );
  assert.equal((await train(model, data, options, 1, hooks)).status, 'completed');
  assert.deepEqual(changedLayers(adapter, before), [1]);
});

test('robust AdapterDrop: training works with n drawn per batch, and every layer’s adapter still learns', async () => {
  const spec = adapterSpec({ initStd: 0.1, adapterDrop: { mode: 'robust' } });
  const adapter = new BottleneckAdapter(spec, TINY.hiddenSize, TINY.layers, 5);
  const before = adapter.weights.snapshot();
  const setup = AdapterSetup.single(adapter, TINY.layers, spec.adapterDrop);
  const model = new Classifier(tinyEncoder(3), [new ClassificationHead('t', ['no', 'yes'], 'mean', TINY.hiddenSize, 9)], setup, false);
  const changed = new Set<number>();
  const drawn = new Set<number>();
  const draw = setup.skippedLayers.bind(setup);
  setup.skippedLayers = (seed) => {
    const n = draw(seed);
    if (seed !== null) drawn.add(n);
    return n;
  };
  // train() restores the best epoch at the end, so look at the weights after every epoch.
  const watch = { ...hooks, evaluated: (e: { split: string }) => e.split === 'validation' && changedLayers(adapter, before).forEach((l) => changed.add(l)) };
  assert.equal((await train(model, data, { ...options, epochs: 3 }, 1, watch)).status, 'completed');
  assert.deepEqual([...drawn].sort(), [0, 1], 'both n = 0 and n = 1 were drawn');
  assert.deepEqual([...changed].sort(), [0, 1]);
});

test('at inference, dropping n layers = the same adapter with those layers left out; dropping all = the base', () => {
  const adapter = new BottleneckAdapter(adapterSpec({ name: 'a' }), TINY.hiddenSize, TINY.layers, 2);
  for (const [n, v] of adapter.weights.entries()) if (n.endsWith('adapter_up.weight')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', n.length));
  const encoder = tinyEncoder();
  const input = tinyInput();
  const hidden = (setup: AdapterSetup | null) =>
    encoder.forward(input, { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup?.forwardOptions(0, null) }).arraySync() as number[][];
  const dropped = (n: number) => {
    const setup = AdapterSetup.single(adapter, TINY.layers);
    setup.inferenceSkip = n;
    return hidden(setup);
  };
  const leftOut = new BottleneckAdapter(adapterSpec({ name: 'a', leaveOut: [0] }), TINY.hiddenSize, TINY.layers, 2);
  leftOut.weights.restore(new Map(leftOut.weights.names().map((n) => [n, { data: adapter.weights.get(n).dataSync() as Float32Array }])));
  const close = (a: number[][], b: number[][]) => a.every((row, r) => row.every((v, i) => Math.abs(v - b[r][i]) < 1e-5));
  assert.ok(close(dropped(1), hidden(AdapterSetup.single(leftOut, TINY.layers))), 'n = 1: as if layer 0 had no adapter');
  assert.ok(close(dropped(2), hidden(null)), 'n = L: the base model');
  assert.ok(!close(dropped(0), dropped(1)), 'the layer-0 adapter matters when kept');
});
