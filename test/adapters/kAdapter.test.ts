// K-Adapter (Wang et al. 2021) as a plug-in beside the frozen base: a new one changes nothing the base computes, it
// reads exactly the hidden states it is configured for, training reaches only it and the head, and its parameter
// count is the closed-form formula.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { createAdapter } from '../../src/core/adapters/modules/index';
import { KAdapter } from '../../src/core/adapters/modules/kAdapter';
import { kAdapterParams } from '../../src/core/adapters/methods/kAdapter';
import { AdapterSetup } from '../../src/core/composition/setup';
import { Classifier } from '../../src/core/classifier/classifier';
import { BertEncoder } from '../../src/core/model/bert';
import { ClassificationHead, pool } from '../../src/core/model/heads';
import { adapterParamsPerLayer, adapterSharedParams, headExtraInputs, headParams } from '../../src/core/parameters/counts';
import { train } from '../../src/core/train/loop';
import { FrozenPrefixCache } from '../../src/core/train/frozenPrefix';
import { makeBatch } from '../../src/core/train/batches';
import { parseSetup } from '../../src/core/composition/parse';
import { parseJsonc } from '../../src/core/config/parse';
import { checkConfigText } from '../../src/core/config/validate';
import { buildGraph } from '../../src/core/graph/build';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { labelCounts } from '../../src/core/parameters/labels';
import { parameterReport } from '../../src/core/parameters/report';
import { type GraphNode, walkItems } from '../../src/common/graphModel';
import { ROOT, tinyConfig } from '../helpers/workspace';
import { saveAdapter } from '../../src/core/io/adapterhub';
import { buildComposition } from '../../src/core/run/buildComposition';
import { TINY, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';
import { K_ADAPTER_SPEC, maxDiff, rows } from '../helpers/kAdapter';

before(backendReady);

const d = TINY.hiddenSize;
const L = TINY.layers;
const SPEC = K_ADAPTER_SPEC;

function perturb(module: KAdapter, seed = 1): void {
  module.weights.entries().forEach(([, v], i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', seed + i))));
}

const pass = { mask: tinyInput().mask, trainable: false, dropoutRate: 0, dropoutSeed: null };

test('a new K-adapter leaves the base output unchanged, and a new head on it computes what a head on the base alone does', () => {
  const encoder = tinyEncoder();
  const k = new KAdapter(SPEC, TINY, 3);
  const setup = AdapterSetup.single(k, L);
  const plain = rows(encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null }));
  const withPlugIn = rows(encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup.forwardOptions(0, null) }));
  assert.equal(maxDiff(plain, withPlugIn), 0);
  // The head reads [base; K-adapter]: its rows for the K-adapter start at zero.
  const onBase = new Classifier(encoder, [new ClassificationHead('t', ['a', 'b'], 'mean', d, 9)], null, false).logits(tinyInput(), 0, null)[0];
  const onBoth = new Classifier(encoder, [new ClassificationHead('t', ['a', 'b'], 'mean', d, 9, d)], setup, false).logits(tinyInput(), 0, null)[0];
  assert.ok(maxDiff(rows(onBase), rows(onBoth)) < 1e-6);
});

test('the plug-in reads exactly the hidden states it is configured for', () => {
  const k = new KAdapter(SPEC, TINY, 3);
  perturb(k);
  const states = Array.from({ length: L + 1 }, (_, i) => tf.randomNormal([10, d], 0, 1, 'float32', 100 + i) as tf.Tensor2D);
  const reference = rows(k.output((i) => states[i], pass));
  for (let changed = 0; changed <= L; changed++) {
    const moved = states.map((s, i) => (i === changed ? (tf.add(s, 0.5) as tf.Tensor2D) : s));
    const differs = maxDiff(reference, rows(k.output((i) => moved[i], pass))) > 1e-4;
    assert.equal(differs, SPEC.readLayers!.includes(changed), `hidden state ${changed}`);
  }
});

