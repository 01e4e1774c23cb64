// The FMA kernels (matmul.fma.wasm, gradients.fma.wasm, attention.fma.wasm and their shared builds; see
// src/core/model/kernels/kernelVariant.ts): against the stock tfjs ops within the float32 bound of the other kernel
// tests, bit for bit the same with 1, 2 and 3 threads, and really fused (their results differ from the plain
// kernels', so the FMA path is what ran). Node 20 has relaxed SIMD only with --experimental-wasm-relaxed-simd: without
// it this file runs itself again with the flag and fails with that run's output if it fails. It never skips: a
// runtime that cannot run the FMA kernels fails here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { matmul, matmulTransposed } from '../../src/core/model/kernels/matmul';
import { weightAndBiasGradients } from '../../src/core/model/kernels/gradients';
import { fusedAttention } from '../../src/core/model/kernels/attention';
import { fmaKernels, kernelBinary, setFmaKernels } from '../../src/core/model/kernels/kernelVariant';
import { RELAXED_SIMD_FLAG, relaxedSimdSupported } from '../../src/core/model/kernels/relaxedSimd';
import { type KernelKind, setKernelThreads } from '../../src/core/model/kernels/threadedKernels';
import { batchedAttention, dropoutMultiplier } from '../../src/core/model/ops';
import type { MatmulExports } from '../../src/core/model/kernels/matmul';
import { backendReady } from '../helpers/tiny';
import {
  SPLIT_ATTENTION_SHAPE,
  SPLIT_MATMUL_SHAPES,
  SPLIT_WEIGHT_GRADIENT_SHAPES,
  assertSumsClose,
  kernelOnCanaryMemory,
  valuesWithThreads,
} from '../helpers/kernels';

const rerun = !relaxedSimdSupported() && !process.execArgv.includes(RELAXED_SIMD_FLAG);

