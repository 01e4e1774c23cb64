// The hand-written gradients (fast on wasm) must equal TensorFlow.js's stock formulation.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batchMatMul, crossEntropy, dense, embeddingLookup, gelu, tiedOutputLayer } from '../../src/core/model/ops';
import { backendReady } from '../helpers/tiny';

before(backendReady);

function assertClose(actual: tf.Tensor, expected: tf.Tensor, tol = 1e-5): void {
  assert.deepEqual(actual.shape, expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])), `element ${i}: ${a[i]} vs ${e[i]}`);
}

test('dense: gradients for input, weight and bias equal the stock matMul + add', () => {
  const x = tf.randomNormal([6, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
  const w = tf.randomNormal([4, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
  const b = tf.randomNormal([3], 0, 1, 'float32', 3) as tf.Tensor1D;
  const up = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
  const ours = tf.grads((x_, w_, b_) => tf.sum(tf.mul(dense(x_ as tf.Tensor2D, w_ as tf.Tensor2D, b_ as tf.Tensor1D, true), up)))([x, w, b]);
  const stock = tf.grads((x_, w_, b_) => tf.sum(tf.mul(tf.add(tf.matMul(x_, w_), b_), up)))([x, w, b]);
  ours.forEach((g, i) => assertClose(g, stock[i]));
});

test('tied output layer: value and gradients bit for bit those of dense over the transposed table; and = stock tfjs', () => {
  const [rows, d, vocab] = [37, 20, 301];
  const x = tf.randomNormal([rows, d], 0, 1, 'float32', 11) as tf.Tensor2D;
  const table = tf.randomNormal([vocab, d], 0, 0.5, 'float32', 12) as tf.Tensor2D;
  const bias = tf.randomNormal([vocab], 0, 1, 'float32', 13) as tf.Tensor1D;
  const up = tf.randomNormal([rows, vocab], 0, 1, 'float32', 14);
  const run = (f: (x: tf.Tensor2D, t: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D) => {
    const { value, grads } = tf.valueAndGrads((x_, t_, b_) => tf.sum(tf.mul(f(x_ as tf.Tensor2D, t_ as tf.Tensor2D, b_ as tf.Tensor1D), up)))([x, table, bias]);
    return [f(x, table, bias), value, ...grads];
  };
  const tied = run((x_, t_, b_) => tiedOutputLayer(x_, t_, b_, true));
  const transposed = run((x_, t_, b_) => dense(x_, tf.transpose(t_), b_, true));
  tied.forEach((t, i) => assert.deepEqual(t.dataSync(), transposed[i].dataSync(), `output ${i}`));
  const stock = run((x_, t_, b_) => tf.add(tf.matMul(x_, t_, false, true), b_) as tf.Tensor2D);
  tied.forEach((t, i) => assertClose(t, stock[i], 1e-4));
  // No bias (GPT-2's head), and a frozen table: the same input gradient, and none for the table.
  const noBias = tf.grads((x_, t_) => tf.sum(tf.mul(tiedOutputLayer(x_ as tf.Tensor2D, t_ as tf.Tensor2D, null, true), up)))([x, table]);
  const stockNoBias = tf.grads((x_, t_) => tf.sum(tf.mul(tf.matMul(x_, t_, false, true), up)))([x, table]);
  noBias.forEach((g, i) => assertClose(g, stockNoBias[i], 1e-4));
  const frozen = tf.grad((x_) => tf.sum(tf.mul(tiedOutputLayer(x_ as tf.Tensor2D, table, null, false), up)))(x);
  assert.deepEqual(frozen.dataSync(), noBias[0].dataSync());
});

test('frozen dense: the input gradient equals the stock one and the weight gets none', () => {
  const x = tf.randomNormal([5, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
  const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 6)) as tf.Variable<tf.Rank.R2>;
  const up = tf.randomNormal([5, 3], 0, 1, 'float32', 7);
  const [ours] = tf.grads((x_) => tf.sum(tf.mul(dense(x_ as tf.Tensor2D, w, null, false), up)))([x]);
  const [stock] = tf.grads((x_) => tf.sum(tf.mul(tf.matMul(x_, w), up)))([x]);
  assertClose(ours, stock);
  const xv = tf.variable(x);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(dense(xv, w, null, false), up)) as tf.Scalar, [xv, w]);
  assert.ok(grads[xv.name], 'the input gets its gradient');
  assert.equal(grads[w.name], undefined, 'a frozen weight must not receive a gradient');
});

test('embedding lookup: scatter-add gradient equals the stock gather gradient, repeated ids summed', () => {
  const table = tf.randomNormal([7, 3], 0, 1, 'float32', 8) as tf.Tensor2D;
  const ids = tf.tensor1d([1, 4, 1, 6, 1], 'int32');
  const up = tf.randomNormal([5, 3], 0, 1, 'float32', 9);
  const [ours] = tf.grads((t) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids), up)))([table]);
  // Reference without gather's gradient kernel: one-hot matmul.
  const expected = tf.matMul(tf.transpose(tf.oneHot(ids, 7).toFloat()), up);
  assertClose(ours, expected);
});

test('batchMatMul: gradients equal the stock batched matMul', () => {
  const a = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 10) as tf.Tensor3D;
  const b = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 11) as tf.Tensor3D;
  const up = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 12);
  const ours = tf.grads((a_, b_) => tf.sum(tf.mul(batchMatMul(a_ as tf.Tensor3D, b_ as tf.Tensor3D), up)))([a, b]);
  const stock = tf.grads((a_, b_) => tf.sum(tf.mul(tf.matMul(a_, b_), up)))([a, b]);
  ours.forEach((g, i) => assertClose(g, stock[i]));
});

test('gelu (erf form, no pow) matches the definition and its derivative', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
  const x = tf.tensor1d(xs);
  const erf = (v: number) => tf.erf(tf.scalar(v)).dataSync()[0];
  const expected = xs.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
  assertClose(gelu(x), tf.tensor1d(expected));
  const [g] = tf.grads((t) => tf.sum(gelu(t)))([x]);
  const pdf = (v: number) => Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI);
  assertClose(g, tf.tensor1d(xs.map((v) => 0.5 * (1 + erf(v / Math.SQRT2)) + v * pdf(v))), 1e-4);
});

test('cross-entropy equals -log softmax of the true class, and stays finite for huge logits', () => {
  const logits = tf.tensor2d([
    [1, 2, 3],
    [1000, 0, -1000],
  ]);
  const labels = tf.tensor1d([2, 0], 'int32');
  const p = Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3));
  assertClose(crossEntropy(logits, labels), tf.scalar((-Math.log(p) + 0) / 2));
});
