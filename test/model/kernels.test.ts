// The fused attention kernel (src/core/model/kernels) against the stock tfjs formulation: outputs and gradients,
// with padding and dropout, at sizes that exercise every tail of its SIMD loops; and its memory hygiene, since it
// runs inside tfjs's heap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  ATTENTION_WASM,
  type AttentionExports,
  backwardScratch,
  forwardScratch,
  fusedAttention,
  fusedAttentionAvailable,
} from '../../src/core/model/kernels/attention';
import { compileKernel, instantiateKernel, wasmApi } from '../../src/core/model/kernels/loader';
import { allowFusedAttention, attentionImplementation, batchedAttention, crossEntropy, dropout, dropoutMultiplier } from '../../src/core/model/ops';
import { BottleneckAdapter } from '../../src/core/adapters/modules/bottleneck';
import type { BertConfig } from '../../src/core/model/shapes';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { TINY, adapterSpec, backendReady, tinyEncoder } from '../helpers/tiny';
import { needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => allowFusedAttention(true));

/** |a − e| ≤ tol·(1 + |e|) elementwise: relative, with an absolute floor for values near zero. */
function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string, tol = 1e-4): void {
  assert.deepEqual(actual.shape, expected.shape, what);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
}

interface Case {
  batch: number;
  length: number;
  heads: number;
  headSize: number;
  dropout: boolean;
}

function inputs(c: Case) {
  const n = c.batch * c.length;
  const d = c.heads * c.headSize;
  const [q, k, v, up] = [1, 2, 3, 4].map((seed) => tf.randomNormal([n, d], 0, 1.5, 'float32', seed) as tf.Tensor2D);
  // Example b has its last b positions padded (at least one real token).
  const mask = tf.tensor2d(
    Array.from({ length: n }, (_, i) => (i % c.length < Math.max(1, c.length - Math.floor(i / c.length)) ? 0 : -1e9)),
    [c.batch, c.length],
  );
  const keep = c.dropout ? (dropoutMultiplier([c.batch, c.heads, c.length, c.length], 0.2, 9) as tf.Tensor4D) : null;
  return { q, k, v, up, mask, keep, shape: { batch: c.batch, length: c.length, heads: c.heads } };
}

// Lengths and head sizes below, at and above the 4- and 8-wide SIMD blocks, odd ones included.
const CASES: Case[] = [
  { batch: 2, length: 5, heads: 2, headSize: 4, dropout: false },
  { batch: 1, length: 1, heads: 1, headSize: 3, dropout: false },
  { batch: 3, length: 13, heads: 4, headSize: 16, dropout: true },
  { batch: 2, length: 9, heads: 3, headSize: 5, dropout: true },
  { batch: 2, length: 37, heads: 2, headSize: 32, dropout: true },
  { batch: 1, length: 64, heads: 2, headSize: 64, dropout: false },
];

for (const c of CASES) {
  test(`fused attention = stock formulation, outputs and q/k/v gradients (B ${c.batch}, T ${c.length}, H ${c.heads}, dh ${c.headSize}${c.dropout ? ', dropout' : ''})`, (t) => {
    if (needsWasm(t)) return;
    tf.tidy(() => {
      const { q, k, v, up, mask, keep, shape } = inputs(c);
      assertClose(fusedAttention(q, k, v, mask, keep, shape), batchedAttention(q, k, v, mask, keep, shape), 'context');
      const loss = (f: typeof fusedAttention) => (a: tf.Tensor, b: tf.Tensor, cc: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D, cc as tf.Tensor2D, mask, keep, shape), up));
      const ours = tf.grads(loss(fusedAttention))([q, k, v]);
      const stock = tf.grads(loss(batchedAttention))([q, k, v]);
      ours.forEach((g, i) => assertClose(g, stock[i], `d${'qkv'[i]}`));
    });
  });
}

test('dropoutMultiplier is exactly the multiplier dropout() applies; 0 or 1/(1 − rate), about rate zeros, seeded', () => {
  const x = tf.randomNormal([3, 2, 5, 5], 1, 1, 'float32', 2);
  assert.deepEqual(Array.from(tf.mul(x, dropoutMultiplier(x.shape, 0.3, 17)).dataSync()), Array.from(dropout(x, 0.3, 17).dataSync()));
  const m = dropoutMultiplier([100, 100], 0.3, 5).dataSync();
  const scale = Math.fround(1 / 0.7);
  assert.ok(m.every((v) => v === 0 || v === scale));
  const zeros = m.filter((v) => v === 0).length / m.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.02, `share of zeros ${zeros}`);
  assert.deepEqual(dropoutMultiplier([100, 100], 0.3, 5).dataSync(), m);
  assert.notDeepEqual(dropoutMultiplier([100, 100], 0.3, 6).dataSync(), m);
});

