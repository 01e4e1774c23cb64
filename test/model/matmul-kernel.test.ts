// The dense layer's matrix product kernel (src/core/model/kernels/matmul.c) against the stock tfjs formulation
// (tf.fused.matMul with the bias, tf.matMul(dy, tf.transpose(w))): at shapes that exercise every edge of the 4 × 8
// tiles, the in-place and the packed reading of a, several blocks of rows and of the summed dimension; through
// ops.dense forward and backward; bit for bit against a float32 sum taken in the kernel's order; run to run; and for
// memory hygiene (it runs inside tfjs's heap: it must write only its outputs and scratch, and leave no tensors behind).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { MATMUL_WASM, type MatmulExports, allowMatmulKernel, matmul, matmulTransposed, useMatmulKernel } from '../../src/core/model/kernels/matmul';
import { dense } from '../../src/core/model/ops';
import { backendReady } from '../helpers/tiny';
import { assertSumsClose, kernelOnCanaryMemory, needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => allowMatmulKernel(true));

function data(m: number, k: number, n: number, seed: number) {
  // Offsets and mixed scales, so that the sums are not all near zero and cancellation is present.
  const a = tf.add(tf.randomNormal([m, k], 0, 1.5, 'float32', seed), 0.3) as tf.Tensor2D;
  const b = tf.randomNormal([k, n], 0, 0.7, 'float32', seed + 1) as tf.Tensor2D;
  const bT = tf.randomNormal([n, k], 0, 0.7, 'float32', seed + 2) as tf.Tensor2D;
  const bias = tf.randomNormal([n], 0.5, 2, 'float32', seed + 3) as tf.Tensor1D;
  return { a, b, bT, bias };
}

/** Both variants, with and without the bias, against the stock tfjs formulation, with the Σ|terms| of each sum. */
function compare(m: number, k: number, n: number, seed: number): void {
  tf.tidy(() => {
    const { a, b, bT, bias } = data(m, k, n, seed);
    const shape = `a [${m}, ${k}], b [${k}, ${n}]`;
    const scale = tf.matMul(tf.abs(a), tf.abs(b));
    const scaleT = tf.matMul(tf.abs(a), tf.transpose(tf.abs(bT)));
    // The terms of a sum with the bias: the k products and the bias.
    assertSumsClose(matmul(a, b), tf.matMul(a, b), scale, k, `a·b, ${shape}`);
    assertSumsClose(matmul(a, b, bias), tf.fused.matMul({ a, b, bias }), tf.add(scale, tf.abs(bias)), k + 1, `a·b + bias, ${shape}`);
    assertSumsClose(matmulTransposed(a, bT), tf.matMul(a, tf.transpose(bT)), scaleT, k, `a·bTᵀ, ${shape}`);
    // Not tf.fused.matMul({ …, transposeB: true }): on tfjs-wasm 4.22 it returns wrong sums for some shapes (e.g.
    // a [4, 3], bT [2, 3], with the bias: two of eight outputs off by ~0.1; a [1, 256], bT [1, 256]: −21.0 for −13.0).
    assertSumsClose(
      matmulTransposed(a, bT, bias),
      tf.fused.matMul({ a, b: tf.transpose(bT), bias }),
      tf.add(scaleT, tf.abs(bias)),
      k + 1,
      `a·bTᵀ + bias, ${shape}`,
    );
  });
}

// m 1, 3, 37 and 1,100 (9 blocks of 128 rows, the last partial); k and n below, at and above the 4 × 8 tiles (n ≤ 32:
// a read in place; n 256: packed).
const SIZES = [1, 5, 17, 256];
for (const m of [1, 3, 37, 1100]) {
  test(`matmul and matmulTransposed = stock tfjs, with and without bias, ${m} rows, k and n in {${SIZES}}`, (t) => {
    if (needsWasm(t)) return;
    let seed = 10 * m;
    for (const k of SIZES) for (const n of SIZES) compare(m, k, n, seed++);
  });
}

