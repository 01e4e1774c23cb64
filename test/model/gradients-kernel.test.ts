// The dense layer's weight and bias gradient kernels (src/core/model/kernels/gradients.c) against the stock tfjs
// formulation (tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)): at shapes that exercise every edge of the 4 × 8 tiles
// and several blocks of rows, through ops.dense's backward, run to run, and for memory hygiene (it runs inside
// tfjs's heap: it must write only its outputs and scratch, and leave no tensors behind).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  GRADIENTS_WASM,
  type GradientExports,
  allowGradientKernels,
  useGradientKernels,
  weightAndBiasGradients,
  weightGradient,
} from '../../src/core/model/kernels/gradients';
import { dense } from '../../src/core/model/ops';
import { backendReady } from '../helpers/tiny';
import { U, assertSumsClose, kernelOnCanaryMemory, needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => allowGradientKernels(true));

function data(rows: number, inputs: number, outputs: number, seed: number) {
  // Offsets and mixed scales, so that the sums are not all near zero and cancellation is present.
  const x = tf.add(tf.randomNormal([rows, inputs], 0, 1.5, 'float32', seed), 0.3) as tf.Tensor2D;
  const dy = tf.randomNormal([rows, outputs], 0, 0.7, 'float32', seed + 1) as tf.Tensor2D;
  return { x, dy };
}

/** The kernels' outputs and the stock tfjs formulation, with the Σ|terms| of each sum. */
function compare(rows: number, inputs: number, outputs: number, seed: number): void {
  tf.tidy(() => {
    const { x, dy } = data(rows, inputs, outputs, seed);
    const stockDw = tf.matMul(tf.transpose(x), dy);
    const stockDb = tf.sum(dy, 0);
    const dwScale = tf.matMul(tf.transpose(tf.abs(x)), tf.abs(dy));
    const dbScale = tf.sum(tf.abs(dy), 0);
    const shape = `x [${rows}, ${inputs}], dy [${rows}, ${outputs}]`;
    const [dw, db] = weightAndBiasGradients(x, dy);
    assertSumsClose(dw, stockDw, dwScale, rows, `dW (with db), ${shape}`);
    assertSumsClose(db, stockDb, dbScale, rows, `db (with dW), ${shape}`);
    assertSumsClose(weightGradient(x, dy), stockDw, dwScale, rows, `dW, ${shape}`);
  });
}

// Rows 1, 3, 37 and 1,100 (three blocks of rows); in and out below, at and above the 4 × 8 tiles.
const SIZES = [1, 5, 17, 256];
for (const rows of [1, 3, 37, 1100]) {
  test(`weight and bias gradients = stock transpose + matMul and sum, ${rows} rows, in and out in {${SIZES}}`, (t) => {
    if (needsWasm(t)) return;
    let seed = 10 * rows;
    for (const inputs of SIZES) for (const outputs of SIZES) compare(rows, inputs, outputs, seed++);
  });
}

test("weight and bias gradients at the mini model's shapes (2,048 rows; 256 ↔ 1,024)", (t) => {
  if (needsWasm(t)) return;
  compare(2048, 256, 1024, 1);
  compare(2048, 1024, 256, 2);
});

test('the same inputs give bit-identical gradients run to run', (t) => {
  if (needsWasm(t)) return;
  tf.tidy(() => {
    const { x, dy } = data(1100, 37, 45, 3);
    const [dw1, db1] = weightAndBiasGradients(x, dy);
    const [dw2, db2] = weightAndBiasGradients(x, dy);
    assert.deepEqual(dw1.dataSync(), dw2.dataSync());
    assert.deepEqual(db1.dataSync(), db2.dataSync());
    assert.deepEqual(weightGradient(x, dy).dataSync(), dw1.dataSync(), 'dW alone = dW with db');
  });
});

test('no tensors are left behind (the scratch is freed)', (t) => {
  if (needsWasm(t)) return;
  const { x, dy } = data(600, 17, 9, 4);
  const before = tf.memory().numTensors;
  const outputs = [...weightAndBiasGradients(x, dy), weightGradient(x, dy)];
  assert.equal(tf.memory().numTensors, before + outputs.length, 'only the outputs are new tensors');
  tf.dispose(outputs);
  const grads = tf.grads((x_, w_, b_) => tf.sum(dense(x_ as tf.Tensor2D, w_ as tf.Tensor2D, b_ as tf.Tensor1D, true)));
  const w = tf.ones([17, 9]) as tf.Tensor2D;
  const b = tf.zeros([9]) as tf.Tensor1D;
  const middle = tf.memory().numTensors;
  tf.dispose(grads([x, w, b]));
  assert.equal(tf.memory().numTensors, middle, 'a dense backward leaves no tensors behind');
  tf.dispose([x, dy, w, b]);
  assert.equal(tf.memory().numTensors, before - 2);
});

