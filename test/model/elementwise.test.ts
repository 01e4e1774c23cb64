// The GELU and embedding-sum kernels (src/core/model/kernels/elementwise.c) against the stock tfjs formulations:
// outputs and gradients at sizes that exercise the SIMD tails, repeated ids (gradients must add up), and the
// binary's memory hygiene, since it runs inside tfjs's heap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ELEMENTWISE_WASM, type ElementwiseExports, fusedEmbeddingSum, fusedGelu, fusedLayerNorm } from '../../src/core/model/kernels/elementwise';
import { stockEmbeddingSum } from '../../src/core/model/embeddings';
import { allowElementwiseKernels, stockGelu, stockLayerNorm, useElementwiseKernels } from '../../src/core/model/ops';
import { backendReady } from '../helpers/tiny';
import { kernelOnCanaryMemory, needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => allowElementwiseKernels(true));

/** |a − e| ≤ tol·(1 + |e|) elementwise. */
function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string, tol = 1e-5): void {
  assert.deepEqual(actual.shape, expected.shape, what);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
}

for (const shape of [[1], [3], [5, 7], [64, 33]]) {
  test(`fused GELU = stock GELU, values and gradient (shape [${shape}])`, (t) => {
    if (needsWasm(t)) return;
    // Wide range: the tails (|x| > 4, where erf saturates) and the steep middle.
    const x = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 3), 3);
    const up = tf.randomNormal(shape, 0, 1, 'float32', 4);
    assertClose(fusedGelu(x), stockGelu(x), 'gelu');
    const grad = (f: (v: tf.Tensor) => tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), up)))(x);
    assertClose(grad(fusedGelu), grad(stockGelu), 'dgelu');
  });
}

for (const [rows, d] of [
  [1, 4],
  [7, 12],
  [33, 128],
]) {
  test(`fused LayerNorm = stock LayerNorm, values and gradients of x, gamma, beta ([${rows}, ${d}])`, (t) => {
    if (needsWasm(t)) return;
    const x = tf.add(tf.mul(tf.randomNormal([rows, d], 0, 1, 'float32', 5), 3), 1) as tf.Tensor2D;
    const gamma = tf.randomNormal([d], 1, 0.2, 'float32', 6) as tf.Tensor1D;
    const beta = tf.randomNormal([d], 0, 0.2, 'float32', 7) as tf.Tensor1D;
    const up = tf.randomNormal([rows, d], 0, 1, 'float32', 8);
    assertClose(fusedLayerNorm(x, gamma, beta, 1e-12), stockLayerNorm(x, gamma, beta, 1e-12), 'layerNorm', 1e-5);
    const grads = (f: typeof fusedLayerNorm) =>
      tf.grads((a, g, b) => tf.sum(tf.mul(f(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-12), up)))([x, gamma, beta]);
    const [fused, stock] = [grads(fusedLayerNorm), grads(stockLayerNorm)];
    ['dx', 'dgamma', 'dbeta'].forEach((name, i) => assertClose(fused[i], stock[i], name, 1e-4));
  });
}

test('GELU at known points: 0, ±1, large', (t) => {
  if (needsWasm(t)) return;
  const values = fusedGelu(tf.tensor1d([0, 1, -1, 10, -10])).dataSync();
  const expected = [0, 0.8413447460685429, -0.15865525393145707, 10, 0];
  values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `gelu(${i}) = ${v}`));
});

test('fused embedding sum = stock gathers + tiled positions, values and gradients of all three tables', (t) => {
  if (needsWasm(t)) return;
  const [vocab, positions, types, d] = [11, 9, 2, 12];
  const tables = {
    word: tf.randomNormal([vocab, d], 0, 1, 'float32', 1) as tf.Tensor2D,
    position: tf.randomNormal([positions, d], 0, 1, 'float32', 2) as tf.Tensor2D,
    type: tf.randomNormal([types, d], 0, 1, 'float32', 3) as tf.Tensor2D,
  };
  const ids = tf.tensor2d(
    [
      [2, 5, 5, 9, 3, 0, 0],
      [2, 10, 3, 5, 2, 2, 7],
      [1, 1, 1, 1, 1, 1, 1],
    ],
    [3, 7],
    'int32',
  ); // repeated ids
  const typeIds = tf.tensor2d(
    [
      [0, 0, 0, 1, 1, 1, 1],
      [0, 0, 0, 0, 0, 0, 0],
      [1, 1, 1, 1, 0, 0, 0],
    ],
    [3, 7],
    'int32',
  );
  const up = tf.randomNormal([21, d], 0, 1, 'float32', 4);
  assertClose(fusedEmbeddingSum(tables, ids, typeIds, true), stockEmbeddingSum(tables, ids, typeIds, true), 'sum');
  assertClose(fusedEmbeddingSum(tables, ids, typeIds, false), stockEmbeddingSum(tables, ids, typeIds, false), 'sum (frozen)');
  const grads = (f: typeof stockEmbeddingSum) =>
    tf.grads((w, p, ty) => tf.sum(tf.mul(f({ word: w as tf.Tensor2D, position: p as tf.Tensor2D, type: ty as tf.Tensor2D }, ids, typeIds, true), up)))([
      tables.word,
      tables.position,
      tables.type,
    ]);
  const [fused, stock] = [grads(fusedEmbeddingSum), grads(stockEmbeddingSum)];
  ['word', 'position', 'type'].forEach((name, i) => assertClose(fused[i], stock[i], `d${name}`));
});