test('in the classifier the plug-in gets hidden_states numbering: 0 = embeddings, i = the output of layer i', () => {
  const encoder = tinyEncoder(2);
  const k = new KAdapter({ ...SPEC, readLayers: [1] }, TINY, 4);
  perturb(k, 5);
  const head = new ClassificationHead('t', ['a', 'b'], 'mean', d, 9, d);
  const got = rows(new Classifier(encoder, [head], AdapterSetup.single(k, L), false).logits(tinyInput(), 0, null)[0]);
  // State 1 computed apart: a one-layer encoder over the same weights.
  const oneLayer = new BertEncoder({ ...TINY, layers: 1 }, encoder.weights);
  const off = { trainBase: false, dropoutRate: 0, dropoutSeed: null };
  const mask = tinyInput().mask;
  const pooler = {
    weight: encoder.weights.get('bert.pooler.dense.weight') as tf.Tensor2D,
    bias: encoder.weights.get('bert.pooler.dense.bias') as tf.Tensor1D,
    trainable: false,
  };
  const state1 = oneLayer.forward(tinyInput(), off);
  const features = tf.concat(
    [
      pool(encoder.forward(tinyInput(), off), mask, 'mean', pooler),
      pool(
        k.output(() => state1, pass),
        mask,
        'mean',
        pooler,
      ),
    ],
    1,
  ) as tf.Tensor2D;
  assert.ok(maxDiff(got, rows(head.logits(features, 0, null))) < 1e-5);
});

test('training reaches only the K-adapter and the head: the base stays bit-identical', async () => {
  const encoder = tinyEncoder(3);
  const before = encoder.weights.snapshot();
  const k = new KAdapter(SPEC, TINY, 5);
  const initial = k.weights.snapshot();
  const head = new ClassificationHead('t', ['no', 'yes'], 'mean', d, 9, d);
  const headBefore = head.weights.snapshot();
  const model = new Classifier(encoder, [head], k, false);
  const examples = Array.from({ length: 16 }, (_, i) => ({ ids: [2, 4 + (i % 5), 10 + (i % 3), 3], labels: [i % 2] }));
  const data = { tasks: [{ name: 't', labels: ['no', 'yes'] }], train: examples, validation: examples.slice(0, 4), test: examples.slice(0, 4), padId: 0 };
  const options = {
    epochs: 2,
    batchSize: 4,
    learningRate: 1e-2,
    warmupRatio: 0,
    weightDecay: 0,
    maxGradNorm: 1,
    dropout: 0.1,
    maxLength: 16,
    logEvery: 1,
    earlyStoppingPatience: 0,
  };
  const changedFrom = (now: Map<string, { data: Float32Array }>, then: Map<string, { data: Float32Array }>) =>
    [...now].filter(([n, { data }]) => data.some((x, i) => x !== then.get(n)!.data[i])).map(([n]) => n);
  let adapterChanged: string[] = [];
  let headChanged: string[] = [];
  const watch = () => {
    if (adapterChanged.length === 0) adapterChanged = changedFrom(k.weights.snapshot(), initial);
    if (headChanged.length === 0) headChanged = changedFrom(head.weights.snapshot(), headBefore);
  };
  const outcome = await train(model, data, options, 1, { progress() {}, evaluated: watch, improved() {}, cancelled: () => false });
  assert.equal(outcome.trainableParams, k.weights.size() + head.weights.size());
  assert.ok(
    adapterChanged.some((n) => n.includes('.encoder.layer.')),
    'the small transformer layers trained',
  );
  assert.ok(
    adapterChanged.some((n) => n.endsWith('up_project.weight')) && adapterChanged.some((n) => n.endsWith('down_project.weight')),
    'both projections trained',
  );
  assert.ok(headChanged.length > 0, 'the head trained');
  for (const [name, { data: values }] of encoder.weights.snapshot())
    assert.ok(
      values.every((v, i) => v === before.get(name)!.data[i]),
      name,
    );
});

