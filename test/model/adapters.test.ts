// Bottleneck adapters: near-identity at init, placement per method, only adapter + head weights train.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter, adapterPrefix } from '../../src/core/adapters/modules/bottleneck';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { adapterParamsPerLayer } from '../../src/core/parameters/counts';
import { train } from '../../src/core/train/loop';
import { TINY, adapterSpec, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

const forwardOptions = { trainBase: false, dropoutRate: 0, dropoutSeed: null };

for (const method of ['houlsby', 'pfeiffer', 'parallel'] as const) {
  test(`${method}: a new adapter leaves the base model's output unchanged (up-projection starts at zero)`, () => {
    const encoder = tinyEncoder();
    const adapter = new BottleneckAdapter(adapterSpec({ method, scaling: method === 'parallel' ? 4 : 1 }), TINY.hiddenSize, TINY.layers, 7);
    const input = tinyInput();
    const base = encoder.forward(input, forwardOptions).dataSync();
    const withAdapter = encoder.forward(input, { ...forwardOptions, hook: (l, p, h, x) => adapter.apply(l, p, h, x) }).dataSync();
    assert.deepEqual(Array.from(withAdapter), Array.from(base));
  });

  test(`${method}: once the up-projection is non-zero the output changes`, () => {
    const encoder = tinyEncoder();
    const adapter = new BottleneckAdapter(adapterSpec({ method }), TINY.hiddenSize, TINY.layers, 7);
    const up = adapter.weights.get(`${adapterPrefix(1, 'output', 'a')}.adapter_up.weight`);
    up.assign(tf.randomNormal(up.shape, 0, 1, 'float32', 3)); // not constant: LayerNorm would erase a uniform shift
    const input = tinyInput();
    const base = encoder.forward(input, forwardOptions).dataSync();
    const withAdapter = encoder.forward(input, { ...forwardOptions, hook: (l, p, h, x) => adapter.apply(l, p, h, x) }).dataSync();
    assert.ok(base.some((v, i) => Math.abs(v - withAdapter[i]) > 1e-4));
  });
}

test('placement: houlsby after attention and FFN, pfeiffer and parallel after the FFN only; leaveOut skips layers', () => {
  const names = (method: 'houlsby' | 'pfeiffer' | 'parallel', leaveOut: number[] = []) =>
    new BottleneckAdapter(adapterSpec({ method, leaveOut }), TINY.hiddenSize, TINY.layers, 1).weights
      .names()
      .filter((n) => n.endsWith('adapter_up.weight'))
      .sort();
  assert.deepEqual(names('houlsby'), [
    'bert.encoder.layer.0.attention.output.adapters.a.adapter_up.weight',
    'bert.encoder.layer.0.output.adapters.a.adapter_up.weight',
    'bert.encoder.layer.1.attention.output.adapters.a.adapter_up.weight',
    'bert.encoder.layer.1.output.adapters.a.adapter_up.weight',
  ]);
  assert.deepEqual(names('pfeiffer'), ['bert.encoder.layer.0.output.adapters.a.adapter_up.weight', 'bert.encoder.layer.1.output.adapters.a.adapter_up.weight']);
  assert.deepEqual(names('parallel', [0]), ['bert.encoder.layer.1.output.adapters.a.adapter_up.weight']);
});

test('parameter count: houlsby with bottleneck m has 2·(2·d·m + m + d) per layer, matching the tensors', () => {
  const spec = adapterSpec({ method: 'houlsby', bottleneckSize: 4 });
  const adapter = new BottleneckAdapter(spec, TINY.hiddenSize, TINY.layers, 1);
  const d = TINY.hiddenSize;
  const perLayer = 2 * (2 * d * 4 + 4 + d);
  assert.deepEqual(adapterParamsPerLayer(spec, d, TINY.layers), [perLayer, perLayer]);
  assert.equal(adapter.weights.size(), perLayer * TINY.layers);
  // reduction factor when no bottleneck size is given
  assert.equal(new BottleneckAdapter(adapterSpec({ bottleneckSize: undefined, reductionFactor: 4 }), d, 1, 1).size, 2);
});

test('an adapter run changes only adapter and head weights: the base stays bit-identical', async () => {
  const encoder = tinyEncoder(3);
  const before = encoder.weights.snapshot();
  const adapter = new BottleneckAdapter(adapterSpec({ initStd: 0.1 }), TINY.hiddenSize, TINY.layers, 5);
  const head = new ClassificationHead('t', ['no', 'yes'], 'mean', TINY.hiddenSize, 9);
  const adapterBefore = adapter.weights.snapshot();
  const model = new Classifier(encoder, [head], adapter, false);
  assert.deepEqual(
    model
      .trainable()
      .map(([n]) => n)
      .sort(),
    [...adapter.weights.names(), ...head.weights.names()].sort(),
    'only adapter and head variables are trained',
  );
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
  const outcome = await train(model, data, options, 1, { progress() {}, evaluated() {}, improved() {}, cancelled: () => false });
  assert.equal(outcome.status, 'completed');
  assert.equal(outcome.optimizerStateParams, 2 * (adapter.weights.size() + head.weights.size()), 'optimiser state only for trained weights');
  for (const [name, { data: values }] of encoder.weights.snapshot()) {
    assert.ok(Buffer.from(values.buffer).equals(Buffer.from(before.get(name)!.data.buffer)), `base weight ${name} changed`);
  }
  const after = adapter.weights.snapshot();
  assert.ok(
    [...after].some(([name, { data: values }]) => values.some((v, i) => v !== adapterBefore.get(name)!.data[i])),
    'the adapter trained',
  );
});
