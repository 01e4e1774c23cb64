// Fuse over K-adapters: the heads read [base; Σᵢ pᵢ·V(oᵢ)], per token p = softmax(Q(h)·K(oᵢ)) with h the base's last
// hidden state and oᵢ each K-adapter's output. A new fusion is a weighted mean of the K-adapters' outputs (V = I),
// and a new head on it computes what a head on the base alone does; training reaches only the fusion and the head;
// a saved run loads back to the same outputs; inspect and the graph count the fusion as 3(d² + d).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { createAdapter } from '../../src/core/adapters/modules/index';
import { KAdapter } from '../../src/core/adapters/modules/kAdapter';
import { AdapterSetup } from '../../src/core/composition/setup';
import { FusionLayer } from '../../src/core/composition/fusion';
import { parseSetup } from '../../src/core/composition/parse';
import { DEFAULT_FUSION } from '../../src/core/config/defaults';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { headParams } from '../../src/core/parameters/counts';
import { train } from '../../src/core/train/loop';
import { FrozenPrefixCache } from '../../src/core/train/frozenPrefix';
import { makeBatch } from '../../src/core/train/batches';
import { parseJsonc } from '../../src/core/config/parse';
import { checkConfigText } from '../../src/core/config/validate';
import type { ExperimentConfig } from '../../src/core/config/types';
import { buildGraph } from '../../src/core/graph/build';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { labelCounts } from '../../src/core/parameters/labels';
import { parameterReport } from '../../src/core/parameters/report';
import { type GraphNode, walkItems } from '../../src/common/graphModel';
import { ROOT, tinyConfig } from '../helpers/workspace';
import { FUSION_WEIGHTS_FILE, saveAdapter, saveHead } from '../../src/core/io/adapterhub';
import { readSafetensorsFile } from '../../src/core/io/safetensors';
import { buildComposition } from '../../src/core/run/buildComposition';
import { TINY, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';
import { K_ADAPTER_SPEC, maxDiff, rows } from '../helpers/kAdapter';

before(backendReady);

const d = TINY.hiddenSize;
const L = TINY.layers;
const SPEC = K_ADAPTER_SPEC;
const off = { rate: 0, seed: null };

function perturb(weights: { entries(): [string, tf.Variable][] }, seed: number, std = 0.3): void {
  weights.entries().forEach(([, v], i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, std, 'float32', seed + i))));
}

/** Two trained-looking K-adapters a (reads state 0) and b (states 2, 1), and a Fuse over them. */
function fusedSetup(fusionSeed = 5): { a: KAdapter; b: KAdapter; fusion: FusionLayer; setup: AdapterSetup } {
  const a = new KAdapter({ ...SPEC, name: 'a', readLayers: [0] }, TINY, 1);
  const b = new KAdapter({ ...SPEC, name: 'b', readLayers: [2, 1] }, TINY, 2);
  perturb(a.weights, 3);
  perturb(b.weights, 4);
  const fusion = new FusionLayer('a,b', DEFAULT_FUSION, d, 'k-adapters', fusionSeed);
  const modules = new Map([
    ['a', a],
    ['b', b],
  ]);
  const setup = new AdapterSetup(parseSetup('Fuse(a, b)').node!, modules, new Map([['a,b', fusion]]), L, { trainAdapters: false });
  return { a, b, fusion, setup };
}

