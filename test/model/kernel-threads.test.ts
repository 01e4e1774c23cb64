// The kernels split over the thread pool (src/core/model/kernels/threadedKernels.ts): with 2 and 3 threads the dense
// product, the weight and bias gradients and fused attention (forward and backward, with padding and dropout) must
// give bit for bit what 1 thread gives, and stay within the kernel tests' float32 bound of the stock tfjs ops. The
// shapes are above the size from which calls are split, and uneven, so that shares end mid-tile and some are short.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { matmul, matmulTransposed } from '../../src/core/model/kernels/matmul';
import { weightAndBiasGradients } from '../../src/core/model/kernels/gradients';
import { fusedAttention } from '../../src/core/model/kernels/attention';
import { fusedMaskedCrossEntropy, fusedTargetCrossEntropy } from '../../src/core/model/kernels/losses';
import { optimizerKernel } from '../../src/core/model/kernels/optimizer';
import { type KernelKind, poolFor, setKernelThreads, shares } from '../../src/core/model/kernels/threadedKernels';
import { allowElementwiseKernels, dropoutMultiplier, gelu, layerNorm } from '../../src/core/model/ops';
import { backendReady } from '../helpers/tiny';
import { SPLIT_ATTENTION_SHAPE, SPLIT_MATMUL_SHAPES, SPLIT_WEIGHT_GRADIENT_SHAPES, assertSumsClose, needsWasm, valuesWithThreads } from '../helpers/kernels';

before(backendReady);
after(() => setKernelThreads(1));

/** The values of what `f` returns with 1, 2 and 3 threads; asserts that 2 and 3 threads really split the call. */
function byThreads(f: () => tf.Tensor[], calls: [KernelKind, number][]): Float32Array[][] {
  return [1, 2, 3].map((threads) => valuesWithThreads(f, calls, threads));
}

function assertBitIdentical(results: Float32Array[][], what: string): void {
  for (let t = 1; t < results.length; t++)
    results[0].forEach((one, i) => {
      const many = results[t][i];
      assert.equal(many.length, one.length);
      const differs = one.findIndex((v, j) => !Object.is(v, many[j]));
      assert.equal(differs, -1, `${what}, output ${i}, ${t + 1} threads: [${differs}] ${many[differs]} vs ${one[differs]} with 1 thread`);
    });
}

test('shares split rows in whole units, in order, covering everything once', () => {
  assert.deepEqual(shares(10, 2, 4), [
    [0, 8],
    [8, 10],
  ]);
  assert.deepEqual(shares(3, 3, 4), [
    [0, 3],
    [3, 3],
    [3, 3],
  ]);
  assert.deepEqual(shares(16, 2, 1), [
    [0, 8],
    [8, 16],
  ]);
});

for (const [m, k, n] of SPLIT_MATMUL_SHAPES) {
  test(`matmul a [${m}, ${k}] · b (+ bias, b transposed or not): 1, 2, 3 threads bit for bit; = stock tfjs`, (t) => {
    if (needsWasm(t)) return;
    const a = tf.add(tf.randomNormal([m, k], 0, 1.5, 'float32', m), 0.3) as tf.Tensor2D;
    const b = tf.randomNormal([k, n], 0, 0.7, 'float32', k) as tf.Tensor2D;
    const bT = tf.randomNormal([n, k], 0, 0.7, 'float32', n) as tf.Tensor2D;
    const bias = tf.randomNormal([n], 0.5, 2, 'float32', 7) as tf.Tensor1D;
    const results = byThreads(
      () => [matmul(a, b, bias), matmulTransposed(a, bT), matmul(a, b)],
      [
        ['forward', m * k * n],
        ['inputGradient', m * k * n],
      ],
    );
    assertBitIdentical(results, `[${m}, ${k}, ${n}]`);
    tf.tidy(() => {
      const scale = tf.add(tf.matMul(tf.abs(a), tf.abs(b)), tf.abs(bias));
      assertSumsClose(tf.tensor2d(results[1][0], [m, n]), tf.fused.matMul({ a, b, bias }), scale, k + 1, 'a·b + bias, 2 threads');
      const scaleT = tf.matMul(tf.abs(a), tf.transpose(tf.abs(bT)));
      assertSumsClose(tf.tensor2d(results[1][1], [m, n]), tf.matMul(a, tf.transpose(bT)), scaleT, k, 'a·bTᵀ, 2 threads');
    });
    tf.dispose([a, b, bT, bias]);
  });
}