test('several blocks of the summed dimension (k 517, 1,030: blocks of 256, the last partial), a packed and in place', (t) => {
  if (needsWasm(t)) return;
  compare(131, 517, 45, 7);
  compare(66, 1030, 20, 8);
  compare(5, 517, 3, 9);
});

test("the mini model's shapes (2,048 rows; 256 ↔ 1,024) and the adapters' (256 ↔ 16)", (t) => {
  if (needsWasm(t)) return;
  compare(2048, 256, 256, 1);
  compare(2048, 256, 1024, 2);
  compare(2048, 1024, 256, 3);
  compare(2048, 256, 16, 4);
  compare(2048, 16, 256, 5);
});

test('the same inputs give bit-identical products run to run', (t) => {
  if (needsWasm(t)) return;
  tf.tidy(() => {
    for (const [m, k, n] of [
      [1100, 300, 45],
      [37, 517, 17],
    ]) {
      const { a, b, bT, bias } = data(m, k, n, 3);
      assert.deepEqual(matmul(a, b, bias).dataSync(), matmul(a, b, bias).dataSync());
      assert.deepEqual(matmulTransposed(a, bT).dataSync(), matmulTransposed(a, bT).dataSync());
      // b given transposed is the same product, summed in the same order.
      assert.deepEqual(matmulTransposed(a, tf.transpose(b), bias).dataSync(), matmul(a, b, bias).dataSync());
    }
  });
});

test('shape and dtype errors', (t) => {
  if (needsWasm(t)) return;
  tf.tidy(() => {
    const a = tf.zeros([3, 4]) as tf.Tensor2D;
    assert.throws(() => matmul(a, tf.zeros([5, 2]) as tf.Tensor2D), /a is \[3,4\] but b \[5,2\]/);
    assert.throws(() => matmulTransposed(a, tf.zeros([2, 5]) as tf.Tensor2D), /a is \[3,4\] but b \[2,5\]/);
    assert.throws(() => matmul(a, tf.zeros([4, 2]) as tf.Tensor2D, tf.zeros([3]) as tf.Tensor1D), /bias \[3\] for 2 columns/);
    assert.throws(() => matmul(a, tf.zeros([4, 2], 'int32') as tf.Tensor2D), /float32 only/);
  });
});

test('no tensors are left behind (the scratch is freed), also by a dense layer forward and backward', (t) => {
  if (needsWasm(t)) return;
  const { a, b, bT, bias } = data(600, 17, 45, 4);
  const before = tf.memory().numTensors;
  const outputs = [matmul(a, b), matmul(a, b, bias), matmulTransposed(a, bT), matmulTransposed(a, bT, bias)];
  assert.equal(tf.memory().numTensors, before + outputs.length, 'only the outputs are new tensors');
  tf.dispose(outputs);
  for (const trainable of [true, false]) {
    for (const withBias of [true, false]) {
      // Frozen: the weights are closed over; only the input has a gradient.
      const args = trainable ? (withBias ? [a, b, bias] : [a, b]) : [a];
      const grads = tf.grads((...v: tf.Tensor[]) =>
        tf.sum(dense(v[0] as tf.Tensor2D, trainable ? (v[1] as tf.Tensor2D) : b, withBias ? (trainable ? (v[2] as tf.Tensor1D) : bias) : null, trainable)),
      );
      const middle = tf.memory().numTensors;
      tf.dispose(grads(args));
      assert.equal(
        tf.memory().numTensors,
        middle,
        `a dense layer (${trainable ? 'trainable' : 'frozen'}, ${withBias ? 'bias' : 'no bias'}) leaves no tensors behind`,
      );
    }
  }
  tf.dispose([a, b, bT, bias]);
  assert.equal(tf.memory().numTensors, before - 4);
});