test('a new Fuse over K-adapters: per token a weighted mean of their outputs (V = I), and a new head on it computes what a head on the base alone does', () => {
  const encoder = tinyEncoder(4);
  const { a, b, fusion, setup } = fusedSetup();
  // The weights as promised: query and key N(0, 0.02²), value the identity plus 1e-6, biases zero (AdapterHub's init).
  const value = fusion.weights.get('k_adapter_fusion.a,b.value.weight').arraySync() as number[][];
  value.forEach((row, i) => row.forEach((v, j) => assert.equal(v, i === j ? 1 : Math.fround(1e-6))));
  assert.deepEqual(
    fusion.weights.names().sort(),
    ['key', 'query', 'value'].flatMap((m) => [`k_adapter_fusion.a,b.${m}.bias`, `k_adapter_fusion.a,b.${m}.weight`]),
  );

  const classifier = new Classifier(encoder, [new ClassificationHead('t', ['x', 'y'], 'mean', d, 9, d)], setup, false);
  assert.equal(classifier.knowledgeFusion, fusion);
  const { hidden, plugIns } = classifier.states(tinyInput(), 0, null);
  const p = fusion.knowledgeAttention(hidden, plugIns, off);
  assert.deepEqual(p.shape, [hidden.shape[0], 2], 'one row per token, one column per K-adapter');
  for (const row of rows(p)) {
    assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-6, 'each token’s attention sums to 1');
    assert.ok(
      row.every((x) => x > 0.01 && x < 0.99),
      'both K-adapters are heard at the start',
    );
  }
  // Σᵢ pᵢ·oᵢ, up to V's 1e-6 off the diagonal.
  const mean = tf.add(tf.mul(plugIns[0], tf.slice(p, [0, 0], [-1, 1])), tf.mul(plugIns[1], tf.slice(p, [0, 1], [-1, 1])));
  const fused = fusion.fuseKnowledge(hidden, plugIns, off);
  assert.ok(maxDiff(rows(fused), rows(mean)) < 1e-4);
  assert.ok(maxDiff(rows(plugIns[0]), rows(plugIns[1])) > 0.1, 'the two outputs differ, so the test can tell a mean from one of them');
  // The states are the K-adapters' own outputs.
  const states: tf.Tensor2D[] = [];
  encoder.forward(tinyInput(), { trainBase: false, dropoutRate: 0, dropoutSeed: null, hiddenStates: (i, h) => (states[i] = h) });
  const pass = { mask: tinyInput().mask, trainable: false, dropoutRate: 0, dropoutSeed: null };
  assert.ok(maxDiff(rows(plugIns[1]), rows(b.output((i) => states[i], pass))) < 1e-6);
  assert.ok(maxDiff(rows(plugIns[0]), rows(a.output((i) => states[i], pass))) < 1e-6);

  // The head's rows for the fused output start at zero: logits as a head on the base alone with the same seed.
  const onBase = new Classifier(encoder, [new ClassificationHead('t', ['x', 'y'], 'mean', d, 9)], null, false).logits(tinyInput(), 0, null)[0];
  assert.ok(maxDiff(rows(onBase), rows(classifier.logits(tinyInput(), 0, null)[0])) < 1e-6);
});

test('the head reads [base; fused]: with a trained head the logits are the head on the pooled concatenation', () => {
  const encoder = tinyEncoder(4);
  const { fusion, setup } = fusedSetup();
  perturb(fusion.weights, 30, 0.2);
  const head = new ClassificationHead('t', ['x', 'y'], 'mean', d, 9, d);
  perturb(head.weights, 40);
  const classifier = new Classifier(encoder, [head], setup, false);
  const { hidden, plugIns } = classifier.states(tinyInput(), 0, null);
  const mask = tinyInput().mask;
  const mean = (h: tf.Tensor2D) =>
    tf.div(tf.sum(tf.mul(tf.reshape(h, [2, 5, d]), tf.expandDims(mask, 2)), 1), tf.sum(tf.expandDims(mask, 2), 1)) as tf.Tensor2D;
  const features = tf.concat([mean(hidden), mean(fusion.fuseKnowledge(hidden, plugIns, off))], 1) as tf.Tensor2D;
  assert.ok(maxDiff(rows(classifier.logits(tinyInput(), 0, null)[0]), rows(head.logits(features, 0, null))) < 1e-5);
  // Which K-adapter a token listens to now depends on the token: the fusion is not a fixed average.
  const p = rows(fusion.knowledgeAttention(hidden, plugIns, off));
  assert.ok(Math.max(...p.map((r) => r[0])) - Math.min(...p.map((r) => r[0])) > 0.01);
});

