// AdamW's one-call-per-tensor path (clipAndStep; on wasm the kernel in src/core/model/kernels/optimizer.c) against
// the tfjs formulation (clipByGlobalNorm + step): same parameters and moments after several steps, with and without
// clipping, weight decay on and off, a tensor without gradient, and sizes that exercise the SIMD tail.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AdamW, clipByGlobalNorm } from '../../src/core/train/adamw';
import { OPTIMIZER_WASM, type OptimizerExports } from '../../src/core/model/kernels/optimizer';
import { backendReady } from '../helpers/tiny';
import { kernelOnCanaryMemory } from '../helpers/kernels';

before(backendReady);

const SHAPES = [[7, 5], [13], [4, 4], [3]];

function params(seed: number): tf.Variable[] {
  return SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', seed + i)));
}

function assertClose(a: tf.Tensor, e: tf.Tensor, what: string): void {
  const [x, y] = [a.dataSync(), e.dataSync()];
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-6 * (1 + Math.abs(y[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

for (const maxNorm of [0.5, 100, 0]) {
  test(`clipAndStep = clipByGlobalNorm + step over 4 steps (max norm ${maxNorm})`, () => {
    const [a, b] = [params(1), params(1)];
    const decays = [true, false, true, false];
    const make = (vs: tf.Variable[]) =>
      new AdamW(
        vs.map((variable, i) => ({ name: `w${i}`, variable, decay: decays[i] })),
        0.1,
      );
    const [fused, stock] = [make(a), make(b)];
    for (let step = 0; step < 4; step++) {
      // The third tensor has no gradient in odd steps (as a layer AdapterDrop skipped): it must stay as it is.
      const grads = SHAPES.map((s, i) => (i === 2 && step % 2 ? null : tf.mul(tf.randomNormal(s, 0, 1, 'float32', 100 * step + i), 3)));
      const normFused = fused.clipAndStep(grads, maxNorm, 0.01);
      const { clipped, norm } = clipByGlobalNorm(grads, maxNorm);
      stock.step(clipped, 0.01);
      assert.ok(Math.abs(normFused - norm) <= 1e-5 * norm, `norm ${normFused} vs ${norm}`);
      tf.dispose([...grads, ...clipped].filter((g): g is tf.Tensor => g !== null));
    }
    a.forEach((v, i) => assertClose(v, b[i], `param ${i}`));
    const [sf, ss] = [fused.exportState(), stock.exportState()];
    assert.equal(sf.step, ss.step);
    sf.m.forEach((m, i) => assertClose(tf.tensor(m), tf.tensor(ss.m[i]), `m ${i}`));
    sf.v.forEach((v, i) => assertClose(tf.tensor(v), tf.tensor(ss.v[i]), `v ${i}`));
    fused.dispose();
    stock.dispose();
  });
}

test('the optimizer kernel binary imports only env.memory and writes only its outputs', () => {
  const { kernel, heap } = kernelOnCanaryMemory<OptimizerExports>(OPTIMIZER_WASM, 2);
  const n = 11;
  let next = 1024;
  const region = (fill?: (i: number) => number) => {
    const at = next;
    next += n;
    if (fill) for (let i = 0; i < n; i++) heap[at + i] = fill(i);
    return at;
  };
  const [p, g, m, v] = [region((i) => i - 5), region((i) => Math.sin(i)), region((i) => i / 10), region((i) => i / 100)];
  const outputs = [region(), region(), region()];
  const before = heap.slice();
  assert.ok(Math.abs(kernel.sum_squares(g * 4, n) - Array.from({ length: n }, (_, i) => Math.sin(i) ** 2).reduce((s, x) => s + x)) < 1e-5);
  kernel.adamw_update(
    p * 4,
    g * 4,
    m * 4,
    v * 4,
    outputs[0] * 4,
    outputs[1] * 4,
    outputs[2] * 4,
    n,
    0.5,
    0.01,
    0.9,
    0.1,
    0.999,
    0.001,
    0.1,
    0.001,
    1e-8,
    0.001,
  );
  for (let i = 0; i < heap.length; i++) {
    if (outputs.some((at) => i >= at && i < at + n)) {
      assert.ok(Number.isFinite(heap[i]), `output at ${i} is not finite`);
      continue;
    }
    assert.ok(Object.is(heap[i], before[i]), `the kernel wrote outside its outputs, at byte ${i * 4}`);
  }
});
