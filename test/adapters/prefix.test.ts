// Prefix tuning: attention over extra key/value positions (stock formulation, against stock-op autodiff), the whole
// encoder against an independent plain-JS reference, gradients against finite differences, a frozen base,
// AdapterHub's parameter count, tensor names and eject, and its compositions (Stack, BatchSplit, Parallel).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter } from '../../src/core/adapters/modules/bottleneck';
import type { AdapterModule } from '../../src/core/adapters/modules/module';
import { PrefixAdapter, prefixTuningPrefix } from '../../src/core/adapters/modules/prefix';
import { createAdapter } from '../../src/core/adapters/modules/index';
import { parseSetup } from '../../src/core/composition/parse';
import { AdapterSetup } from '../../src/core/composition/setup';
import type { PrefixAdapterSpec } from '../../src/core/config/types';
import { toTorchLayout } from '../../src/core/io/adapterhub';
import type { BertEncoder } from '../../src/core/model/bert';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { batchedAttention, crossEntropy } from '../../src/core/model/ops';
import { adapterParamsPerLayer, adapterSharedParams } from '../../src/core/parameters/counts';
import { train } from '../../src/core/train/loop';
import { assertGradientsMatchFiniteDifferences } from '../helpers/finiteDifferences';
import { referenceBertForward } from '../helpers/referenceBert';
import { TINY, adapterSpec, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

const d = TINY.hiddenSize;
const L = TINY.layers;
const spec = (over: Partial<PrefixAdapterSpec> = {}): PrefixAdapterSpec => ({
  name: 'p',
  method: 'prefix',
  task: 't',
  leaveOut: [],
  prefixLength: 3,
  bottleneckSize: 5,
  nonLinearity: 'tanh',
  dropout: 0,
  flat: false,
  ...over,
});
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r][i]))));

function hidden(encoder: BertEncoder, setup: AdapterSetup | null): number[][] {
  return encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup?.forwardOptions(0, null) }).arraySync() as number[][];
}
const setupOf = (text: string, modules: AdapterModule[]) =>
  new AdapterSetup(parseSetup(text).node!, new Map(modules.map((m) => [m.name, m])), new Map(), L, { trainAdapters: false });