test('on wasm gelu and the embeddings use the kernels; allowElementwiseKernels(false) restores the stock ops', (t) => {
  if (needsWasm(t)) return;
  assert.equal(useElementwiseKernels(), true);
  allowElementwiseKernels(false);
  assert.equal(useElementwiseKernels(), false);
  allowElementwiseKernels(true);
});

test('the kernel binary imports only env.memory and writes only its outputs', () => {
  const { kernel, memory, heap } = kernelOnCanaryMemory<ElementwiseExports>(ELEMENTWISE_WASM, 2);
  const ints = new Int32Array(memory.buffer);
  let next = 1024; // floats; the lowest 4 KB stay canary
  const region = (floats: number) => ((next += floats), { at: next - floats, floats });
  const [rows, length, d, vocab, positions, types] = [6, 3, 8, 5, 4, 2];
  const x = region(7);
  heap.set([-5, -1, -0.5, 0, 0.5, 1, 5], x.at);
  const ids = region(rows);
  ints.set([1, 4, 4, 0, 2, 1], ids.at);
  const typeIds = region(rows);
  ints.set([0, 1, 0, 0, 0, 1], typeIds.at);
  const [word, position, type, dy] = [vocab * d, positions * d, types * d, rows * d].map((n) => {
    const r = region(n);
    for (let i = 0; i < n; i++) heap[r.at + i] = Math.sin(i + r.at);
    return r;
  });
  const out = {
    y: region(7),
    cdf: region(7),
    dx: region(7),
    sum: region(rows * d),
    dword: region(vocab * d),
    dposition: region(positions * d),
    dtype: region(types * d),
    normed: region(rows * d),
    mean: region(rows),
    rstd: region(rows),
    dnormIn: region(rows * d),
    dgamma: region(d),
    dbeta: region(d),
    mask: region(9),
  };
  const before = heap.slice();
  const byte = (r: { at: number }) => r.at * 4;
  kernel.gelu_forward(byte(x), byte(out.y), byte(out.cdf), 7);
  kernel.gelu_backward(byte(x), byte(out.cdf), byte(x), byte(out.dx), 7);
  kernel.embed_forward(byte(word), byte(ids), byte(position), byte(type), byte(typeIds), byte(out.sum), rows, length, d);
  kernel.embed_backward(byte(dy), byte(ids), byte(typeIds), byte(out.dword), byte(out.dposition), byte(out.dtype), rows, length, d, vocab, positions, types);
  // LayerNorm of the rows of dy, with the first d floats of the word table as gamma and of the type table as beta.
  kernel.layer_norm_forward(byte(dy), byte(word), byte(type), byte(out.normed), byte(out.mean), byte(out.rstd), rows, d, 1e-12);
  kernel.layer_norm_input_gradient(byte(dy), byte(dy), byte(word), byte(out.mean), byte(out.rstd), byte(out.dnormIn), rows, d);
  kernel.layer_norm_parameter_gradients(byte(dy), byte(dy), byte(out.mean), byte(out.rstd), byte(out.dgamma), byte(out.dbeta), rows, d, d);
  kernel.dropout_mask(byte(out.mask), 9, 5, 42, 2 ** 31, 2);
  const written = Object.values(out);
  for (let i = 0; i < heap.length; i++) {
    if (written.some((r) => i >= r.at && i < r.at + r.floats)) continue;
    assert.ok(Object.is(heap[i], before[i]), `the kernel wrote outside its outputs, at byte ${i * 4}`);
  }
  for (const r of written) for (let i = 0; i < r.floats; i++) assert.ok(Number.isFinite(heap[r.at + i]), `output at ${r.at + i} is not finite`);
});
