// Forward semantics of each composition block on tiny tensors, against plain-JS references.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { AdapterModule, Inner, Site } from '../../src/core/adapters/modules/module';
import { SetupForward, type SiteContext } from '../../src/core/composition/forward';
import { FusionLayer } from '../../src/core/composition/fusion';
import { parseSetup } from '../../src/core/composition/parse';
import type { SetupNode } from '../../src/core/composition/tree';
import { Weights } from '../../src/core/model/weights';
import { backendReady } from '../helpers/tiny';

before(backendReady);

/** A stand-in adapter whose effect is easy to compute by hand: out = inner(x)·scale + shift, at every block site. */
function toy(name: string, shift: number, scale = 1, layers: number[] = [0, 1]): AdapterModule {
  return {
    name,
    method: 'houlsby',
    weights: new Weights(),
    acts: (site: Site) => site.kind === 'block' && layers.includes(site.layer),
    transform: (site: Site, x: tf.Tensor2D, inner: Inner) => (site.kind === 'block' ? (tf.add(tf.mul(inner(x), scale), shift) as tf.Tensor2D) : inner(x)),
    exportTensors: () => ({}),
    importTensors: () => {},
    hubConfig: () => ({}),
  };
}

const A = toy('a', 1); // x + 1
const B = toy('b', 0, 2); // 2x
const C = toy('c', -3); // x − 3
const modules = new Map([A, B, C].map((m) => [m.name, m]));

function setup(text: string): SetupNode {
  const parsed = parseSetup(text);
  assert.ok(parsed.node, parsed.error?.message);
  return parsed.node;
}

/** x [batch·length, d] with distinct values, as nested JS arrays per row. */
function rows(batch: number, length: number, d: number): number[][] {
  return Array.from({ length: batch * length }, (_, r) => Array.from({ length: d }, (_, c) => r * 10 + c));
}

function run(text: string, x: number[][], shape: { batch: number; length: number }, replicated = false, fusions = new Map<string, FusionLayer>()): number[][] {
  const forward = new SetupForward(modules, fusions);
  const ctx: SiteContext = { site: { kind: 'block', layer: 0, position: 'output' }, ...shape, blockInput: null, replicated };
  return tf.tidy(() => forward.apply(setup(text), tf.tensor2d(x), (y) => y, ctx).arraySync() as number[][]);
}

const a = (v: number) => v + 1;
const b = (v: number) => 2 * v;
const c = (v: number) => v - 3;

function assertClose(actual: number[][], expected: number[][], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, 'row count');
  actual.forEach((row, r) => row.forEach((v, i) => assert.ok(Math.abs(v - expected[r][i]) <= tolerance, `row ${r} col ${i}: ${v} vs ${expected[r][i]}`)));
}

test('Stack(a, b): the output of a feeds b, in order', () => {
  const x = rows(2, 3, 2);
  assertClose(
    run('Stack(a, b)', x, { batch: 2, length: 3 }),
    x.map((r) => r.map((v) => b(a(v)))),
  );
  assertClose(
    run('Stack(b, a)', x, { batch: 2, length: 3 }),
    x.map((r) => r.map((v) => a(b(v)))),
  );
});

test('Average(a, b, weights=[1, 3]): the weights are normalised to 1/4 and 3/4', () => {
  const x = rows(1, 4, 3);
  assertClose(
    run('Average(a, b, weights=[1, 3])', x, { batch: 1, length: 4 }),
    x.map((r) => r.map((v) => 0.25 * a(v) + 0.75 * b(v))),
  );
  assertClose(
    run('Average(a, b, c)', x, { batch: 1, length: 4 }),
    x.map((r) => r.map((v) => (a(v) + b(v) + c(v)) / 3)),
  );
});

test('Split(a, b, splits=[2, 1]): per example, tokens 0–1 go to a, token 2 to b, the rest keep no adapter', () => {
  const [batch, length] = [2, 4];
  const x = rows(batch, length, 2);
  const expected = x.map((r, i) => {
    const token = i % length;
    return r.map((v) => (token < 2 ? a(v) : token < 3 ? b(v) : v));
  });
  assertClose(run('Split(a, b, splits=[2, 1])', x, { batch, length }), expected);
  // splits longer than the sequence: the last child gets what is left
  assertClose(
    run('Split(a, b, splits=[3, 5])', x, { batch, length }),
    x.map((r, i) => r.map((v) => (i % length < 3 ? a(v) : b(v)))),
  );
});

test('BatchSplit(a, b, batch_sizes=[1, 2]): example 0 to a, examples 1–2 to b, example 3 no adapter', () => {
  const [batch, length] = [4, 3];
  const x = rows(batch, length, 2);
  const expected = x.map((r, i) => {
    const example = Math.floor(i / length);
    return r.map((v) => (example < 1 ? a(v) : example < 3 ? b(v) : v));
  });
  assertClose(run('BatchSplit(a, b, batch_sizes=[1, 2])', x, { batch, length }), expected);
});

test('nesting: Stack(c, Split(a, BatchSplit(a, b, batch_sizes=1), splits=[1, 2]))', () => {
  const [batch, length] = [2, 3];
  const x = rows(batch, length, 1);
  const expected = x.map((r, i) => {
    const [example, token] = [Math.floor(i / length), i % length];
    return r.map((v) => (token < 1 ? a(c(v)) : example === 0 ? a(c(v)) : b(c(v))));
  });
  assertClose(run('Stack(c, Split(a, BatchSplit(a, b, batch_sizes=1), splits=[1, 2]))', x, { batch, length }), expected);
});