test('attention with more keys than queries equals the stock-op formulation, values and gradients', () => {
  const [batch, length, keyLength, heads] = [2, 3, 5, 2];
  const q = tf.randomNormal([batch * length, d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const k = tf.randomNormal([batch * keyLength, d], 0, 1, 'float32', 2) as tf.Tensor2D;
  const v = tf.randomNormal([batch * keyLength, d], 0, 1, 'float32', 3) as tf.Tensor2D;
  const mask = tf.tensor2d([
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, -1e9],
  ]);
  const weights = tf.randomNormal([batch * length, d], 0, 1, 'float32', 4);
  const dh = d / heads;
  // Stock ops, differentiated by tfjs itself: heads as a batch axis, matMul with transposeB, softmax.
  const stock = (qs: tf.Tensor2D, ks: tf.Tensor2D, vs: tf.Tensor2D) => {
    const split = (t: tf.Tensor2D, rows: number) => tf.transpose(tf.reshape(t, [batch, rows, heads, dh]), [0, 2, 1, 3]) as tf.Tensor4D;
    const scores = tf.div(tf.matMul(split(qs, length), split(ks, keyLength), false, true), Math.sqrt(dh));
    const probs = tf.softmax(tf.add(scores, tf.reshape(mask, [batch, 1, 1, keyLength])));
    return tf.reshape(tf.transpose(tf.matMul(probs, split(vs, keyLength)), [0, 2, 1, 3]), [batch * length, d]) as tf.Tensor2D;
  };
  const ours = (qs: tf.Tensor2D, ks: tf.Tensor2D, vs: tf.Tensor2D) => batchedAttention(qs, ks, vs, mask, null, { batch, length, heads, keyLength });
  assert.ok(maxDiff(ours(q, k, v).arraySync(), stock(q, k, v).arraySync()) < 1e-5);
  const loss = (f: typeof ours) => (qs: tf.Tensor, ks: tf.Tensor, vs: tf.Tensor) =>
    tf.sum(tf.mul(f(qs as tf.Tensor2D, ks as tf.Tensor2D, vs as tf.Tensor2D), weights));
  const [gq, gk, gv] = tf.grads(loss(ours))([q, k, v]);
  const [sq, sk, sv] = tf.grads(loss(stock))([q, k, v]);
  for (const [a, b] of [
    [gq, sq],
    [gk, sk],
    [gv, sv],
  ])
    assert.ok(maxDiff(a.arraySync() as number[][], b.arraySync() as number[][]) < 1e-4);
  // A masked key gets no gradient; the prefix positions of a padded example do.
  const gk3 = gk.reshape([batch, keyLength, d]).arraySync() as number[][][];
  assert.ok(gk3[1][4].every((x) => x === 0) && gk3[1][0].some((x) => x !== 0));
});

/**
 * The prefix's keys and values per layer, computed in plain JS from the files AdapterHub would load; column block j
 * belongs to the j-th layer not left out.
 */
function referencePrefix(module: PrefixAdapter): (layer: number) => { keys: number[][]; values: number[][] } | undefined {
  const t = module.exportTensors();
  const p = prefixTuningPrefix(module.name);
  const get = (n: string) => ({ shape: t[`${p}.${n}`].shape, data: t[`${p}.${n}`].data as Float32Array });
  const [E, W1, b1, W2, b2] = ['wte.weight', 'control_trans.0.weight', 'control_trans.0.bias', 'control_trans.2.weight', 'control_trans.2.bias'].map(get);
  const linear = (x: number[], w: typeof W1, b: typeof b1) =>
    Array.from({ length: w.shape[0] }, (_, o) => x.reduce((s, xi, i) => s + xi * w.data[o * w.shape[1] + i], b.data[o]));
  const kv = Array.from({ length: E.shape[0] }, (_, pos) => linear(linear(Array.from(E.data.subarray(pos * d, (pos + 1) * d)), W1, b1).map(Math.tanh), W2, b2));
  const layers = Array.from({ length: L }, (_, i) => i).filter((i) => !module.spec.leaveOut.includes(i));
  return (layer) => {
    const j = layers.indexOf(layer);
    return j < 0
      ? undefined
      : { keys: kv.map((row) => row.slice(2 * j * d, (2 * j + 1) * d)), values: kv.map((row) => row.slice((2 * j + 1) * d, (2 * j + 2) * d)) };
  };
}

for (const leaveOut of [[], [0]])
  test(`the encoder with a prefix (leaveOut [${leaveOut}]) equals an independent plain-JS BERT whose attention reads the prefix first`, () => {
    const encoder = tinyEncoder(5);
    const module = new PrefixAdapter(spec({ leaveOut }), TINY, 7);
    const ours = hidden(encoder, AdapterSetup.single(module, L));
    const base = new Map(Object.entries(toTorchLayout(encoder.weights)).map(([n, t]) => [n, { shape: [...t.shape], data: t.data as Float32Array }]));
    const input = tinyInput();
    const ids = input.ids.arraySync();
    const masks = input.mask.arraySync();
    ids.forEach((row, b) => {
      const ref = referenceBertForward(base, { hidden: d, layers: L, heads: TINY.heads, eps: 1e-12 }, row, masks[b], 'bert.', referencePrefix(module));
      row.forEach((_, t) => {
        if (masks[b][t]) assert.ok(maxDiff([ref[t]], [ours[b * row.length + t]]) < 1e-4, `example ${b} token ${t}`);
      });
    });
    assert.ok(maxDiff(ours, hidden(encoder, null)) > 1e-3, 'the prefix changes the output');
  });

test('eject: the flat prefix gives the same output, under AdapterHub names, and files of either form load back', () => {
  const encoder = tinyEncoder(5);
  const module = new PrefixAdapter(spec(), TINY, 7);
  const names = Object.keys(module.exportTensors()).sort();
  const p = prefixTuningPrefix('p');
  assert.deepEqual(
    names,
    ['control_trans.0.bias', 'control_trans.0.weight', 'control_trans.2.bias', 'control_trans.2.weight', 'wte.weight'].map((n) => `${p}.${n}`),
  );
  assert.deepEqual(module.exportTensors()[`${p}.control_trans.2.weight`].shape, [L * 2 * d, 5], 'PyTorch Linear [out, in]');
  const trained = module.exportTensors();
  const before = hidden(encoder, AdapterSetup.single(module, L));
  module.eject();
  assert.ok(module.isFlat);
  assert.deepEqual(Object.keys(module.exportTensors()), [`${p}.control_trans`]);
  assert.equal(module.weights.size(), 3 * L * 2 * d, 'flat: P·n·2·d');
  assert.ok(maxDiff(hidden(encoder, AdapterSetup.single(module, L)), before) < 1e-5);
  const toMap = (t: ReturnType<PrefixAdapter['exportTensors']>) =>
    new Map(Object.entries(t).map(([n, x]) => [n, { shape: [...x.shape], data: x.data as Float32Array }]));
  for (const file of [trained, module.exportTensors()]) {
    const copy = new PrefixAdapter(spec(), TINY, 99);
    copy.importTensors(toMap(file));
    assert.ok(maxDiff(hidden(encoder, AdapterSetup.single(copy, L)), before) < 1e-5);
  }
});

test('parameter counts match AdapterHub’s PrefixTuning for the same shapes (MLP in training, flat at inference)', () => {
  const [P, b] = [3, 5];
  const count = (s: PrefixAdapterSpec) => createAdapter(s, TINY, 1).weights.size();
  const formula = (s: PrefixAdapterSpec) => adapterParamsPerLayer(s, d, L).reduce((x, y) => x + y, 0) + adapterSharedParams(s, d, L);
  // wte P·d, control_trans.0 d·b + b, control_trans.2 b·(n·2·d) + n·2·d.
  const hub = (n: number) => P * d + d * b + b + b * n * 2 * d + n * 2 * d;
  assert.equal(count(spec()), hub(L));
  assert.equal(formula(spec()), hub(L));
  assert.equal(count(spec({ leaveOut: [0] })), hub(L - 1));
  assert.equal(formula(spec({ leaveOut: [0] })), hub(L - 1));
  assert.equal(count(spec({ flat: true })), P * L * 2 * d);
  assert.equal(formula(spec({ flat: true })), P * L * 2 * d);
});

test('only the prefix and the head train; the base stays bit-identical; gradients match finite differences', async () => {
  const encoder = tinyEncoder(3);
  const before = encoder.weights.snapshot();
  const module = new PrefixAdapter(spec(), TINY, 5);
  const initial = module.weights.snapshot();
  const head = new ClassificationHead('t', ['no', 'yes'], 'mean', d, 9);
  const model = new Classifier(encoder, [head], module, false);

  const input = tinyInput();
  const labels = tf.tensor1d([1, 0], 'int32');
  const loss = () => crossEntropy(model.logits(input, 0, null)[0], labels);
  const p = prefixTuningPrefix('p');
  const checked = ['wte.weight', 'control_trans.0.weight', 'control_trans.2.weight', 'control_trans.2.bias'].map((n) => module.weights.get(`${p}.${n}`));
  assertGradientsMatchFiniteDifferences(loss, checked);

  const examples = Array.from({ length: 16 }, (_, i) => ({ ids: [2, 4 + (i % 5), 10 + (i % 3), 3], labels: [i % 2] }));
  const data = { tasks: [{ name: 't', labels: ['no', 'yes'] }], train: examples, validation: examples.slice(0, 4), test: examples.slice(0, 4), padId: 0 };
  const options = {
    epochs: 2,
    batchSize: 4,
    learningRate: 1e-2,
    warmupRatio: 0,
    weightDecay: 0,
    maxGradNorm: 1,
    dropout: 0.1,
    maxLength: 16,
    logEvery: 1,
    earlyStoppingPatience: 0,
  };
  const outcome = await train(model, data, options, 1, { progress() {}, evaluated() {}, improved() {}, cancelled: () => false });
  assert.equal(outcome.trainableParams, module.weights.size() + head.weights.size());
  assert.ok(
    [...module.weights.snapshot()].some(([n, { data: v }]) => v.some((x, i) => x !== initial.get(n)!.data[i])),
    'the prefix trained',
  );
  for (const [name, { data: values }] of encoder.weights.snapshot())
    assert.ok(
      values.every((v, i) => v === before.get(name)!.data[i]),
      name,
    );
});

test('Stack(a, b) attends to both prefixes (b’s in front, AdapterHub’s order); BatchSplit pads shorter prefixes; Parallel equals separate passes', () => {
  const encoder = tinyEncoder(4);
  const a = new PrefixAdapter(spec({ name: 'a', prefixLength: 2 }), TINY, 1);
  const b = new PrefixAdapter(spec({ name: 'b', prefixLength: 3 }), TINY, 2);
  // One flat prefix holding b's rows then a's is what Stack(a, b) must compute.
  const both = new PrefixAdapter(spec({ name: 'ab', prefixLength: 5, flat: true }), TINY, 3);
  const rows = tf.tidy(() => tf.concat([b.keyValues(null), a.keyValues(null)], 0).dataSync() as Float32Array);
  both.importTensors(new Map([[`${prefixTuningPrefix('ab')}.control_trans`, { shape: [rows.length], data: rows }]]));
  assert.ok(maxDiff(hidden(encoder, setupOf('Stack(a, b)', [a, b])), hidden(encoder, AdapterSetup.single(both, L))) < 1e-5);
  assert.ok(maxDiff(hidden(encoder, setupOf('Stack(a, b)', [a, b])), hidden(encoder, AdapterSetup.single(a, L))) > 1e-4, 'b counts too');

  // Example 0 with a (2 positions, padded to 3), example 1 with b: as each alone.
  const split = hidden(encoder, setupOf('BatchSplit(a, b, batch_sizes=[1, 1])', [a, b]));
  const T = 5;
  assert.ok(maxDiff(split.slice(0, T), hidden(encoder, AdapterSetup.single(a, L)).slice(0, T)) < 1e-5);
  assert.ok(maxDiff(split.slice(T, 2 * T - 2), hidden(encoder, AdapterSetup.single(b, L)).slice(T, 2 * T - 2)) < 1e-5);

  const h = new BottleneckAdapter(adapterSpec({ name: 'h', initStd: 0.5 }), d, L, 5);
  for (const [name, v] of h.weights.entries()) if (name.includes('adapter_up')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 6));
  const heads = [new ClassificationHead('x', ['0', '1'], 'mean', d, 1), new ClassificationHead('y', ['0', '1'], 'mean', d, 2)];
  const one = new Classifier(encoder, heads, setupOf('Parallel(a, h)', [a, h]), false, false)
    .logits(tinyInput(), 0, null)
    .map((t) => t.arraySync() as number[][]);
  const alone = [
    new Classifier(encoder, [heads[0]], a, false).logits(tinyInput(), 0, null)[0],
    new Classifier(encoder, [heads[1]], h, false).logits(tinyInput(), 0, null)[0],
  ].map((t) => t.arraySync() as number[][]);
  assert.ok(maxDiff(one[0], alone[0]) < 1e-5 && maxDiff(one[1], alone[1]) < 1e-5);
});