// ops.dense with the kernel (forward x·w + b, input gradient dy·wᵀ) against the same layer with allowMatmulKernel(false)
// (tfjs's _FusedMatMul / matMul and a transposed copy of w): values and gradients. The weight and bias gradients come
// from the same ops either way (kernels/gradients.c), so they must be bit-identical.
for (const [rows, inputs, outputs] of [
  [6, 4, 3],
  [37, 17, 5],
  [130, 256, 17],
  [300, 64, 600],
]) {
  for (const trainable of [true, false]) {
    for (const bias of [true, false]) {
      const name = `[${rows}, ${inputs}] → ${outputs}, ${trainable ? 'trainable' : 'frozen'}, ${bias ? 'bias' : 'no bias'}`;
      test(`ops.dense with the kernel = the stock formulation, value and gradients (${name})`, (t) => {
        if (needsWasm(t)) return;
        tf.tidy(() => {
          const x = tf.randomNormal([rows, inputs], 0, 1, 'float32', 1) as tf.Tensor2D;
          const w = tf.randomNormal([inputs, outputs], 0, 1, 'float32', 2) as tf.Tensor2D;
          const b = tf.randomNormal([outputs], 0, 1, 'float32', 3) as tf.Tensor1D;
          const up = tf.randomNormal([rows, outputs], 0, 1, 'float32', 4);
          // Frozen: the weights are closed over, and only the input gradient exists.
          const args = trainable ? (bias ? [x, w, b] : [x, w]) : [x];
          const layer = (v: tf.Tensor[]) =>
            dense(v[0] as tf.Tensor2D, trainable ? (v[1] as tf.Tensor2D) : w, bias ? (trainable ? (v[2] as tf.Tensor1D) : b) : null, trainable);
          const run = () => ({ value: layer(args), grads: tf.grads((...v: tf.Tensor[]) => tf.sum(tf.mul(layer(v), up)))(args) });
          assert.equal(useMatmulKernel(), true, 'the kernel is used on wasm');
          const ours = run();
          allowMatmulKernel(false);
          assert.equal(useMatmulKernel(), false);
          let stock: ReturnType<typeof run>;
          try {
            stock = run();
          } finally {
            allowMatmulKernel(true);
          }
          const valueScale = tf.add(tf.matMul(tf.abs(x), tf.abs(w)), bias ? tf.abs(b) : 0);
          assertSumsClose(ours.value, stock.value, valueScale, inputs + (bias ? 1 : 0), 'value');
          // dx = up·wᵀ: sums of `outputs` terms.
          assertSumsClose(ours.grads[0], stock.grads[0], tf.matMul(tf.abs(up), tf.transpose(tf.abs(w))), outputs, 'dx');
          assert.equal(ours.grads.length, stock.grads.length);
          for (let i = 1; i < ours.grads.length; i++) assert.deepEqual(ours.grads[i].dataSync(), stock.grads[i].dataSync(), i === 1 ? 'dW' : 'db');
        });
      });
    }
  }
}

/** Heap regions of a test memory filled with NaN canaries, 3 floats of canary between regions. */
function testHeap(pages: number) {
  const { kernel, heap } = kernelOnCanaryMemory<MatmulExports>(MATMUL_WASM, pages);
  let next = 1024; // floats; the lowest 4 KB stay canary
  const region = (floats: number) => ((next += floats + 3), { at: next - floats - 3, floats });
  const fill = (r: { at: number; floats: number }, seed: number) => {
    for (let i = 0; i < r.floats; i++) heap[r.at + i] = Math.fround(Math.sin(seed + 0.37 * i) + 0.1);
  };
  const fits = () => assert.ok(next < heap.length, 'the test regions fit the memory');
  return { kernel, heap, region, fill, fits };
}

