// Whole training steps on the kernel threads: a tiny BERT trained end to end (embeddings, attention with dropout,
// GELU, LayerNorm, every dense layer, AdamW with clipping) with every call split (thresholds off), so that shares
// are uneven and some hold one strip: after 3 steps every weight, Adam moment and loss is bit for bit what 1 thread
// gives, at 2 and at 3 threads. This is what makes a run's results independent of the cores it was given.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { poolFor, setKernelThreads, setThreadThresholds } from '../../src/core/model/kernels/threadedKernels';
import { AdamW } from '../../src/core/train/adamw';
import { backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';
import { needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => {
  setKernelThreads(1);
  setThreadThresholds(null);
});

/** Losses of 3 full fine-tuning steps and the weights after them, with `threads` kernel threads. */
function train(threads: number): { losses: number[]; weights: Map<string, Float32Array> } {
  setKernelThreads(threads);
  assert.equal(poolFor('forward', 1) !== null, threads > 1, 'every call splits');
  const encoder = tinyEncoder(3);
  const input = tinyInput();
  const target = tf.randomNormal([10, 8], 0, 1, 'float32', 5);
  const optimizer = new AdamW(
    encoder.weights.entries().map(([name, variable]) => ({ name, variable, decay: !name.includes('LayerNorm') && !name.endsWith('bias') })),
    0.01,
  );
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    const { value, grads } = tf.variableGrads(() =>
      tf.mean(tf.square(tf.sub(encoder.forward(input, { trainBase: true, dropoutRate: 0.1, dropoutSeed: 40 + step }), target))),
    );
    losses.push(value.dataSync()[0]);
    optimizer.clipAndStep(
      encoder.weights.entries().map(([, v]) => grads[v.name] ?? null),
      1,
      0.05,
    );
    tf.dispose([value, ...Object.values(grads)]);
  }
  const weights = new Map(encoder.weights.entries().map(([name, v]) => [name, v.dataSync() as Float32Array]));
  tf.dispose([target, input.ids, input.typeIds, input.mask]);
  encoder.weights.dispose();
  return { losses, weights };
}

test('3 full training steps (dropout on, every call split): weights and losses bit for bit at 1, 2 and 3 threads', (t) => {
  if (needsWasm(t)) return;
  setThreadThresholds(0);
  const [one, ...many] = [1, 2, 3].map(train);
  assert.ok(one.losses[2] < one.losses[0], `the steps train: ${one.losses}`);
  for (const [i, other] of many.entries()) {
    assert.deepEqual(other.losses, one.losses, `losses at ${i + 2} threads`);
    for (const [name, values] of one.weights) {
      const theirs = other.weights.get(name) as Float32Array;
      const differs = values.findIndex((v, j) => !Object.is(v, theirs[j]));
      assert.equal(differs, -1, `${name} at ${i + 2} threads: [${differs}] ${theirs[differs]} vs ${values[differs]}`);
    }
  }
});
