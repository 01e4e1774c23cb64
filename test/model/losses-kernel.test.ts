// The fused softmax cross-entropy (src/core/model/kernels/losses.c) against the stock tfjs formulation of
// maskedCrossEntropy and bagOfWordsLoss (src/core/pretrain/model.ts): loss values and gradients with large logits,
// ignored rows, all rows ignored, a bag-of-words row without targets (and a tie at its max), class counts that leave
// SIMD tails; that two calls on row ranges with offset pointers give bit for bit what one call gives (what splitting
// rows over threads relies on), in the plain and the shared build; and the binary's memory hygiene.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { LOSSES_WASM, type LossExports, STATS_PER_ROW, allowLossKernels, useLossKernels } from '../../src/core/model/kernels/losses';
import { type WasmMemory, sharedBuild, wasmApi } from '../../src/core/model/kernels/loader';
import { bagOfWordsLoss, maskedCrossEntropy } from '../../src/core/pretrain/model';
import { backendReady } from '../helpers/tiny';
import { U, kernelOnCanaryMemory, needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => allowLossKernels(true));

/** Logits in ±80 (e^(x − max) spans float32's whole range and underflows), seeded. */
function logitsOf(rows: number, classes: number, seed: number): tf.Tensor2D {
  return tf.mul(tf.sub(tf.randomUniform([rows, classes], 0, 1, 'float32', seed), 0.5), 160) as tf.Tensor2D;
}

/** Labels in [0, classes), −1 on rows where `ignored(r)`. */
function labelsOf(rows: number, classes: number, ignored: (r: number) => boolean): tf.Tensor1D {
  return tf.tensor1d(
    Array.from({ length: rows }, (_, r) => (ignored(r) ? -1 : (r * 7919 + 13) % classes)),
    'int32',
  );
}

/** Each row spreads 1 over a few classes (1/n each, as bag-of-words targets are made), rows in `empty` all zero. */
function targetsOf(rows: number, classes: number, empty: number[]): tf.Tensor2D {
  const t = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    if (empty.includes(r)) continue;
    const picks = new Set(Array.from({ length: 1 + (r % 5) }, (_, k) => (r * 31 + k * 977) % classes));
    for (const j of picks) t[r * classes + j] = 1 / picks.size;
  }
  return tf.tensor2d(t, [rows, classes]);
}

/** The loss and its gradient (upstream gradient 0.7) with the fused kernels or the stock tfjs ops. */
function lossAndGradient(fused: boolean, loss: (x: tf.Tensor2D) => tf.Scalar, x: tf.Tensor2D): { value: tf.Scalar; grad: tf.Tensor2D } {
  allowLossKernels(fused);
  try {
    assert.equal(useLossKernels(), fused);
    const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => tf.mul(loss(v as tf.Tensor2D), 0.7) as tf.Scalar)(x);
    return { value, grad: grad as tf.Tensor2D };
  } finally {
    allowLossKernels(true);
  }
}

/**
 * Within the float32 bound of two computations of the same softmax: each row's Σ e^(x − max) is a sum of `classes`
 * positive terms (two orders differ by ≤ 2(n + 1)·u relative), plus a few ulp for exp and log. Loss: that relative
 * error times (1 + |loss|); gradient element j: times (|g·p_j| + |g·t_j|), and |g| more at a row's max (where the
 * stock formulation's max gradient is a float sum over the row), + 1e-30 for underflowing terms.
 */
function assertMatchesStock(
  fused: ReturnType<typeof lossAndGradient>,
  stock: ReturnType<typeof lossAndGradient>,
  x: tf.Tensor2D,
  targets: Float32Array,
  g: number,
  what: string,
): void {
  const [rows, classes] = x.shape;
  const k = (2 * (classes + 1) + 16) * U;
  const [a, e] = [fused.value.dataSync()[0], stock.value.dataSync()[0]];
  assert.ok(Number.isFinite(a) && Math.abs(a - e) <= k * (1 + Math.abs(e)), `${what} loss: ${a} vs ${e}`);
  const [ga, ge, xs] = [fused.grad.dataSync(), stock.grad.dataSync(), x.dataSync()];
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, xs[r * classes + j]);
    for (let j = 0; j < classes; j++) {
      const i = r * classes + j;
      const bound = k * (Math.abs(ge[i]) + g * (targets[i] + (xs[i] === m ? 2 : 0))) + 1e-30;
      assert.ok(Number.isFinite(ga[i]) && Math.abs(ga[i] - ge[i]) <= bound, `${what} d[${r}, ${j}]: ${ga[i]} vs ${ge[i]} (bound ${bound})`);
    }
  }
}