// n 45 (packed a, an edge panel of 5) and 20, 3 (a in place; edge panels of 4 and 3: the widest partial stores in the
// low and the high half of a panel); m 131 (two blocks of rows, an edge strip of 3); k 517 (three blocks of k, the
// last of 5: a 4-value group and a tail of 1).
for (const [m, k, n] of [
  [131, 517, 45],
  [131, 517, 20],
  [5, 3, 3],
  [1, 1, 1],
]) {
  test(`the kernel binary imports only env.memory, writes only its outputs and scratch, and sums in order (${m} × ${k} × ${n})`, () => {
    const { kernel, heap, region, fill, fits } = testHeap(32);
    const a = region(m * k);
    const b = region(k * n);
    const bT = region(n * k);
    const bias = region(n);
    fill(a, 1);
    fill(b, 2);
    fill(bT, 3);
    fill(bias, 4);
    const scratchFloats = kernel.matmul_scratch(m, k, n);
    assert.ok(scratchFloats > 0 && scratchFloats < 120000, `scratch ${scratchFloats} floats`);
    const out = { plain: region(m * n), withBias: region(m * n), transposed: region(m * n), transposedBias: region(m * n), scratch: region(scratchFloats) };
    fits();
    const before = heap.slice();
    const byte = (r: { at: number }) => r.at * 4;
    kernel.matmul(byte(a), byte(b), 0, byte(out.plain), byte(out.scratch), m, k, n, n, 0);
    kernel.matmul(byte(a), byte(b), byte(bias), byte(out.withBias), byte(out.scratch), m, k, n, n, 0);
    kernel.matmul(byte(a), byte(bT), 0, byte(out.transposed), byte(out.scratch), m, k, n, n, 1);
    kernel.matmul(byte(a), byte(bT), byte(bias), byte(out.transposedBias), byte(out.scratch), m, k, n, n, 1);
    const written = Object.values(out);
    for (let i = 0; i < heap.length; i++) {
      if (written.some((r) => i >= r.at && i < r.at + r.floats)) continue;
      assert.ok(Object.is(heap[i], before[i]), `the kernel wrote outside its outputs, at byte ${i * 4}`);
    }
    // Bit for bit: the float32 sum over p = 0, 1, …, k − 1 of the float32 products, then + bias.
    const f = Math.fround;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let sumT = 0;
        for (let p = 0; p < k; p++) {
          sum = f(sum + f(heap[a.at + i * k + p] * heap[b.at + p * n + j]));
          sumT = f(sumT + f(heap[a.at + i * k + p] * heap[bT.at + j * k + p]));
        }
        const at = i * n + j;
        assert.ok(Object.is(heap[out.plain.at + at], sum), `a·b [${i}][${j}] = ${heap[out.plain.at + at]}, expected ${sum}`);
        assert.ok(Object.is(heap[out.withBias.at + at], f(sum + heap[bias.at + j])), `a·b + bias [${i}][${j}]`);
        assert.ok(Object.is(heap[out.transposed.at + at], sumT), `a·bTᵀ [${i}][${j}] = ${heap[out.transposed.at + at]}, expected ${sumT}`);
        assert.ok(Object.is(heap[out.transposedBias.at + at], f(sumT + heap[bias.at + j])), `a·bTᵀ + bias [${i}][${j}]`);
      }
    }
  });
}

test('k 0: the bias or zeros; m or n 0: nothing written', () => {
  const { kernel, heap, region, fill, fits } = testHeap(2);
  const [m, n] = [3, 5];
  const bias = region(n);
  fill(bias, 5);
  const withBias = region(m * n);
  const plain = region(m * n);
  fits();
  const before = heap.slice();
  kernel.matmul(4096, 4096, bias.at * 4, withBias.at * 4, 4096, m, 0, n, n, 0);
  kernel.matmul(4096, 4096, 0, plain.at * 4, 4096, m, 0, n, n, 1);
  for (let i = 0; i < m * n; i++) {
    assert.ok(Object.is(heap[withBias.at + i], heap[bias.at + (i % n)]), `bias at ${i}`);
    assert.ok(Object.is(heap[plain.at + i], 0), `zero at ${i}`);
  }
  const after = heap.slice();
  kernel.matmul(4096, 4096, 0, plain.at * 4, 4096, 0, 7, n, n, 0);
  kernel.matmul(4096, 4096, 0, plain.at * 4, 4096, m, 7, 0, 0, 1);
  assert.deepEqual(heap, after, 'm or n 0 writes nothing');
  for (let i = 0; i < heap.length; i++) {
    if ((i >= withBias.at && i < withBias.at + m * n) || (i >= plain.at && i < plain.at + m * n)) continue;
    assert.ok(Object.is(heap[i], before[i]), `written outside the outputs, at byte ${i * 4}`);
  }
});