test('training a Fuse over frozen K-adapters reaches only the fusion and the head; the cache gives the model’s logits', async () => {
  const examples = Array.from({ length: 16 }, (_, i) => ({ ids: [2, 4 + (i % 5), 10 + (i % 3), 3].slice(0, 3 + (i % 2)), labels: [i % 2] }));
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
  for (const cached of [true, false]) {
    const encoder = tinyEncoder(3);
    const { a, b, fusion, setup } = fusedSetup();
    const frozen = [encoder.weights, a.weights, b.weights].map((w) => w.snapshot());
    const fusionBefore = fusion.weights.snapshot();
    const head = new ClassificationHead('t', ['no', 'yes'], 'mean', d, 9, d);
    const headBefore = head.weights.snapshot();
    const model = new Classifier(encoder, [head], setup, false);
    assert.deepEqual(
      model
        .trainable()
        .map(([n]) => n)
        .sort(),
      [...fusion.weights.names(), ...head.weights.names()].sort(),
    );
    if (cached) {
      const { cache, info } = FrozenPrefixCache.forRun(model, examples, 0);
      assert.ok(cache && info.used && info.cut === 'the whole encoder and the K-adapters beside it, per token');
      const batch = makeBatch(examples, [0, 1, 2], 0);
      cache.prepare([0, 1, 2]);
      assert.ok(maxDiff(rows(cache.logits([0, 1, 2], batch.input, 0, null)[0]), rows(model.logits(batch.input, 0, null)[0])) < 1e-5);
    }
    const outcome = await train(
      model,
      data,
      options,
      1,
      { progress() {}, evaluated() {}, improved() {}, cancelled: () => false },
      { frozenPrefixCache: cached },
    );
    assert.equal(outcome.frozenPrefix?.used, cached);
    assert.equal(outcome.trainableParams, 3 * (d * d + d) + headParams(d, 2, d));
    const changed = (now: ReturnType<typeof head.weights.snapshot>, then: typeof now) =>
      [...now].filter(([n, { data: v }]) => v.some((x, i) => x !== then.get(n)!.data[i])).map(([n]) => n);
    const fusionChanged = changed(fusion.weights.snapshot(), fusionBefore);
    for (const m of ['query', 'key', 'value']) assert.ok(fusionChanged.includes(`k_adapter_fusion.a,b.${m}.weight`), `${m} trained (cached: ${cached})`);
    assert.ok(changed(head.weights.snapshot(), headBefore).length > 0, 'the head trained');
    [encoder.weights, a.weights, b.weights].forEach((w, k) => {
      for (const [name, { data: values }] of w.snapshot())
        assert.ok(
          values.every((v, i) => v === frozen[k].get(name)!.data[i]),
          `${name} bit-identical (cached: ${cached})`,
        );
    });
  }
});

/** ling (part of speech) and a second K-adapter reading layer 1 — by default lex (WordNet) — and `fused`: a Fuse of the two for mood. */
function fuseConfig(second: [name: string, knowledge: { knowledge: string } | { task: string }] = ['lex', { knowledge: 'wordnet' }]): ExperimentConfig {
  const [name, source] = second;
  const text = JSON.stringify(
    tinyConfig({
      data: { builtin: 'reviews' },
      tasks: { mood: { field: 'sentiment' } },
      adapters: {
        ling: { method: 'k-adapter', knowledge: 'pos', readLayers: [0, 2], adapterSize: 4, heads: 2, intermediateSize: 6 },
        [name]: { method: 'k-adapter', ...source, readLayers: [1], adapterSize: 4, heads: 2, intermediateSize: 6 },
      },
      compositions: { fused: { setup: `Fuse(ling, ${name})`, task: 'mood' } },
      baselines: [],
    }),
  );
  const checked = checkConfigText(text, path.join(ROOT, 'examples', 'test.adapterlab.json'));
  assert.deepEqual(checked.problems, []);
  return checked.config!;
}