test('parameter counts equal the closed form k·(2dm + m + d + N·(4m² + 2mf + 9m + f)), and the head reads 2d', () => {
  const closedForm = (o: typeof SPEC, layersRead: number) => {
    const [m, f, N] = [o.adapterSize, o.intermediateSize, o.transformerLayers];
    return layersRead * (2 * d * m + m + d + N * (4 * m * m + 2 * m * f + 9 * m + f));
  };
  for (const spec of [SPEC, { ...SPEC, readLayers: undefined, transformerLayers: 1, adapterSize: 6, heads: 3, intermediateSize: 10 }]) {
    const read = spec.readLayers?.length ?? L + 1;
    const module = createAdapter(spec, TINY, 1);
    assert.equal(module.weights.size(), closedForm(spec, read));
    assert.equal(kAdapterParams(spec, TINY), closedForm(spec, read));
    assert.equal(adapterSharedParams(spec, d, L) + adapterParamsPerLayer(spec, d, L).reduce((a, b) => a + b, 0), closedForm(spec, read));
  }
  const head = new ClassificationHead('t', ['a', 'b', 'c'], 'mean', d, 1, headExtraInputs(SPEC, d));
  assert.equal(head.weights.size(), headParams(d, 3, d));
  assert.equal(headParams(d, 3, d), 2 * d * d + d + d * 3 + 3);
});

test('tensors are saved under k_adapters.{name}.adapter.{j} in PyTorch orientation, and load back', () => {
  const source = new KAdapter(SPEC, TINY, 1);
  perturb(source, 7);
  const tensors = source.exportTensors();
  assert.deepEqual(tensors['k_adapters.ling.adapter.0.down_project.weight'].shape, [4, d], 'Linear(d, m) as [out, in]');
  assert.deepEqual(tensors['k_adapters.ling.adapter.1.up_project.weight'].shape, [d, 4]);
  assert.deepEqual(tensors['k_adapters.ling.adapter.1.encoder.layer.1.intermediate.dense.weight'].shape, [6, 4]);
  assert.equal(Object.keys(tensors).length, 2 * (4 + 2 * 16));
  const copy = new KAdapter(SPEC, TINY, 2);
  copy.importTensors(new Map(Object.entries(tensors).map(([n, t]) => [n, { shape: [...t.shape], data: t.data as Float32Array }])));
  const states = Array.from({ length: L + 1 }, (_, i) => tf.randomNormal([10, d], 0, 1, 'float32', 200 + i) as tf.Tensor2D);
  assert.ok(maxDiff(rows(copy.output((i) => states[i], pass)), rows(source.output((i) => states[i], pass))) < 1e-6);
  assert.deepEqual(source.hubConfig(d).adapter_list, [0, 2]);
});

test('Concat(a, b) of two K-adapters: the head reads [base; a; b], in the setup’s order', () => {
  const encoder = tinyEncoder(4);
  const a = new KAdapter({ ...SPEC, name: 'a', readLayers: [0] }, TINY, 1);
  const b = new KAdapter({ ...SPEC, name: 'b', readLayers: [2, 1] }, TINY, 2);
  perturb(a, 3);
  perturb(b, 4);
  const setup = new AdapterSetup(
    parseSetup('Concat(a, b)').node!,
    new Map([
      ['a', a],
      ['b', b],
    ]),
    new Map(),
    L,
    { trainAdapters: false },
  );
  const head = new ClassificationHead('t', ['x', 'y'], 'mean', d, 9, 2 * d);
  head.weights.entries().forEach(([, v], i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', 50 + i))));
  const got = rows(new Classifier(encoder, [head], setup, false).logits(tinyInput(), 0, null)[0]);
  const states: tf.Tensor2D[] = [];
  const last = encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, hiddenStates: (i, h) => (states[i] = h) });
  const mask = tinyInput().mask;
  const pooler = {
    weight: encoder.weights.get('bert.pooler.dense.weight') as tf.Tensor2D,
    bias: encoder.weights.get('bert.pooler.dense.bias') as tf.Tensor1D,
    trainable: false,
  };
  const mean = (h: tf.Tensor2D) => pool(h, mask, 'mean', pooler);
  const features = tf.concat([mean(last), mean(a.output((i) => states[i], pass)), mean(b.output((i) => states[i], pass))], 1) as tf.Tensor2D;
  assert.ok(maxDiff(got, rows(head.logits(features, 0, null))) < 1e-5);

  // Frozen K-adapters and a head to train: the frozen-prefix cache keeps [base; a; b] per example, and a head on the
  // cache computes what it computes on the whole model.
  const classifier = new Classifier(encoder, [head], setup, false);
  const examples = [
    { ids: [2, 5, 7, 3], labels: [0] },
    { ids: [2, 9, 3], labels: [1] },
  ];
  const { cache, info } = FrozenPrefixCache.forRun(classifier, examples, 0);
  assert.ok(cache && info.used, 'frozen K-adapters are cached');
  assert.equal(cache.pooledWidth, 3 * d);
  const batch = makeBatch(examples, [0, 1], 0);
  cache.prepare([0, 1]);
  assert.ok(maxDiff(rows(cache.logits([0, 1], batch.input, 0, null)[0]), rows(classifier.logits(batch.input, 0, null)[0])) < 1e-5);
  const modules = new Map([
    ['a', a],
    ['b', b],
  ]);
  const training = new Classifier(encoder, [head], new AdapterSetup(parseSetup('Concat(a, b)').node!, modules, new Map(), L, { trainAdapters: true }), false);
  assert.equal(FrozenPrefixCache.forRun(training, examples, 0).cache, null, 'a K-adapter that trains is not cached');
});