test('on wasm the encoder uses the fused kernel, and a training step (dropout on) matches the stock attention', (t) => {
  if (needsWasm(t)) return;
  assert.ok(fusedAttentionAvailable(), `kernel not loaded from ${ATTENTION_WASM}`);
  assert.equal(attentionImplementation(), 'fused');
  const config: BertConfig = { ...TINY, hiddenSize: 16, heads: 2 };
  const encoder = tinyEncoder(5, config);
  const adapter = new BottleneckAdapter(adapterSpec(), config.hiddenSize, config.layers, 2);
  const model = new Classifier(encoder, [new ClassificationHead('t', ['a', 'b'], 'mean', config.hiddenSize, 3)], adapter, true);
  const input = {
    ids: tf.tensor2d(
      [
        [2, 5, 7, 9, 3, 4],
        [2, 11, 3, 0, 0, 0],
      ],
      [2, 6],
      'int32',
    ),
    typeIds: tf.zeros([2, 6], 'int32') as tf.Tensor2D,
    mask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
      ],
      [2, 6],
    ),
  };
  const variables = model.trainable().map(([, v]) => v);
  const step = (implementation: 'fused' | 'batched') => {
    allowFusedAttention(implementation === 'fused');
    assert.equal(attentionImplementation(), implementation);
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.logits(input, 0.2, 11)[0], tf.tensor1d([1, 0], 'int32')), variables);
    allowFusedAttention(true);
    return { value, grads: variables.map((v) => grads[v.name]) };
  };
  const fused = step('fused');
  const stock = step('batched');
  assertClose(fused.value, stock.value, 'loss');
  fused.grads.forEach((g, i) => assertClose(g, stock.grads[i], `gradient of ${model.trainable()[i][0]}`));
});

test('the kernel binary imports only env.memory and writes only its outputs and scratch', () => {
  const module = compileKernel(ATTENTION_WASM);
  if (module instanceof Error) throw module;
  const c = { batch: 2, length: 7, heads: 2, headSize: 6, dropout: true };
  const n = c.batch * c.length * c.heads * c.headSize;
  const pp = c.batch * c.heads * c.length * c.length;
  const memory = new wasmApi.Memory({ initial: 2 });
  const kernel = instantiateKernel<AttentionExports>(module, memory);
  const heap = new Float32Array(memory.buffer);
  heap.fill(Number.NaN); // canary: anything read from here poisons the results; anything written changes it
  const bump = (() => {
    let next = 1024; // leave the lowest 4 KB (and address 0, the null pointer) as canary
    return (floats: number) => ((next += floats), next - floats);
  })();
  const region = (floats: number) => ({ at: bump(floats), floats });
  const { q, k, v, up, mask, keep, shape } = inputs(c);
  const data = { q, k, v, mask, keep: keep as tf.Tensor, dctx: up };
  const input = Object.fromEntries(
    Object.entries(data).map(([name, t]) => {
      const r = region(t.size);
      heap.set(t.dataSync(), r.at);
      return [name, r];
    }),
  );
  const out = {
    probs: region(pp),
    ctx: region(n),
    dq: region(n),
    dk: region(n),
    dv: region(n),
    scratch: region(Math.max(forwardScratch(c.length, c.headSize), backwardScratch(c.length, c.headSize))),
  };
  const before = heap.slice();
  const byte = (r: { at: number }) => r.at * 4;
  const scale = 1 / Math.sqrt(c.headSize);
  kernel.attention_forward(
    byte(input.q),
    byte(input.k),
    byte(input.v),
    byte(input.mask),
    byte(input.keep),
    byte(out.probs),
    byte(out.ctx),
    byte(out.scratch),
    c.batch,
    c.length,
    c.heads,
    c.headSize,
    scale,
  );
  kernel.attention_backward(
    byte(input.dctx),
    byte(input.q),
    byte(input.k),
    byte(input.v),
    byte(out.probs),
    byte(input.keep),
    byte(out.dq),
    byte(out.dk),
    byte(out.dv),
    byte(out.scratch),
    c.batch,
    c.length,
    c.heads,
    c.headSize,
    scale,
  );

  const written = Object.values(out);
  for (let i = 0; i < heap.length; i++) {
    if (written.some((r) => i >= r.at && i < r.at + r.floats)) continue;
    assert.ok(Object.is(heap[i], before[i]), `the kernel wrote outside its outputs, at byte ${i * 4}`);
  }
  const result = (r: { at: number; floats: number }, s: number[]) => tf.tensor(heap.slice(r.at, r.at + r.floats), s);
  const d = c.heads * c.headSize;
  const rows = c.batch * c.length;
  assertClose(result(out.ctx, [rows, d]), batchedAttention(q, k, v, mask, keep, shape), 'context');
  const stock = tf.grads((a, b, cc) => tf.sum(tf.mul(batchedAttention(a as tf.Tensor2D, b as tf.Tensor2D, cc as tf.Tensor2D, mask, keep, shape), up)))([
    q,
    k,
    v,
  ]);
  [out.dq, out.dk, out.dv].forEach((r, i) => assertClose(result(r, [rows, d]), stock[i], `d${'qkv'[i]}`));
});