test('a Fuse run saves fusion/<a,b>/ beside the K-adapters and its head, and loads back to the same outputs', () => {
  const config = fuseConfig();
  const encoder = tinyEncoder(6);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-kfuse-'));
  const info = { modelName: 'tiny', hiddenSize: d };
  try {
    for (const spec of config.adapters) {
      const module = createAdapter(spec, TINY, 11);
      perturb(module.weights, 12);
      saveAdapter(path.join(runs, spec.name, 'adapters', spec.name), module, info);
    }
    const labels = new Map([['mood', ['0', '1']]]);
    const built = buildComposition(config, config.compositions[0], labels, encoder, undefined, (run) => path.join(runs, run.replace('adapter:', '')));
    const runDir = path.join(runs, 'composition');
    let reloaded: ReturnType<typeof buildComposition> | undefined;
    try {
      assert.ok(built.trains, 'a Fuse trains even without trainHeads');
      assert.ok(built.model.knowledgeFusion, 'the fusion sits at the heads');
      assert.deepEqual(built.model.heads[0].weights.get('heads.mood.1.weight').shape, [2 * d, d], 'a new head on [base; fused]');
      // As if trained: fusion and head away from their initialisation.
      for (const [, v] of built.model.trainable()) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', 77)));
      built.save(runDir, info);
      const tensors = readSafetensorsFile(path.join(runDir, 'fusion', 'ling,lex', FUSION_WEIGHTS_FILE));
      assert.deepEqual(
        [...tensors.tensors.keys()].sort(),
        ['key', 'query', 'value'].flatMap((m) => [`k_adapter_fusion.ling,lex.${m}.bias`, `k_adapter_fusion.ling,lex.${m}.weight`]),
      );
      assert.ok(fs.existsSync(path.join(runDir, 'adapters', 'ling')) && fs.existsSync(path.join(runDir, 'adapters', 'lex')));
      reloaded = buildComposition(config, config.compositions[0], labels, encoder, runDir);
      const before = rows(built.model.logits(tinyInput(), 0, null)[0]);
      assert.ok(maxDiff(before, rows(reloaded.model.logits(tinyInput(), 0, null)[0])) < 1e-6);
      const fresh = buildComposition(config, config.compositions[0], labels, encoder, undefined, (run) => path.join(runs, run.replace('adapter:', '')));
      assert.ok(maxDiff(before, rows(fresh.model.logits(tinyInput(), 0, null)[0])) > 1e-3, 'the saved weights are not the initial ones');
      fresh.dispose();
    } finally {
      built.dispose();
      reloaded?.dispose();
    }
  } finally {
    fs.rmSync(runs, { recursive: true, force: true });
  }
});

test('inspect counts a Fuse over K-adapters as 3(d² + d) + a head on 2d, what the built model trains', () => {
  const config = fuseConfig();
  const encoder = tinyEncoder(6);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-kfuse-'));
  try {
    for (const spec of config.adapters)
      saveAdapter(path.join(runs, spec.name, 'adapters', spec.name), createAdapter(spec, TINY, 1), { modelName: 'tiny', hiddenSize: d });
    const built = buildComposition(config, config.compositions[0], new Map([['mood', ['0', '1']]]), encoder, undefined, (run) =>
      path.join(runs, run.replace('adapter:', '')),
    );
    const trained = built.model.trainable().reduce((n, [, v]) => n + v.size, 0);
    built.dispose();
    const row = parameterReport(config, encoder.config, labelCounts(config), 'tiny').rows.find((r) => r.name === 'composition:fused')!;
    assert.equal(row.shared, 3 * (d * d + d), 'query, key and value: Linear(d, d) each');
    assert.equal(row.heads, headParams(d, 2, d));
    assert.equal(row.heads, 2 * d * d + d + 2 * d + 2);
    assert.equal(row.trainable, 3 * (d * d + d) + 2 * d * d + d + 2 * d + 2);
    assert.equal(row.trainable, trained);
  } finally {
    fs.rmSync(runs, { recursive: true, force: true });
  }
});

