// The wasm backend's Identity and same-dtype Cast share data instead of copying (src/core/model/kernels/sharedCopies.ts):
// a clone outlives its source with the right values, and a real cast still converts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { backendReady } from '../helpers/tiny';

before(backendReady);

test('clone and float32→float32 cast share the data (no new buffer) and keep their values after the source is disposed', (t) => {
  if (tf.getBackend() !== 'wasm') return t.skip('needs the wasm backend');
  const x = tf.tensor2d([
    [1.5, -2],
    [3, 4.25],
  ]);
  const buffers = tf.memory().numDataBuffers;
  const copy = tf.clone(x);
  const cast = tf.cast(x, 'float32');
  assert.equal(tf.memory().numDataBuffers, buffers);
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3, 4.25]);
  assert.deepEqual(Array.from(cast.dataSync()), [1.5, -2, 3, 4.25]);
  copy.dispose();
  assert.deepEqual(Array.from(cast.dataSync()), [1.5, -2, 3, 4.25]);
  cast.dispose();
  assert.equal(tf.memory().numDataBuffers, buffers - 1);
});

test('a cast to another dtype still converts', () => {
  const x = tf.tensor1d([1.7, -2.2, 3]);
  assert.deepEqual(Array.from(tf.cast(x, 'int32').dataSync()), [1, -2, 3]);
  assert.equal(tf.cast(x, 'int32').dtype, 'int32');
});