for (const [rows, inputs, outputs] of [
  [6, 4, 3],
  [37, 17, 5],
  [130, 256, 17],
]) {
  for (const bias of [true, false]) {
    test(`ops.dense's gradients with the kernels = the stock formulation ([${rows}, ${inputs}] → ${outputs}, ${bias ? 'bias' : 'no bias'})`, (t) => {
      if (needsWasm(t)) return;
      assert.equal(useGradientKernels(), true, 'the kernels are used on wasm');
      tf.tidy(() => {
        const x = tf.randomNormal([rows, inputs], 0, 1, 'float32', 1) as tf.Tensor2D;
        const w = tf.randomNormal([inputs, outputs], 0, 1, 'float32', 2) as tf.Tensor2D;
        const b = tf.randomNormal([outputs], 0, 1, 'float32', 3) as tf.Tensor1D;
        const up = tf.randomNormal([rows, outputs], 0, 1, 'float32', 4);
        const args = bias ? [x, w, b] : [x, w];
        const loss = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null) => tf.Tensor) =>
          tf.grads((...v: tf.Tensor[]) => tf.sum(tf.mul(f(v[0] as tf.Tensor2D, v[1] as tf.Tensor2D, bias ? (v[2] as tf.Tensor1D) : null), up)))(args);
        const ours = loss((x_, w_, b_) => dense(x_, w_, b_, true));
        allowGradientKernels(false);
        assert.equal(useGradientKernels(), false);
        const customStock = loss((x_, w_, b_) => dense(x_, w_, b_, true));
        allowGradientKernels(true);
        const stock = loss((x_, w_, b_) => (b_ ? tf.add(tf.matMul(x_, w_), b_) : tf.matMul(x_, w_)));
        // The weight gradient's terms are x·up (dy = up), the bias gradient's up; the input gradient is not ours.
        const dwScale = tf.matMul(tf.transpose(tf.abs(x)), tf.abs(up));
        const dbScale = tf.sum(tf.abs(up), 0);
        assert.deepEqual(ours[0].dataSync(), customStock[0].dataSync(), 'dx: the same ops either way');
        for (const reference of [customStock, stock]) {
          assert.equal(ours.length, reference.length);
          assertSumsClose(ours[1], reference[1], dwScale, rows, 'dW');
          if (bias) assertSumsClose(ours[2], reference[2], dbScale, rows, 'db');
        }
      });
    });
  }
}

// 600 rows: two blocks of rows; in 7 and out 15, 3: edge tiles in both directions, and tails of 3 floats (the widest
// partial stores) in the low and the high half of a strip of 8.
for (const [rows, inputs, outputs] of [
  [600, 7, 15],
  [5, 3, 3],
]) {
  test(`the kernel binary imports only env.memory and writes only its outputs and scratch ([${rows}, ${inputs}] → ${outputs})`, () => {
    const { kernel, heap } = kernelOnCanaryMemory<GradientExports>(GRADIENTS_WASM, 8);
    let next = 1024; // floats; the lowest 4 KB stay canary
    const region = (floats: number) => ((next += floats + 3), { at: next - floats - 3, floats }); // 3 canaries between regions
    const fill = (r: { at: number; floats: number }, seed: number) => {
      for (let i = 0; i < r.floats; i++) heap[r.at + i] = Math.fround(Math.sin(seed + 0.37 * i) + 0.1);
    };
    const x = region(rows * inputs);
    const dy = region(rows * outputs);
    fill(x, 1);
    fill(dy, 2);
    const scratchFloats = kernel.weight_gradient_scratch(rows, inputs, outputs);
    assert.ok(scratchFloats > 0 && scratchFloats < 20000, `scratch ${scratchFloats} floats`);
    const out = { dw: region(inputs * outputs), db: region(outputs), dwAlone: region(inputs * outputs), scratch: region(scratchFloats) };
    assert.ok(next < heap.length, 'the test regions fit the memory');
    const before = heap.slice();
    const byte = (r: { at: number }) => r.at * 4;
    kernel.weight_gradient(byte(x), byte(dy), byte(out.dw), byte(out.db), byte(out.scratch), rows, inputs, outputs, inputs, outputs);
    kernel.weight_gradient(byte(x), byte(dy), byte(out.dwAlone), 0, byte(out.scratch), rows, inputs, outputs, inputs, outputs);
    const written = Object.values(out);
    for (let i = 0; i < heap.length; i++) {
      if (written.some((r) => i >= r.at && i < r.at + r.floats)) continue;
      assert.ok(Object.is(heap[i], before[i]), `the kernel wrote outside its outputs, at byte ${i * 4}`);
    }
    // The values, against sums in double precision.
    for (let i = 0; i < inputs; i++) {
      for (let j = 0; j < outputs; j++) {
        let sum = 0;
        let scale = 0;
        for (let n = 0; n < rows; n++) {
          const term = heap[x.at + n * inputs + i] * heap[dy.at + n * outputs + j];
          sum += term;
          scale += Math.abs(term);
        }
        for (const r of [out.dw, out.dwAlone]) {
          const v = heap[r.at + i * outputs + j];
          assert.ok(Math.abs(v - sum) <= (rows + 1) * U * scale, `dw[${i}][${j}] = ${v}, expected ${sum}`);
        }
      }
    }
    for (let j = 0; j < outputs; j++) {
      let sum = 0;
      let scale = 0;
      for (let n = 0; n < rows; n++) {
        sum += heap[dy.at + n * outputs + j];
        scale += Math.abs(heap[dy.at + n * outputs + j]);
      }
      for (const r of [out.db]) assert.ok(Math.abs(heap[r.at + j] - sum) <= (rows + 1) * U * scale, `db[${j}] = ${heap[r.at + j]}, expected ${sum}`);
    }
  });
}

test('zero rows: zero gradients', () => {
  const { kernel, heap } = kernelOnCanaryMemory<GradientExports>(GRADIENTS_WASM, 2);
  const [inputs, outputs] = [3, 5];
  kernel.weight_gradient(4096, 4096, 8192, 12288, 16384, 0, inputs, outputs, inputs, outputs);
  assert.deepEqual([...heap.subarray(2048, 2048 + inputs * outputs)], new Array(inputs * outputs).fill(0));
  assert.deepEqual([...heap.subarray(3072, 3072 + outputs)], new Array(outputs).fill(0));
  assert.ok(Number.isNaN(heap[2048 + inputs * outputs]) && Number.isNaN(heap[3072 + outputs]), 'nothing past the outputs');
});
