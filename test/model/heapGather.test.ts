// The wasm backend's GatherV2 of whole rows copies from a view of its heap (src/core/model/kernels/heapGather.ts):
// rows gathered by any indices (repeated, out of order, none) equal a plain-JS reference for each dtype, other
// gathers are left to the stock kernel and still right, an index out of range is refused, and gradients still flow.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../src/core/model/ops';
import { backendReady } from '../helpers/tiny';

before(backendReady);

const [ROWS, COLUMNS] = [7, 5];
const values = Array.from({ length: ROWS * COLUMNS }, (_, i) => i * 0.75 - 9);

for (const ids of [[3, 0, 6, 3, 3, 1], [6], []]) {
  test(`rows [${ids}] of a [${ROWS}, ${COLUMNS}] tensor: float32, int32 and bool equal the reference`, () => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const data = dtype === 'float32' ? values : dtype === 'int32' ? values.map((v) => Math.round(v)) : values.map((v) => (v > 0 ? 1 : 0));
      const x = tf.tensor2d(data, [ROWS, COLUMNS], dtype);
      const y = tf.gather(x, tf.tensor1d(ids, 'int32'));
      assert.deepEqual(y.shape, [ids.length, COLUMNS]);
      assert.equal(y.dtype, dtype);
      assert.deepEqual(
        Array.from(y.dataSync()),
        ids.flatMap((r) => data.slice(r * COLUMNS, (r + 1) * COLUMNS)),
        `${dtype} on ${tf.getBackend()}`,
      );
      tf.dispose([x, y]);
    }
  });
}

test('gathers of columns, of 1-D and 3-D tensors and by 2-D indices (the stock kernel) equal the reference', () => {
  const x = tf.tensor2d(values, [ROWS, COLUMNS]);
  assert.deepEqual(
    Array.from(tf.gather(x, [4, 0, 4], 1).dataSync()),
    Array.from({ length: ROWS }, (_, r) => [4, 0, 4].map((c) => values[r * COLUMNS + c])).flat(),
  );
  assert.deepEqual(Array.from(tf.gather(tf.tensor1d(values), [2, 9]).dataSync()), [values[2], values[9]]);
  const cube = tf.tensor3d(values.slice(0, 30), [5, 3, 2]);
  assert.deepEqual(Array.from(tf.gather(cube, [4, 1]).dataSync()), [...values.slice(24, 30), ...values.slice(6, 12)]);
  const byMatrix = tf.gather(x, tf.tensor2d([1, 2, 6, 0], [2, 2], 'int32'));
  assert.deepEqual(byMatrix.shape, [2, 2, COLUMNS]);
  assert.deepEqual(
    Array.from(byMatrix.dataSync()),
    [1, 2, 6, 0].flatMap((r) => values.slice(r * COLUMNS, (r + 1) * COLUMNS)),
  );
});

test('an index out of range is refused, naming it', () => {
  const x = tf.tensor2d(values, [ROWS, COLUMNS]);
  for (const bad of [ROWS, -1])
    assert.throws(() => tf.gather(x, tf.tensor1d([0, bad], 'int32')), new RegExp(`index value ${bad} is not in \\[0, ${ROWS - 1}\\]`));
});

test("embeddingLookup (a row gather; its gradient a scatter-add) adds each row's gradients into the rows it came from", () => {
  const x = tf.tensor2d(values, [ROWS, COLUMNS]);
  const ids = tf.tensor1d([2, 5, 2], 'int32');
  const dy = tf.tensor2d(
    Array.from({ length: 3 * COLUMNS }, (_, i) => i + 1),
    [3, COLUMNS],
  );
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids), dy)))(x);
  const expected = Array.from({ length: ROWS * COLUMNS }, (_, i) => {
    const [r, c] = [Math.floor(i / COLUMNS), i % COLUMNS];
    return [0, 1, 2].filter((k) => [2, 5, 2][k] === r).reduce((s, k) => s + (k * COLUMNS + c + 1), 0);
  });
  assert.deepEqual(Array.from(dx.dataSync()), expected);
});