test('config: Fuse over K-adapters is accepted, Fuse mixing them with adapters inside the base is not; the graph draws the fusion at the heads', () => {
  const config = (adapters: Record<string, unknown>, compositions: Record<string, unknown>) =>
    JSON.stringify(tinyConfig({ data: { builtin: 'reviews' }, tasks: { mood: { field: 'sentiment' } }, adapters, compositions, baselines: ['head-only'] }));
  const file = path.join(ROOT, 'examples', 'test.adapterlab.json');
  const kAdapters = {
    ling: { method: 'k-adapter', task: 'mood', readLayers: [0, 2], adapterSize: 8, heads: 2, intermediateSize: 16 },
    lex: { method: 'k-adapter', task: 'mood', readLayers: [1] },
  };
  const codes = (text: string) => checkConfigText(text, file).problems.map((p) => p.code);
  assert.deepEqual(codes(config({ ...kAdapters, h: { method: 'houlsby', task: 'mood' } }, { c: { setup: 'Fuse(ling, h)', task: 'mood' } })), [
    'fuse-mixes-k-adapters',
  ]);
  assert.ok(codes(config(kAdapters, { c: { setup: 'Stack(Fuse(ling, lex))', task: 'mood' } })).includes('unsupported-composition'));

  const ok = config(kAdapters, { fused: { setup: 'Fuse(ling, lex)', task: 'mood' } });
  const checked = checkConfigText(ok, file);
  assert.deepEqual(checked.problems, []);
  const c = checked.config!;
  const shape = baseShapeOf(c.base);
  const hd = shape.config.hiddenSize;
  const g = buildGraph(c, parseJsonc(ok), shape.config, labelCounts(c), shape.description);
  const all = [...walkItems(g.items)];
  const block = all.find((i) => i.type === 'group' && i.kind === 'block' && i.block === 'Fuse');
  assert.ok(block?.type === 'group', 'a Fuse node');
  assert.equal(block.params, 3 * (hd * hd + hd));
  assert.ok(block.trainable);
  assert.match(block.detail ?? '', /ling, lex · at the heads/);
  assert.deepEqual(
    g.edges
      .filter((e) => e.to === block.id && e.kind === 'combines')
      .map((e) => e.from)
      .sort(),
    ['L1.feed-forward', 'plug-in.lex.0', 'plug-in.ling.1'],
    'fed by each K-adapter’s last layer and by the base’s output (its query)',
  );
  const head = all.find((i): i is GraphNode => i.type === 'node' && i.id === 'composition.fused.head.mood')!;
  assert.ok(g.edges.some((e) => e.from === block.id && e.to === head.id));
  assert.equal(head.params, headParams(hd, 2, hd), 'the head reads [base; fused]');
  const row = parameterReport(c, shape.config, labelCounts(c), shape.description).rows.find((r) => r.name === 'composition:fused')!;
  assert.equal(row.trainable, block.params + head.params, 'inspect and the graph agree');
});

test('a Fuse over K-adapters gets a new head, even when one K-adapter was trained for the task with a head on [base; it]', () => {
  const config = fuseConfig(['other', { task: 'mood' }]);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-kfuse-'));
  const info = { modelName: 'tiny', hiddenSize: d };
  try {
    for (const spec of config.adapters) saveAdapter(path.join(runs, spec.name, 'adapters', spec.name), createAdapter(spec, TINY, 1), info);
    // other's run trained a head for mood on [base; other]: its rows for the K-adapter are not zero.
    const trainedHead = new ClassificationHead('mood', ['0', '1'], 'mean', d, 3, d);
    perturb(trainedHead.weights, 60);
    saveHead(path.join(runs, 'other', 'adapters', 'other'), 'mood', ['0', '1'], trainedHead.weights, info);
    const built = buildComposition(config, config.compositions[0], new Map([['mood', ['0', '1']]]), tinyEncoder(6), undefined, (run) =>
      path.join(runs, run.replace('adapter:', '')),
    );
    try {
      const first = built.model.heads[0].weights.get('heads.mood.1.weight').arraySync() as number[][];
      assert.ok(
        first.slice(d).every((row) => row.every((v) => v === 0)),
        'rows for the fused output start at zero: a new head',
      );
    } finally {
      built.dispose();
    }
  } finally {
    fs.rmSync(runs, { recursive: true, force: true });
  }
});