for (const [rows, classes] of [
  [1, 3],
  [9, 15],
  [37, 50],
  [65, 8001],
]) {
  test(`fused masked cross-entropy = stock, loss and gradient, some rows ignored ([${rows}, ${classes}])`, (t) => {
    if (needsWasm(t)) return;
    const x = logitsOf(rows, classes, rows + classes);
    const labels = labelsOf(rows, classes, (r) => rows > 1 && r % 3 === 1);
    const onehot = tf
      .mul(tf.oneHot(tf.maximum(labels, tf.scalar(0, 'int32')) as tf.Tensor1D, classes), tf.expandDims(tf.cast(tf.greaterEqual(labels, 0), 'float32'), 1))
      .dataSync() as Float32Array;
    const labelled = labels.dataSync().filter((l) => l >= 0).length;
    assert.ok(labelled > 0);
    const loss = (v: tf.Tensor2D) => maskedCrossEntropy(v, labels);
    const [fused, stock] = [lossAndGradient(true, loss, x), lossAndGradient(false, loss, x)];
    assertMatchesStock(fused, stock, x, onehot, 0.7 / labelled, 'masked');
  });

  test(`fused bag-of-words loss = stock, loss and gradient, one row without targets ([${rows}, ${classes}])`, (t) => {
    if (needsWasm(t)) return;
    const x = logitsOf(rows, classes, 2 * rows + classes);
    const targets = targetsOf(rows, classes, rows > 2 ? [2] : []);
    const loss = (v: tf.Tensor2D) => bagOfWordsLoss(v, targets);
    const [fused, stock] = [lossAndGradient(true, loss, x), lossAndGradient(false, loss, x)];
    assertMatchesStock(fused, stock, x, targets.dataSync() as Float32Array, 0.7 / rows, 'bag of words');
  });
}