for (const [rows, inputs, outputs] of SPLIT_WEIGHT_GRADIENT_SHAPES) {
  test(`weight and bias gradients x [${rows}, ${inputs}], dy [${rows}, ${outputs}]: 1, 2, 3 threads bit for bit; = stock tfjs`, (t) => {
    if (needsWasm(t)) return;
    const x = tf.randomNormal([rows, inputs], 0.2, 1, 'float32', rows) as tf.Tensor2D;
    const dy = tf.randomNormal([rows, outputs], -0.1, 1, 'float32', inputs) as tf.Tensor2D;
    const results = byThreads(() => weightAndBiasGradients(x, dy), [['weightGradient', rows * inputs * outputs]]);
    assertBitIdentical(results, `[${rows}, ${inputs}, ${outputs}]`);
    tf.tidy(() => {
      const scale = tf.matMul(tf.transpose(tf.abs(x)), tf.abs(dy));
      assertSumsClose(tf.tensor2d(results[1][0], [inputs, outputs]), tf.matMul(tf.transpose(x), dy), scale, rows, 'dW, 2 threads');
      assertSumsClose(tf.tensor1d(results[1][1]), tf.sum(dy, 0), tf.sum(tf.abs(dy), 0), rows, 'db, 2 threads');
    });
    tf.dispose([x, dy]);
  });
}

for (const dropout of [false, true]) {
  test(`fused attention forward and gradients, batch 7 (padded), ${dropout ? 'with' : 'no'} dropout: 1, 2, 3 threads bit for bit`, (t) => {
    if (needsWasm(t)) return;
    const [batch, length, heads, headSize] = SPLIT_ATTENTION_SHAPE;
    const d = heads * headSize;
    const [q, k, v, up] = [1, 2, 3, 4].map((seed) => tf.randomNormal([batch * length, d], 0, 1.5, 'float32', seed) as tf.Tensor2D);
    const mask = tf.tensor2d(
      Array.from({ length: batch * length }, (_, i) => (i % length < length - 3 * Math.floor(i / length) ? 0 : -1e9)),
      [batch, length],
    );
    const keep = dropout ? (dropoutMultiplier([batch, heads, length, length], 0.1, 11) as tf.Tensor4D) : null;
    const shape = { batch, length, heads };
    const step = () => {
      const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
        tf.sum(tf.mul(fusedAttention(qi as tf.Tensor2D, ki as tf.Tensor2D, vi as tf.Tensor2D, mask, keep, shape), up));
      const { value, grads } = tf.valueAndGrads(f)([q, k, v]);
      return [fusedAttention(q, k, v, mask, keep, shape), value, ...grads];
    };
    assertBitIdentical(byThreads(step, [['attention', batch * heads * length * length * headSize]]), 'attention (context, loss, dq, dk, dv)');
    tf.dispose([q, k, v, up, mask, ...(keep ? [keep] : [])]);
  });
}

test('GELU and LayerNorm, forward and gradients, [1031, 260]: 1, 2, 3 threads bit for bit', (t) => {
  if (needsWasm(t)) return;
  const [rows, d] = [1031, 260]; // shares end mid-row for GELU's elements, uneven in rows and in columns of 4
  const x = tf.randomNormal([rows, d], 0.3, 2, 'float32', 21) as tf.Tensor2D;
  const up = tf.randomNormal([rows, d], 0, 1, 'float32', 22) as tf.Tensor2D;
  const gamma = tf.randomNormal([d], 1, 0.2, 'float32', 23) as tf.Tensor1D;
  const beta = tf.randomNormal([d], 0, 0.2, 'float32', 24) as tf.Tensor1D;
  const step = () => {
    const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(gelu(xi as tf.Tensor2D), g as tf.Tensor1D, b as tf.Tensor1D), up));
    const { value, grads } = tf.valueAndGrads(f)([x, gamma, beta]);
    return [gelu(x), layerNorm(x, gamma, beta), value, ...grads];
  };
  assertBitIdentical(byThreads(step, [['elementwise', rows * d]]), 'GELU, LayerNorm (values, loss, dx, dgamma, dbeta)');
  tf.dispose([x, up, gamma, beta]);
});

