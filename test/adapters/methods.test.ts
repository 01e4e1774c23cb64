// LoRA, IA³, ARC and VeRA behind the one adapter interface: identity at init, mergeable into the base, parameter counts
// as in their papers / AdapterHub, AdapterHub tensor names and shapes, trainable, and composable.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter } from '../../src/core/adapters/modules/bottleneck';
import type { AdapterModule } from '../../src/core/adapters/modules/module';
import { createAdapter, isMergeable } from '../../src/core/adapters/modules/index';
import { parseSetup } from '../../src/core/composition/parse';
import { AdapterSetup } from '../../src/core/composition/setup';
import type { AdapterSpec, AdapterSpecOf } from '../../src/core/config/types';
import { BertEncoder } from '../../src/core/model/bert';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { Weights } from '../../src/core/model/weights';
import { adapterParamsPerLayer, adapterSharedParams } from '../../src/core/parameters/counts';
import { train } from '../../src/core/train/loop';
import { TINY, adapterSpec, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

const d = TINY.hiddenSize;
const ff = TINY.intermediateSize;
const L = TINY.layers;
const common = { task: 't', leaveOut: [] as number[] };
const SPECS: { lora: AdapterSpecOf<'lora'>; ia3: AdapterSpecOf<'ia3'>; arc: AdapterSpecOf<'arc'>; vera: AdapterSpecOf<'vera'> } = {
  lora: { ...common, name: 'lo', method: 'lora', r: 2, alpha: 4, attnMatrices: ['q', 'v'], intermediateLora: false, outputLora: false },
  ia3: { ...common, name: 'ia', method: 'ia3', r: 1, alpha: 1, attnMatrices: ['k', 'v'], intermediateLora: true, outputLora: false },
  arc: { ...common, name: 'ar', method: 'arc', bottleneckSize: 3, reductionFactor: 16 },
  vera: { ...common, name: 've', method: 'vera', r: 4, veraD: 0.1, veraB: 0, attnMatrices: ['q', 'v'], intermediateLora: true, outputLora: false },
};

function hidden(module: AdapterModule | null, encoder: BertEncoder = tinyEncoder()): number[][] {
  const setup = module && AdapterSetup.single(module, L);
  return encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup?.forwardOptions(0, null) }).arraySync() as number[][];
}

function perturb(module: AdapterModule, seed = 1): void {
  module.weights.entries().forEach(([, v], i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', seed + i))));
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r][i]))));

for (const method of ['lora', 'ia3', 'arc', 'vera'] as const) {
  test(`${method}: a new adapter leaves the base output unchanged; a trained one changes it`, () => {
    const module = createAdapter(SPECS[method], TINY, 3);
    assert.ok(maxDiff(hidden(module), hidden(null)) < 1e-6);
    perturb(module);
    assert.ok(maxDiff(hidden(module), hidden(null)) > 1e-3);
  });

  test(`${method}: merged into the frozen weights, the plain encoder computes what the adapter does`, () => {
    const module = createAdapter(SPECS[method], TINY, 3);
    perturb(module);
    assert.ok(isMergeable(module));
    const base = tinyEncoder();
    const merged = new BertEncoder(TINY, new Weights(new Map([...module.mergedInto(base.weights.snapshot())].map(([n, v]) => [n, v]))));
    assert.ok(maxDiff(hidden(null, merged), hidden(module, base)) < 1e-4);
  });

  test(`${method}: only the adapter and the head train; the base stays bit-identical`, async () => {
    const encoder = tinyEncoder(3);
    const before = encoder.weights.snapshot();
    const module = createAdapter(SPECS[method], TINY, 5);
    const initial = module.weights.snapshot();
    const head = new ClassificationHead('t', ['no', 'yes'], 'mean', d, 9);
    const model = new Classifier(encoder, [head], module, false);
    const examples = Array.from({ length: 16 }, (_, i) => ({ ids: [2, 4 + (i % 5), 10 + (i % 3), 3], labels: [i % 2] }));
    const data = { tasks: [{ name: 't', labels: ['no', 'yes'] }], train: examples, validation: examples.slice(0, 4), test: examples.slice(0, 4), padId: 0 };
    const options = {
      epochs: 2,
      batchSize: 4,
      learningRate: 1e-2,
      warmupRatio: 0,
      weightDecay: 0,
      maxGradNorm: 1,
      dropout: 0,
      maxLength: 16,
      logEvery: 1,
      earlyStoppingPatience: 0,
    };
    let changed = false;
    const watch = () => (changed ||= [...module.weights.snapshot()].some(([n, { data: v }]) => v.some((x, i) => x !== initial.get(n)!.data[i])));
    const outcome = await train(model, data, options, 1, { progress() {}, evaluated: watch, improved() {}, cancelled: () => false });
    assert.equal(outcome.trainableParams, module.weights.size() + head.weights.size());
    assert.ok(changed, 'the adapter trained');
    for (const [name, { data: values }] of encoder.weights.snapshot())
      assert.ok(
        values.every((v, i) => v === before.get(name)!.data[i]),
        name,
      );
  });
}