test('a forward and backward pass leaves no tensor behind', (t) => {
  if (needsWasm(t)) return;
  const x = logitsOf(12, 37, 5);
  const labels = labelsOf(12, 37, (r) => r % 2 === 0);
  const targets = targetsOf(12, 37, [3]);
  const before = tf.memory().numTensors;
  for (const loss of [(v: tf.Tensor2D) => maskedCrossEntropy(v, labels), (v: tf.Tensor2D) => bagOfWordsLoss(v, targets)]) {
    const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => loss(v as tf.Tensor2D))(x);
    tf.dispose([value, grad]);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('all rows ignored: loss 0 and gradient 0, as the stock formulation gives', (t) => {
  if (needsWasm(t)) return;
  const x = logitsOf(6, 21, 1);
  const labels = tf.fill([6], -1, 'int32') as tf.Tensor1D;
  for (const fused of [true, false]) {
    const { value, grad } = lossAndGradient(fused, (v) => maskedCrossEntropy(v, labels), x);
    assert.equal(value.dataSync()[0], 0, `loss (fused ${fused})`);
    assert.ok(
      grad.dataSync().every((d) => d === 0),
      `gradient (fused ${fused})`,
    );
  }
});

test('a bag-of-words row without targets whose max is tied: the max gradient goes to both, as in the stock formulation', (t) => {
  if (needsWasm(t)) return;
  const x = tf.tensor2d([
    [1, 5, 2, 5, -3, 0, 4],
    [0, 1, 2, 3, 4, 5, 6],
  ]);
  const targets = tf.tensor2d([
    [0, 0, 0, 0, 0, 0, 0],
    [0.5, 0, 0, 0, 0, 0, 0.5],
  ]);
  const loss = (v: tf.Tensor2D) => bagOfWordsLoss(v, targets);
  const [fused, stock] = [lossAndGradient(true, loss, x), lossAndGradient(false, loss, x)];
  assertMatchesStock(fused, stock, x, targets.dataSync() as Float32Array, 0.7 / 2, 'tied');
  const d = fused.grad.dataSync();
  assert.ok(d[1] < -0.1 && d[3] < -0.1, `both maxima get the max's gradient: ${d[1]}, ${d[3]}`);
});

/** The kernel's four functions on one memory: inputs at fixed places, outputs where `out` says. */
function runAll(kernel: LossExports, layout: Layout, ranges: [number, number][]): void {
  const { classes, x, labels, targets, scale } = layout;
  for (const [r0, r1] of ranges) {
    const n = r1 - r0;
    const f = (at: number, perRow: number) => 4 * (at + r0 * perRow); // byte offset of row r0
    kernel.xent_labels_forward(f(x, classes), f(labels, 1), f(layout.lossL, 1), f(layout.statsL, STATS_PER_ROW), n, classes);
    kernel.xent_targets_forward(f(x, classes), f(targets, classes), f(layout.lossT, 1), f(layout.statsT, STATS_PER_ROW), n, classes);
  }
  for (const [r0, r1] of ranges) {
    const n = r1 - r0;
    const f = (at: number, perRow: number) => 4 * (at + r0 * perRow);
    kernel.xent_labels_backward(f(x, classes), f(labels, 1), f(layout.statsL, STATS_PER_ROW), 4 * scale, f(layout.dL, classes), n, classes);
    kernel.xent_targets_backward(f(x, classes), f(targets, classes), f(layout.statsT, STATS_PER_ROW), 4 * scale, f(layout.dT, classes), n, classes);
  }
}

interface Layout {
  rows: number;
  classes: number;
  x: number;
  labels: number;
  targets: number;
  scale: number;
  lossL: number;
  statsL: number;
  dL: number;
  lossT: number;
  statsT: number;
  dT: number;
  end: number;
}

/** Places (in floats) of the inputs and outputs, after 1024 floats of canary; fills the inputs. */
function layoutOn(heap: Float32Array, ints: Int32Array, rows: number, classes: number): Layout {
  let next = 1024;
  const region = (floats: number) => ((next += floats), next - floats);
  const x = region(rows * classes);
  const labels = region(rows);
  const targets = region(rows * classes);
  const scale = region(1);
  const out = { lossL: region(rows), statsL: region(rows * STATS_PER_ROW), dL: region(rows * classes) };
  const outT = { lossT: region(rows), statsT: region(rows * STATS_PER_ROW), dT: region(rows * classes) };
  for (let i = 0; i < rows * classes; i++) heap[x + i] = 80 * Math.sin(i * 0.37 + 1);
  for (let r = 0; r < rows; r++) ints[labels + r] = r % 4 === 1 ? -1 : (r * 13) % classes;
  heap.fill(0, targets, targets + rows * classes);
  for (let r = 0; r < rows; r++) if (r !== 2) [0, 3, 4].forEach((k) => (heap[targets + r * classes + ((r + k * 5) % classes)] = 1 / 3));
  heap[scale] = 0.37;
  return { rows, classes, x, labels, targets, scale, ...out, ...outT, end: next };
}

test('two calls on row ranges with offset pointers = one call on all rows, bit for bit; only outputs are written', () => {
  const [rows, classes] = [11, 1003];
  const pages = Math.ceil((4 * (1024 + rows * classes * 4 + rows * 10) + 65536) / 65536);
  const whole = kernelOnCanaryMemory<LossExports>(LOSSES_WASM, pages);
  const split = kernelOnCanaryMemory<LossExports>(LOSSES_WASM, pages);
  const runs = [whole, split].map((k) => {
    const ints = new Int32Array(k.memory.buffer);
    const layout = layoutOn(k.heap, ints, rows, classes);
    return { ...k, ints, layout };
  });
  runAll(runs[0].kernel, runs[0].layout, [[0, rows]]);
  runAll(runs[1].kernel, runs[1].layout, [
    [0, 4],
    [4, 5],
    [5, rows],
  ]);
  const bits = (k: (typeof runs)[number]) => new Uint32Array(k.memory.buffer);
  const [a, b] = runs.map(bits);
  const { end } = runs[0].layout;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.fail(`float ${i} differs: ${runs[0].heap[i]} vs ${runs[1].heap[i]}`);
  // Canaries (NaN) before the inputs and after the outputs, and every output written (finite).
  const heap = runs[0].heap;
  for (let i = 0; i < 1024; i++) assert.ok(Number.isNaN(heap[i]), `canary ${i} overwritten`);
  for (let i = end; i < heap.length; i++) assert.ok(Number.isNaN(heap[i]), `canary ${i} overwritten`);
  const { lossL, dT } = runs[0].layout;
  for (let i = lossL; i < dT + rows * classes; i++) assert.ok(Number.isFinite(heap[i]), `output float ${i} not written`);
});

test('the shared build (for the thread pool) gives bit for bit the plain build on a shared memory', () => {
  const [rows, classes] = [5, 257];
  const pages = 2;
  const plain = kernelOnCanaryMemory<LossExports>(LOSSES_WASM, pages);
  const Memory = wasmApi.Memory as unknown as new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  const memory = new Memory({ initial: pages, maximum: pages, shared: true });
  const module = new wasmApi.Module(fs.readFileSync(sharedBuild(LOSSES_WASM)));
  const shared = { kernel: new wasmApi.Instance(module, { env: { memory } }).exports as LossExports, heap: new Float32Array(memory.buffer), memory };
  shared.heap.fill(Number.NaN);
  const runs = [plain, shared].map((k) => ({ ...k, ints: new Int32Array(k.memory.buffer) }));
  for (const k of runs) {
    const layout = layoutOn(k.heap, k.ints, rows, classes);
    runAll(k.kernel, layout, [
      [0, 2],
      [2, rows],
    ]);
  }
  const [a, b] = runs.map((k) => new Uint32Array(k.memory.buffer));
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.fail(`float ${i} differs`);
});