test('config: k-adapter options, Concat holds only k-adapters, readLayers beyond the base is an error; graph draws the plug-in path', () => {
  const config = (adapters: Record<string, unknown>, compositions: Record<string, unknown> = {}) =>
    JSON.stringify(tinyConfig({ data: { builtin: 'reviews' }, tasks: { mood: { field: 'sentiment' } }, adapters, compositions, baselines: ['head-only'] }));
  const file = path.join(ROOT, 'examples', 'test.adapterlab.json');
  const ok = config(
    {
      ling: { method: 'k-adapter', task: 'mood', readLayers: [0, 2], adapterSize: 8, heads: 2, intermediateSize: 16 },
      lex: { method: 'k-adapter', task: 'mood' },
    },
    { both: { setup: 'Concat(ling, lex)', task: 'mood', trainHeads: true } },
  );
  const checked = checkConfigText(ok, file);
  assert.deepEqual(checked.problems, []);
  const codes = (text: string) => checkConfigText(text, file).problems.map((p) => p.code);
  assert.deepEqual(codes(config({ ling: { method: 'k-adapter', task: 'mood', readLayers: [3] } })), ['read-layer-out-of-range']);
  assert.ok(
    codes(
      config(
        { ling: { method: 'k-adapter', task: 'mood' }, h: { method: 'houlsby', task: 'mood' } },
        { c: { setup: 'Concat(ling, h)', task: 'mood', trainHeads: true } },
      ),
    ).includes('unsupported-composition'),
  );
  assert.ok(codes(config({ ling: { method: 'k-adapter', task: 'mood' } }, { c: { setup: 'Stack(ling)', task: 'mood' } })).includes('unsupported-composition'));
  assert.deepEqual(codes(config({ ling: { method: 'k-adapter', task: 'mood', adapterSize: 10, heads: 4 } })), ['k-adapter-heads']);

  const c = checked.config!;
  const shape = baseShapeOf(c.base);
  const g = buildGraph(c, parseJsonc(ok), shape.config, labelCounts(c), shape.description);
  const all = [...walkItems(g.items)];
  const plugIns = all.filter((i): i is GraphNode => i.type === 'node' && i.placement === 'plug-in' && i.adapter === 'ling');
  assert.deepEqual(
    plugIns.map((n) => n.id),
    ['plug-in.ling.0', 'plug-in.ling.1'],
  );
  const box = all.find((i) => i.type === 'group' && i.id === 'plug-in.ling');
  assert.ok(box?.type === 'group' && box.kind === 'plug-in', 'a box around the K-adapter’s layers');
  assert.deepEqual(
    box.children.map((n) => n.id),
    ['plug-in.ling.0', 'plug-in.ling.1'],
  );
  const into = (id: string) => g.edges.filter((e) => e.to === id).map((e) => e.from);
  assert.deepEqual(into('plug-in.ling.0'), ['embeddings'], 'state 0 is the embeddings output');
  assert.deepEqual(into('plug-in.ling.1').sort(), ['L1.feed-forward', 'plug-in.ling.0'], 'state 2 is layer 1’s output, plus the adapter layer below');
  assert.ok(g.edges.some((e) => e.from === 'plug-in.ling.1' && e.to === 'head.mood'));
  const compositionHead = all.find((i) => i.id.endsWith('.head.mood') && i.id !== 'head.mood');
  const hd = shape.config.hiddenSize;
  assert.equal(compositionHead?.params, headParams(hd, 2, 2 * hd), 'the head on Concat(ling, lex) reads [base; ling; lex]');
  assert.equal(plugIns[0].params, kAdapterParams({ ...c.adapters[0], readLayers: [0] } as typeof SPEC, shape.config));
  // inspect's and the parameters view's head for a K-adapter run reads 2d.
  const report = parameterReport(c, shape.config, labelCounts(c), shape.description);
  const row = report.rows.find((r) => r.name === 'adapter:ling')!;
  assert.equal(row.heads, headParams(shape.config.hiddenSize, 2, shape.config.hiddenSize));
  assert.equal(row.shared, kAdapterParams(c.adapters[0] as typeof SPEC, shape.config));
});