test('parameter counts match the papers’ formulas for the same shapes', () => {
  const count = (spec: AdapterSpec) => createAdapter(spec, TINY, 1).weights.size();
  const formula = (spec: AdapterSpec) => adapterParamsPerLayer(spec, d, L, ff).reduce((a, b) => a + b, 0) + adapterSharedParams(spec, d, L);
  // LoRA (Hu et al.): r·(d_in + d_out) per adapted matrix; q and v: 2·r·2d per layer.
  assert.equal(count(SPECS.lora), L * 2 * 2 * (d + d));
  assert.equal(formula(SPECS.lora), L * 2 * 2 * (d + d));
  const wide = { ...SPECS.lora, r: 4, attnMatrices: ['q', 'k', 'v'], intermediateLora: true, outputLora: true } as AdapterSpec;
  assert.equal(count(wide), L * 4 * (3 * 2 * d + (d + ff) + (ff + d)));
  assert.equal(formula(wide), count(wide));
  // (IA)³ (Liu et al.): d_k + d_v + d_ff per layer.
  assert.equal(count(SPECS.ia3), L * (d + d + ff));
  assert.equal(formula(SPECS.ia3), L * (d + d + ff));
  // ARC (Dong et al.): two shared projections d·r, then per layer and position r + d.
  assert.equal(count(SPECS.arc), 2 * d * 3 + L * 2 * (3 + d));
  assert.equal(formula(SPECS.arc), count(SPECS.arc));
  assert.equal(count({ ...SPECS.arc, leaveOut: [0] }), 2 * d * 3 + (L - 1) * 2 * (3 + d), 'left-out layers have no vectors; W stays');
  // VeRA (Kopiczko et al.): r + d_out per adapted matrix (d and b); A and B are frozen and shared, not counted.
  assert.equal(count(SPECS.vera), L * ((4 + d) * 2 + (4 + ff)));
  assert.equal(formula(SPECS.vera), count(SPECS.vera));
  // Houlsby for comparison: 2·(2·d·m + m + d) per layer.
  const houlsby = adapterSpec({ bottleneckSize: 3 });
  assert.equal(new BottleneckAdapter(houlsby, d, L, 1).weights.size(), L * 2 * (2 * d * 3 + 3 + d));
});

