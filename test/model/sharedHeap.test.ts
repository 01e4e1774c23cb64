// tfjs-wasm's heap made shared (src/core/model/kernels/sharedHeap.ts): the patched SIMD binary declares its memory
// shared and nothing else changes, the backend then runs on a SharedArrayBuffer, and a binary of another form is
// refused rather than patched blindly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { tfjsHeap } from '../../src/core/model/kernels/loader';
import { isSharedMemory, sharedHeapBinaries, withSharedMemory } from '../../src/core/model/kernels/sharedHeap';
import { backendReady } from '../helpers/tiny';

const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

test("the patched SIMD binary differs from tfjs's in one byte, and its memory is shared", () => {
  const original = fs.readFileSync(path.join(dist, 'tfjs-backend-wasm-simd.wasm'));
  const patched = withSharedMemory(original);
  const differing = [...original.keys()].filter((i) => original[i] !== patched[i]);
  assert.equal(differing.length, 1);
  assert.deepEqual([original[differing[0]], patched[differing[0]]], [1, 3]);
  const files = sharedHeapBinaries(dist);
  assert.ok(Buffer.from(patched).equals(fs.readFileSync(files['tfjs-backend-wasm-simd.wasm'])), 'the file on disk is the patched binary');
  assert.equal(files['tfjs-backend-wasm.wasm'], path.join(dist, 'tfjs-backend-wasm.wasm'));
});

test('a binary whose memory has no maximum, or which has no memory, is refused', () => {
  // magic, version; memory section (5), 3 bytes: one memory, flags 0 (no maximum), minimum 1
  const noMaximum = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1]);
  assert.throws(() => withSharedMemory(noMaximum), /limits flag 0, not 1/);
  assert.throws(() => withSharedMemory(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), /defines no memory/);
});

test('the wasm backend runs on the shared heap and its ops give the same values', async (t) => {
  await backendReady();
  if (tf.getBackend() !== 'wasm') return t.skip('needs the wasm backend');
  const heap = tfjsHeap();
  assert.ok(heap && isSharedMemory(heap.memory), "tfjs's heap is a SharedArrayBuffer");
  const before = heap.memory.buffer.byteLength;
  const big = tf.fill([64 << 20], 1.5); // 256 MB: the heap grows, views stay valid
  assert.ok(heap.memory.buffer.byteLength > before);
  assert.equal(tf.sum(big.slice([(64 << 20) - 4], [4])).dataSync()[0], 6);
  big.dispose();
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual([...tf.matMul(x, x).dataSync()], [7, 10, 15, 22]);
});