test('Parallel(a, b, c) on a replicated batch: copy p goes through branch p', () => {
  const [batch, length] = [2, 2];
  const one = rows(batch, length, 2);
  const x = [...one, ...one, ...one]; // three copies, copy-major
  const expected = [...one.map((r) => r.map(a)), ...one.map((r) => r.map(b)), ...one.map((r) => r.map(c))];
  assertClose(run('Parallel(a, b, c)', x, { batch: 3 * batch, length }, true), expected);
  assert.throws(() => run('Parallel(a, b)', one, { batch, length }, false), /before the batch was replicated/);
});

test('an adapter that does not act at a site leaves it to what lies beneath (no compute)', () => {
  const late = toy('late', 100, 1, [1]);
  const forward = new SetupForward(
    new Map([
      ['a', A],
      ['late', late],
    ]),
  );
  const x = tf.tensor2d(rows(1, 2, 2));
  const ctx: SiteContext = { site: { kind: 'block', layer: 0, position: 'output' }, batch: 1, length: 2, blockInput: null, replicated: false };
  assert.equal(forward.acts(setup('Stack(late)'), ctx.site), false);
  assertClose(
    forward.apply(setup('Stack(a, late)'), x, (y) => y, ctx).arraySync() as number[][],
    rows(1, 2, 2).map((r) => r.map(a)),
  );
});

/** Plain-JS AdapterFusion: p = softmax(Q(h)·K(δᵢ) / T), out = h + Σ pᵢ V(δᵢ). Returns [out, p]. */
function fusionReference(fusion: FusionLayer, h: number[][], deltas: number[][][]): [number[][], number[][]] {
  const get = (n: string) => {
    const v = fusion.weights.get(`bert.encoder.layer.0.output.adapter_fusion_layer.${fusion.name}.${n}`);
    return v.arraySync() as number[][] | number[];
  };
  const linear = (x: number[], w: number[][], bias: number[]) => bias.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * w[i][j], 0));
  const [wq, bq, wk, bk, wv, bv] = ['query.weight', 'query.bias', 'key.weight', 'key.bias', 'value.weight', 'value.bias'].map(get) as [
    number[][],
    number[],
    number[][],
    number[],
    number[][],
    number[],
  ];
  const probs: number[][] = [];
  const out = h.map((row, r) => {
    const q = linear(row, wq, bq);
    const scores = deltas.map((d) => linear(d[r], wk, bk).reduce((s, k, j) => s + k * q[j], 0) / fusion.currentTemperature);
    const max = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - max));
    const p = e.map((v) => v / e.reduce((x, y) => x + y, 0));
    probs.push(p);
    return row.map((v, j) => v + deltas.reduce((s, d, i) => s + p[i] * linear(d[r], wv, bv)[j], 0));
  });
  return [out, probs];
}

test('Fuse(a, b, c): attention over the adapters sums to 1 per row, output matches the reference', () => {
  const d = 3;
  const fusion = new FusionLayer('a,b,c', { temperature: false, regularization: true, valueInitialized: true }, d, [{ layer: 0, position: 'output' }], 5);
  // Make query and key large enough that the attention is far from uniform.
  for (const n of ['query.weight', 'key.weight']) {
    const v = fusion.weights.get(`bert.encoder.layer.0.output.adapter_fusion_layer.a,b,c.${n}`);
    v.assign(tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', n.length), 0.3));
  }
  const x = rows(2, 2, d).map((r) => r.map((v) => v / 10));
  const deltas = [a, b, c].map((f) => x.map((r) => r.map((v) => f(v) - v)));
  const [expected, expectedProbs] = fusionReference(fusion, x, deltas);
  assertClose(run('Fuse(a, b, c)', x, { batch: 2, length: 2 }, false, new Map([['a,b,c', fusion]])), expected, 1e-3);

  const probs = tf.tidy(() =>
    fusion
      .attention(
        0,
        'output',
        tf.tensor2d(x),
        deltas.map((dd) => tf.tensor2d(dd)),
        { rate: 0, seed: null },
      )
      .arraySync(),
  ) as number[][];
  for (const row of probs) assert.ok(Math.abs(row.reduce((s, p) => s + p, 0) - 1) < 1e-5, `attention sums to 1: ${row}`);
  assertClose(probs, expectedProbs, 1e-4);
  assert.ok(
    probs.some((row) => Math.max(...row) > 0.4),
    'not uniform',
  );
});

test('Fuse: a new fusion layer starts with V = I, so its output is h plus the attention-weighted adapter deltas', () => {
  const fusion = new FusionLayer('a,b', { temperature: false, regularization: true, valueInitialized: true }, 2, [{ layer: 0, position: 'output' }], 1);
  const value = fusion.weights.get('bert.encoder.layer.0.output.adapter_fusion_layer.a,b.value.weight').arraySync() as number[][];
  assertClose(
    value,
    [
      [1, 1e-6],
      [1e-6, 1],
    ],
    1e-9,
  );
  const reg = fusion.regularization()!.dataSync()[0];
  assert.ok(reg > 0 && reg < 1e-12, `regularisation ≈ 0 at identity: ${reg}`);
});

test('Fuse temperature annealing: T starts at 50 and falls by 0.05 per training step, never below 1', () => {
  const fusion = new FusionLayer('a,b', { temperature: true, regularization: false, valueInitialized: true }, 2, [{ layer: 0, position: 'output' }], 1);
  assert.equal(fusion.currentTemperature, 50);
  fusion.step();
  assert.ok(Math.abs(fusion.currentTemperature - 49.95) < 1e-9);
  for (let i = 0; i < 2000; i++) fusion.step();
  assert.equal(fusion.currentTemperature, 1);
  assert.equal(fusion.regularization(), null);
});