test('an AdamW step of 300,007 parameters (clipped, decayed): 1, 2, 3 threads bit for bit', (t) => {
  if (needsWasm(t)) return;
  const n = 300_007;
  const [p, grad, m] = [31, 32, 33].map((seed) => tf.randomNormal([n], 0, 1, 'float32', seed));
  const v = tf.abs(tf.randomNormal([n], 0, 0.1, 'float32', 34));
  const constants = { scale: 0.7, learningRate: 1e-3, beta1: 0.9, beta2: 0.999, correction1: 0.19, correction2: 0.002, epsilon: 1e-8, decay: 1e-5 };
  const step = () => (optimizerKernel() as NonNullable<ReturnType<typeof optimizerKernel>>).update(p, grad, m, v, constants);
  assertBitIdentical(byThreads(step, [['elementwise', n]]), 'AdamW (parameters, m, v)');
  tf.dispose([p, grad, m, v]);
});

test('softmax cross-entropy over 8,001 classes (labels with ignored rows; target distributions), loss and gradient: 1, 2, 3 threads bit for bit', (t) => {
  if (needsWasm(t)) return;
  const [rows, classes] = [67, 8001];
  const logits = tf.randomNormal([rows, classes], 0, 3, 'float32', 41) as tf.Tensor2D;
  const labels = tf.tensor1d(
    Array.from({ length: rows }, (_, r) => (r % 7 === 3 ? -1 : (r * 997) % classes)),
    'int32',
  );
  const targets = tf.div(tf.abs(tf.randomNormal([rows, classes], 0, 1, 'float32', 42)), classes) as tf.Tensor2D;
  const step = () => {
    const labelled = tf.valueAndGrad((x: tf.Tensor) => fusedMaskedCrossEntropy(x as tf.Tensor2D, labels))(logits);
    const targeted = tf.valueAndGrad((x: tf.Tensor) => fusedTargetCrossEntropy(x as tf.Tensor2D, targets))(logits);
    return [labelled.value, labelled.grad, targeted.value, targeted.grad];
  };
  assertBitIdentical(byThreads(step, [['elementwise', rows * classes]]), 'cross-entropy (loss, dlogits) × 2');
  tf.dispose([logits, labels, targets]);
});

test("the dropout multiplier: the kernel's draws are the JavaScript loop's, bit for bit, at 1, 2 and 3 threads", (t) => {
  if (needsWasm(t)) return;
  for (const [shape, rate, seed] of [
    [[3, 5, 7], 0.1, 1],
    [[1031, 263], 0.1, 2 ** 32 - 5],
    [[700, 1000], 0.5, 12345],
    [[333], 1e-9, 7],
    [[257, 129], 0.9999, 99],
  ] as [number[], number, number][]) {
    allowElementwiseKernels(false);
    const loop = dropoutMultiplier(shape, rate, seed);
    const expected = loop.dataSync();
    loop.dispose();
    allowElementwiseKernels(true);
    const size = shape.reduce((a, b) => a * b, 1);
    const results = [1, 2, 3].map((threads) => {
      setKernelThreads(threads);
      const mask = dropoutMultiplier(shape, rate, seed);
      const values = mask.dataSync() as Float32Array;
      mask.dispose();
      return values;
    });
    for (const [i, values] of results.entries()) {
      const differs = values.findIndex((v, j) => !Object.is(v, expected[j]));
      assert.equal(differs, -1, `rate ${rate}, seed ${seed}, ${i + 1} thread(s): [${differs}] ${values[differs]} vs ${expected[differs]}`);
    }
    assert.equal(poolFor('elementwise', size) !== null, size >= 2 ** 14, `[${shape}] split as its size says`);
  }
});

test("with 1 thread no pool is used; with 2 a call splits from its kind's threshold (threadedKernels.ts) up", (t) => {
  if (needsWasm(t)) return;
  setKernelThreads(1);
  assert.equal(poolFor('forward', 1e9), null);
  setKernelThreads(2);
  const thresholds: [KernelKind, number][] = [
    ['forward', 2 ** 20],
    ['inputGradient', 2 ** 20],
    ['weightGradient', 2 ** 21],
    ['attention', 2 ** 19],
    ['elementwise', 2 ** 14],
  ];
  for (const [kind, threshold] of thresholds) {
    assert.equal(poolFor(kind, threshold - 1), null, `${kind} below ${threshold}`);
    assert.notEqual(poolFor(kind, threshold), null, `${kind} at ${threshold}`);
  }
  // A tiny model's shapes (18 positions, batch 32: 576 rows) split; a head's product over one row per sequence does not.
  assert.notEqual(poolFor('forward', 576 * 128 * 128), null);
  assert.notEqual(poolFor('attention', 32 * 4 * 18 * 18 * 32), null);
  assert.equal(poolFor('forward', 32 * 128 * 2), null);
  assert.throws(() => setKernelThreads(0), /whole number ≥ 1/);
});
