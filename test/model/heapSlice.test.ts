// The wasm backend's Slice reads from a view of its heap (src/core/model/kernels/heapSlice.ts): every kind of slice
// equals a plain-JS reference, for each dtype, and gradients still flow through it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { backendReady } from '../helpers/tiny';

before(backendReady);

/** The slice of a row-major array of `shape`, element by element. */
function referenceSlice(values: number[], shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === shape.length) return void out.push(values[offset]);
    for (let i = begin[axis]; i < begin[axis] + size[axis]; i++) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
  return out;
}

const CASES: { shape: number[]; begin: number[]; size: number[]; what: string }[] = [
  { shape: [10], begin: [3], size: [4], what: '1-D' },
  { shape: [6, 5], begin: [2, 0], size: [3, 5], what: 'whole rows (contiguous)' },
  { shape: [6, 5], begin: [1, 1], size: [4, 3], what: 'a window of rows and columns' },
  { shape: [6, 5], begin: [0, 4], size: [6, 1], what: 'the last column' },
  { shape: [4, 3, 2], begin: [1, 0, 0], size: [2, 3, 2], what: '3-D, whole trailing dimensions (contiguous)' },
  { shape: [4, 3, 2], begin: [1, 1, 0], size: [2, 2, 1], what: '3-D window (left to the stock kernel)' },
  { shape: [2, 3, 2, 2], begin: [0, 1, 1, 0], size: [2, 2, 1, 2], what: '4-D window (left to the stock kernel)' },
  { shape: [6, 5], begin: [3, 0], size: [0, 5], what: 'empty' },
];

for (const { shape, begin, size, what } of CASES) {
  test(`slice ${what}: float32, int32 and bool equal the reference`, () => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) => i * 0.5 - 3);
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const data = dtype === 'float32' ? values : dtype === 'int32' ? values.map((v) => Math.round(v) | 0) : values.map((v) => (v > 0 ? 1 : 0));
      const x = tf.tensor(data, shape, dtype);
      const y = tf.slice(x, begin, size);
      assert.deepEqual(y.shape, size);
      assert.equal(y.dtype, dtype);
      assert.deepEqual(Array.from(y.dataSync()), referenceSlice(data, shape, begin, size), `${dtype} on ${tf.getBackend()}`);
      tf.dispose([x, y]);
    }
  });
}

test('slices stay right when allocating their output grows the heap', () => {
  const x = tf.tensor2d(
    Array.from({ length: 64 * 32 }, (_, i) => i),
    [64, 32],
  );
  const big = tf.zeros([4_000_000]); // forces the wasm memory to grow around the next allocations
  const y = tf.slice(x, [10, 3], [20, 7]);
  assert.deepEqual(Array.from(y.dataSync()), referenceSlice(Array.from(x.dataSync()), [64, 32], [10, 3], [20, 7]));
  tf.dispose([x, big, y]);
});

test('the gradient through a slice puts dy back in place and zeros elsewhere', () => {
  const x = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  const dx = tf.grad((t: tf.Tensor) =>
    tf.sum(
      tf.mul(
        tf.slice(t, [1, 1], [2, 2]),
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ),
    ),
  )(x);
  assert.deepEqual(Array.from(dx.dataSync()), [0, 0, 0, 0, 1, 2, 0, 3, 4]);
});