test('AdapterHub tensor names and PyTorch shapes, and back', () => {
  const lora = createAdapter(SPECS.lora, TINY, 1);
  const tensors = lora.exportTensors();
  assert.deepEqual(tensors['bert.encoder.layer.0.attention.self.query.loras.lo.lora_A'].shape, [2, d], 'lora_A [r, in]');
  assert.deepEqual(tensors['bert.encoder.layer.1.attention.self.value.loras.lo.lora_B'].shape, [d, 2], 'lora_B [out, r]');
  assert.equal(Object.keys(tensors).length, L * 2 * 2);
  const ia3 = createAdapter(SPECS.ia3, TINY, 1).exportTensors();
  assert.deepEqual(ia3['bert.encoder.layer.0.intermediate.dense.loras.ia.lora_B'].shape, [ff, 1]);
  assert.ok(ia3['bert.encoder.layer.0.attention.self.key.loras.ia.lora_B']);
  const vera = createAdapter(SPECS.vera, TINY, 1).exportTensors();
  assert.deepEqual(vera['bert.encoder.layer.1.intermediate.dense.loras.ve.vera_B'].shape, [ff], 'vera_B [out]');
  assert.deepEqual(vera['bert.encoder.layer.0.attention.self.query.loras.ve.vera_D'].shape, [4], 'vera_D [r]');
  for (const method of ['lora', 'ia3', 'arc', 'vera'] as const) {
    const source = createAdapter(SPECS[method], TINY, 1);
    perturb(source, 7);
    const copy = createAdapter(SPECS[method], TINY, 2);
    const files = new Map(Object.entries(source.exportTensors()).map(([n, t]) => [n, { shape: [...t.shape], data: t.data as Float32Array }]));
    copy.importTensors(files);
    assert.ok(maxDiff(hidden(copy), hidden(source)) < 1e-6, `${method} round trip`);
  }
});

test('compositions of LoRA: Stack adds both updates, Parallel(lora, houlsby) in one pass = separate passes', () => {
  const a = createAdapter({ ...SPECS.lora, name: 'a' }, TINY, 1);
  const b = createAdapter({ ...SPECS.lora, name: 'b', attnMatrices: ['q'] }, TINY, 2);
  perturb(a, 3);
  perturb(b, 4);
  const encoder = tinyEncoder();
  const setupOf = (text: string, modules: AdapterModule[], layers = L) =>
    new AdapterSetup(parseSetup(text).node!, new Map(modules.map((m) => [m.name, m])), new Map(), layers, { trainAdapters: false });
  const run = (setup: AdapterSetup) =>
    encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup.forwardOptions(0, null) }).arraySync() as number[][];
  // Stack of two LoRAs = one encoder whose weights carry both merged updates.
  assert.ok(isMergeable(a) && isMergeable(b));
  const mergedBoth = new BertEncoder(TINY, new Weights(b.mergedInto(a.mergedInto(encoder.weights.snapshot()))));
  assert.ok(maxDiff(run(setupOf('Stack(a, b)', [a, b])), hidden(null, mergedBoth)) < 1e-4);
  // Parallel across methods: branch outputs as separate single-adapter passes.
  const h = new BottleneckAdapter(adapterSpec({ name: 'h' }), d, L, 5);
  perturb(h, 6);
  const heads = [new ClassificationHead('x', ['0', '1'], 'mean', d, 1), new ClassificationHead('y', ['0', '1'], 'mean', d, 2)];
  const both = new Classifier(encoder, heads, setupOf('Parallel(a, h)', [a, h]), false, false)
    .logits(tinyInput(), 0, null)
    .map((t) => t.arraySync() as number[][]);
  const alone = [
    new Classifier(encoder, [heads[0]], a, false).logits(tinyInput(), 0, null)[0].arraySync(),
    new Classifier(encoder, [heads[1]], h, false).logits(tinyInput(), 0, null)[0].arraySync(),
  ] as number[][][];
  assert.ok(maxDiff(both[0], alone[0]) < 1e-5 && maxDiff(both[1], alone[1]) < 1e-5);
});

test('vera: the frozen projections are the same for every adapter of a shape, so two adapters average and reload', () => {
  const a = createAdapter(SPECS.vera, TINY, 1) as AdapterModule & { projections(l: string): { a: Float32Array; b: Float32Array } };
  const b = createAdapter({ ...SPECS.vera, name: 'other' }, TINY, 99) as typeof a;
  assert.deepEqual(a.projections('attention.self.query').a, b.projections('attention.self.query').a);
  assert.notEqual(a.projections('attention.self.query').b.length, a.projections('intermediate.dense').b.length, 'another shape, another B');
  const trainable = a.weights.entries().map(([n]) => n);
  assert.ok(
    trainable.every((n) => /\.vera_[DB]$/.test(n)),
    'only d and b are weights (trained)',
  );
});