if (rerun) {
  test(`the FMA kernel tests, run again with ${RELAXED_SIMD_FLAG} (this runtime has no relaxed SIMD without it)`, () => {
    // Without NODE_TEST_CONTEXT (set by the runner of this file) the child reports to its own stdout, in TAP.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const r = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, '--import', 'tsx', '--test', '--test-reporter=tap', __filename], { encoding: 'utf8', env });
    assert.equal(r.status, 0, `the FMA kernel tests failed with ${RELAXED_SIMD_FLAG}:\n${r.stdout}\n${r.stderr}`);
    // The run must have run the tests, not skipped them: every one of them passes, none is skipped or todo.
    assert.match(r.stdout, /# pass [1-9]/, r.stdout);
    assert.match(r.stdout, /# fail 0/, r.stdout);
    assert.match(r.stdout, /# skipped 0/, r.stdout);
  });
} else {
  before(async () => {
    await backendReady();
    // Fails loudly: no test here may pass on the plain kernels.
    assert.equal(tf.getBackend(), 'wasm', 'the FMA kernels run on the wasm backend only (ADAPTERLAB_TEST_BACKEND is not wasm)');
    assert.ok(relaxedSimdSupported(), `this runtime has no WebAssembly relaxed SIMD even with ${process.execArgv.join(' ')}`);
  });
  after(() => {
    setKernelThreads(1);
    setFmaKernels(true);
  });
  fmaTests();
}

/** The values of what `f` returns with the plain kernels on 1 thread, then the FMA kernels on 1, 2 and 3 threads. */
function plainAndFma(f: () => tf.Tensor[], calls: [KernelKind, number][]): { plain: Float32Array[]; fma: Float32Array[][] } {
  const values = (build: 'plain' | 'fma', threads: number) => {
    setFmaKernels(build === 'fma');
    assert.equal(fmaKernels(), build === 'fma', `the ${build} kernels are in use`);
    return valuesWithThreads(f, calls, threads);
  };
  const plain = values('plain', 1);
  const fma = [1, 2, 3].map((threads) => values('fma', threads));
  setKernelThreads(1);
  return { plain, fma };
}

/** FMA with 2 and 3 threads bit for bit FMA with 1; and FMA differs from plain somewhere (it was fused). */
function assertFmaDeterministicAndFused(r: { plain: Float32Array[]; fma: Float32Array[][] }, what: string, fusedOutputs: number[]): void {
  for (let t = 1; t < r.fma.length; t++)
    r.fma[0].forEach((one, i) => {
      const differs = one.findIndex((v, j) => !Object.is(v, r.fma[t][i][j]));
      assert.equal(differs, -1, `${what}, output ${i}, FMA ${t + 1} threads: [${differs}] ${r.fma[t][i][differs]} vs ${one[differs]} with 1 thread`);
    });
  for (const i of fusedOutputs) {
    const changed = r.fma[0][i].filter((v, j) => !Object.is(v, r.plain[i][j])).length;
    assert.ok(changed > 0, `${what}, output ${i}: the FMA kernels gave the plain kernels' bits everywhere (relaxed_madd not fused: a CPU without FMA?)`);
  }
}

const bits = new Float32Array(1);
const word = new Int32Array(bits.buffer);

/** The float32 next to x (a float32, finite, not 0) towards +∞ (up) or −∞. */
function nextFloat32(x: number, up: boolean): number {
  bits[0] = x;
  word[0] += x > 0 === up ? 1 : -1;
  return bits[0];
}

/** fma(a, b, c) in float32: a·b + c rounded once, to nearest, ties to even (a, b, c float32). */
function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits fit a double
  const s = p + c;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb); // p + c = s + e exactly (TwoSum)
  const r = Math.fround(s);
  if (e === 0 || r === s || r === 0) return r;
  // s lies between two float32s; if exactly halfway, fround broke the tie to even, but the true sum is off the
  // middle by e: the float32 on e's side is the nearest.
  const other = nextFloat32(r, s > r);
  if ((r + other) / 2 !== s) return r;
  return e > 0 === other > r ? other : r;
}

function fmaTests(): void {
  test('fma32 (the exact reference below) rounds once: known cases', () => {
    const f = Math.fround;
    const a = f(1 + 2 ** -12);
    // (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴: unfused, the product rounds to 1 + 2⁻¹¹ (a tie, to even) and − that gives 0.
    assert.equal(f(f(a * a) - f(1 + 2 ** -11)), 0);
    assert.equal(fma32(a, a, -f(1 + 2 ** -11)), 2 ** -24);
    assert.equal(fma32(f(1.5), f(2), f(0.25)), 3.25);
    // (32 + 2⁻¹⁸)(1 − 2⁻²³) + 2²⁹ + 64 = 2²⁹ + 96 − 2⁻⁴¹: in double it rounds to 2²⁹ + 96, halfway between the
    // float32s 2²⁹ + 64 and 2²⁹ + 128 (a tie fround breaks upwards, to even); exactly it is below the middle.
    assert.equal(Math.fround(f(32 + 2 ** -18) * f(1 - 2 ** -23) + (2 ** 29 + 64)), 2 ** 29 + 128);
    assert.equal(fma32(f(32 + 2 ** -18), f(1 - 2 ** -23), 2 ** 29 + 64), 2 ** 29 + 64);
    assert.equal(fma32(f(-32 - 2 ** -18), f(1 - 2 ** -23), -(2 ** 29) - 64), -(2 ** 29) - 64);
  });

  // The shapes of matmul-kernel.test.ts's memory test: packed a with an edge panel, a in place, two blocks of rows,
  // three blocks of k.
  for (const [m, k, n] of [
    [131, 517, 45],
    [131, 517, 20],
    [5, 3, 3],
  ]) {
    test(`matmul.fma.wasm imports only env.memory, writes only its outputs and scratch, and is a chain of fused multiply-adds in order (${m} × ${k} × ${n})`, () => {
      const { kernel, heap } = kernelOnCanaryMemory<MatmulExports>(kernelBinary('matmul'), 32);
      assert.match(kernelBinary('matmul'), /\.fma\.wasm$/);
      let next = 1024;
      const region = (floats: number) => ((next += floats + 3), next - floats - 3);
      const [a, b, bT, bias] = [m * k, k * n, n * k, n].map(region);
      [a, b, bT, bias].forEach((at, seed) => {
        const floats = [m * k, k * n, n * k, n][seed];
        for (let i = 0; i < floats; i++) heap[at + i] = Math.fround(Math.sin(seed + 1 + 0.37 * i) + 0.1);
      });
      const scratch = kernel.matmul_scratch(m, k, n);
      const [out, outBias, outT] = [m * n, m * n, m * n].map(region);
      const scratchAt = region(scratch);
      assert.ok(next < heap.length, 'the test regions fit the memory');
      const before = heap.slice();
      kernel.matmul(a * 4, b * 4, 0, out * 4, scratchAt * 4, m, k, n, n, 0);
      kernel.matmul(a * 4, b * 4, bias * 4, outBias * 4, scratchAt * 4, m, k, n, n, 0);
      kernel.matmul(a * 4, bT * 4, 0, outT * 4, scratchAt * 4, m, k, n, n, 1);
      const written = [out, outBias, outT].map((at) => [at, m * n]).concat([[scratchAt, scratch]]);
      for (let i = 0; i < heap.length; i++) {
        if (written.some(([at, floats]) => i >= at && i < at + floats)) continue;
        assert.ok(Object.is(heap[i], before[i]), `the kernel wrote outside its outputs, at byte ${i * 4}`);
      }
      let fusedDiffers = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let sumT = 0;
          let unfused = 0;
          for (let p = 0; p < k; p++) {
            sum = fma32(heap[a + i * k + p], heap[b + p * n + j], sum);
            sumT = fma32(heap[a + i * k + p], heap[bT + j * k + p], sumT);
            unfused = Math.fround(unfused + Math.fround(heap[a + i * k + p] * heap[b + p * n + j]));
          }
          const at = i * n + j;
          assert.ok(Object.is(heap[out + at], sum), `a·b [${i}][${j}] = ${heap[out + at]}, fused in order ${sum}`);
          assert.ok(Object.is(heap[outBias + at], Math.fround(sum + heap[bias + j])), `a·b + bias [${i}][${j}]`);
          assert.ok(Object.is(heap[outT + at], sumT), `a·bTᵀ [${i}][${j}] = ${heap[outT + at]}, fused in order ${sumT}`);
          if (!Object.is(sum, unfused)) fusedDiffers++;
        }
      if (k > 3) assert.ok(fusedDiffers > 0, 'the fused and the unfused sums never differ: the reference is not testing fusion');
    });
  }

  test('the FMA binaries are the ones loaded while FMA is on, the plain ones when it is off', () => {
    setFmaKernels(true);
    assert.match(kernelBinary('matmul'), /matmul\.fma\.wasm$/);
    assert.match(kernelBinary('attention', true), /attention\.fma\.shared\.wasm$/);
    setFmaKernels(false);
    assert.match(kernelBinary('gradients'), /gradients\.wasm$/);
    setFmaKernels(true);
  });

  for (const [m, k, n] of SPLIT_MATMUL_SHAPES) {
    test(`FMA matmul a [${m}, ${k}] · b (+ bias, b transposed or not) = stock tfjs; 1, 2, 3 threads bit for bit`, () => {
      const a = tf.add(tf.randomNormal([m, k], 0, 1.5, 'float32', m), 0.3) as tf.Tensor2D;
      const b = tf.randomNormal([k, n], 0, 0.7, 'float32', k) as tf.Tensor2D;
      const bT = tf.randomNormal([n, k], 0, 0.7, 'float32', n) as tf.Tensor2D;
      const bias = tf.randomNormal([n], 0.5, 2, 'float32', 7) as tf.Tensor1D;
      const r = plainAndFma(
        () => [matmul(a, b, bias), matmulTransposed(a, bT), matmul(a, b)],
        [
          ['forward', m * k * n],
          ['inputGradient', m * k * n],
        ],
      );
      assertFmaDeterministicAndFused(r, `[${m}, ${k}, ${n}]`, [0, 1, 2]);
      tf.tidy(() => {
        const scale = tf.add(tf.matMul(tf.abs(a), tf.abs(b)), tf.abs(bias));
        for (const [t, threads] of [
          [0, 1],
          [1, 2],
        ]) {
          assertSumsClose(tf.tensor2d(r.fma[t][0], [m, n]), tf.fused.matMul({ a, b, bias }), scale, k + 1, `FMA a·b + bias, ${threads} thread(s)`);
          const scaleT = tf.matMul(tf.abs(a), tf.transpose(tf.abs(bT)));
          assertSumsClose(tf.tensor2d(r.fma[t][1], [m, n]), tf.matMul(a, tf.transpose(bT)), scaleT, k, `FMA a·bTᵀ, ${threads} thread(s)`);
          assertSumsClose(tf.tensor2d(r.fma[t][2], [m, n]), tf.matMul(a, b), tf.matMul(tf.abs(a), tf.abs(b)), k, `FMA a·b, ${threads} thread(s)`);
        }
      });
      tf.dispose([a, b, bT, bias]);
    });
  }

  for (const [rows, inputs, outputs] of SPLIT_WEIGHT_GRADIENT_SHAPES) {
    test(`FMA weight and bias gradients x [${rows}, ${inputs}], dy [${rows}, ${outputs}] = stock tfjs; 1, 2, 3 threads bit for bit`, () => {
      const x = tf.randomNormal([rows, inputs], 0.2, 1, 'float32', rows) as tf.Tensor2D;
      const dy = tf.randomNormal([rows, outputs], -0.1, 1, 'float32', inputs) as tf.Tensor2D;
      const r = plainAndFma(() => weightAndBiasGradients(x, dy), [['weightGradient', rows * inputs * outputs]]);
      // db is a plain sum (no multiply) in both builds: only dW is fused.
      assertFmaDeterministicAndFused(r, `[${rows}, ${inputs}, ${outputs}]`, [0]);
      assert.deepEqual(r.fma[0][1], r.plain[1], 'db: the same additions in both builds');
      tf.tidy(() => {
        const scale = tf.matMul(tf.transpose(tf.abs(x)), tf.abs(dy));
        for (const [t, threads] of [
          [0, 1],
          [1, 2],
        ])
          assertSumsClose(tf.tensor2d(r.fma[t][0], [inputs, outputs]), tf.matMul(tf.transpose(x), dy), scale, rows, `FMA dW, ${threads} thread(s)`);
      });
      tf.dispose([x, dy]);
    });
  }

  for (const dropout of [false, true]) {
    test(`FMA fused attention, forward and q/k/v gradients (batch 7, padded, ${dropout ? 'with' : 'no'} dropout) = stock tfjs; 1, 2, 3 threads bit for bit`, () => {
      const [batch, length, heads, headSize] = SPLIT_ATTENTION_SHAPE;
      const d = heads * headSize;
      const [q, k, v, up] = [1, 2, 3, 4].map((seed) => tf.randomNormal([batch * length, d], 0, 1.5, 'float32', seed) as tf.Tensor2D);
      const mask = tf.tensor2d(
        Array.from({ length: batch * length }, (_, i) => (i % length < length - 3 * Math.floor(i / length) ? 0 : -1e9)),
        [batch, length],
      );
      const keep = dropout ? (dropoutMultiplier([batch, heads, length, length], 0.1, 11) as tf.Tensor4D) : null;
      const shape = { batch, length, heads };
      const step = (attention: typeof fusedAttention) => {
        const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
          tf.sum(tf.mul(attention(qi as tf.Tensor2D, ki as tf.Tensor2D, vi as tf.Tensor2D, mask, keep, shape), up));
        const { grads } = tf.valueAndGrads(f)([q, k, v]);
        return [attention(q, k, v, mask, keep, shape), ...grads];
      };
      const r = plainAndFma(() => step(fusedAttention), [['attention', batch * heads * length * length * headSize]]);
      assertFmaDeterministicAndFused(r, 'attention (context, dq, dk, dv)', [0, 1, 2, 3]);
      // The bound of kernels.test.ts (the plain kernel against the stock formulation): |a − e| ≤ 1e-4·(1 + |e|).
      const stock = tf
        .tidy(() => step(batchedAttention))
        .map((t) => {
          const values = t.dataSync() as Float32Array;
          t.dispose();
          return values;
        });
      for (const [t, threads] of [
        [0, 1],
        [1, 2],
      ])
        stock.forEach((e, i) =>
          e.forEach((ev, j) => {
            const a = r.fma[t][i][j];
            assert.ok(Math.abs(a - ev) <= 1e-4 * (1 + Math.abs(ev)), `FMA ${['context', 'dq', 'dk', 'dv'][i]}[${j}], ${threads} thread(s): ${a} vs ${ev}`);
          }),
        );
      tf.dispose([q, k, v, up, mask, ...(keep ? [keep] : [])]);
    });
  }
}