test('a composition run loads K-adapters saved by their runs by name: Concat gives a new head on [base; a; b]', () => {
  const text = JSON.stringify(
    tinyConfig({
      data: { builtin: 'reviews' },
      tasks: { mood: { field: 'sentiment' } },
      adapters: {
        ling: { method: 'k-adapter', knowledge: 'pos', readLayers: [0, 2], adapterSize: 4, heads: 2, intermediateSize: 6 },
        other: { method: 'k-adapter', task: 'mood', readLayers: [1], adapterSize: 4, heads: 2, intermediateSize: 6 },
      },
      compositions: { both: { setup: 'Concat(ling, other)', task: 'mood', trainHeads: true } },
      baselines: [],
    }),
  );
  const config = checkConfigText(text, path.join(ROOT, 'examples', 'test.adapterlab.json')).config!;
  const encoder = tinyEncoder(6);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-kadapter-'));
  const info = { modelName: 'tiny', hiddenSize: d };
  const saved = new Map<string, KAdapter>();
  for (const spec of config.adapters) {
    const module = createAdapter(spec, TINY, 11) as KAdapter;
    perturb(module, 12);
    saveAdapter(path.join(runs, spec.name, 'adapters', spec.name), module, info);
    saved.set(spec.name, module);
  }
  const built = buildComposition(config, config.compositions[0], new Map([['mood', ['0', '1']]]), encoder, undefined, (run) =>
    path.join(runs, run.replace('adapter:', '')),
  );
  try {
    assert.ok(built.trains);
    assert.deepEqual(built.model.heads[0].weights.get('heads.mood.1.weight').shape, [3 * d, d], 'a new head on [base; ling; other]');
    assert.deepEqual(
      built.model.knowledge.map((k) => k.name),
      ['ling', 'other'],
    );
    const states: tf.Tensor2D[] = [];
    encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, hiddenStates: (i, h) => (states[i] = h) });
    for (const k of built.model.knowledge)
      assert.ok(maxDiff(rows(k.output((i) => states[i], pass)), rows(saved.get(k.name)!.output((i) => states[i], pass))) < 1e-6, `${k.name} as saved`);
    assert.deepEqual(built.model.logits(tinyInput(), 0, null)[0].shape, [2, 2]);
    assert.deepEqual(
      built.model.trainable().map(([n]) => n),
      ['heads.mood.1.weight', 'heads.mood.1.bias', 'heads.mood.4.weight', 'heads.mood.4.bias'],
      'only the head trains',
    );
    // inspect and the parameters view count that head as the run trains it: (3d)·d + d + d·2 + 2.
    const trained = built.model.trainable().reduce((n, [, v]) => n + v.size, 0);
    const row = parameterReport(config, encoder.config, labelCounts(config), 'tiny').rows.find((r) => r.name === 'composition:both')!;
    assert.equal(row.heads, trained);
    assert.equal(row.trainable, headParams(d, 2, 2 * d));
  } finally {
    built.dispose();
    fs.rmSync(runs, { recursive: true, force: true });
  }
});
