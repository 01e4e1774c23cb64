// The causal decoder: no position reads a later one, the key/value cache changes nothing, a seed replays the same
// sample, and every adapter method plugs into it through the encoder's sites.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { AdapterSpec } from '../../src/core/config/types';
import { createAdapter } from '../../src/core/adapters/modules/index';
import type { AdapterModule } from '../../src/core/adapters/modules/module';
import { AdapterSetup } from '../../src/core/composition/setup';
import { type GenerateOptions, TextStream, generateMany, generateTokens } from '../../src/core/generate/generate';
import { type Gpt2Decoder, KeyValueCache } from '../../src/core/model/gpt2';
import { backendReady } from '../helpers/tiny';
import { TINY_GPT, tinyDecoder } from '../helpers/tinyDecoder';

before(backendReady);

const d = TINY_GPT.hiddenSize;
const L = TINY_GPT.layers;
const common = { task: 't', leaveOut: [] as number[] };
const bottleneck = { ...common, bottleneckSize: 4, reductionFactor: 2, nonLinearity: 'relu' as const, scaling: 1, initStd: 0.01 };
const DIMS = { hiddenSize: d, intermediateSize: TINY_GPT.intermediateSize, layers: L };
const SPECS: AdapterSpec[] = [
  { ...bottleneck, name: 'ho', method: 'houlsby' },
  { ...bottleneck, name: 'pf', method: 'pfeiffer' },
  { ...bottleneck, name: 'pa', method: 'parallel', scaling: 2 },
  { ...common, name: 'lo', method: 'lora', r: 2, alpha: 4, attnMatrices: ['q', 'v'], intermediateLora: true, outputLora: true },
  { ...common, name: 'ia', method: 'ia3', r: 1, alpha: 1, attnMatrices: ['k', 'v'], intermediateLora: true, outputLora: false },
  { ...common, name: 'ar', method: 'arc', bottleneckSize: 3, reductionFactor: 16 },
  { ...common, name: 've', method: 'vera', r: 4, veraD: 0.1, veraB: 0, attnMatrices: ['q', 'v'], intermediateLora: true, outputLora: false },
  { ...common, name: 'pr', method: 'prefix', prefixLength: 3, bottleneckSize: 5, nonLinearity: 'tanh', dropout: 0, flat: false },
];

const SEQUENCE = [3, 7, 1, 12, 5, 9];

function hidden(decoder: Gpt2Decoder, ids: number[][], module: AdapterModule | null = null): number[][] {
  const setup = module && AdapterSetup.single(module, L);
  return tf.tidy(
    () =>
      decoder
        .forward(tf.tensor2d(ids, undefined, 'int32'), { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup?.forwardOptions(0, null) })
        .arraySync() as number[][],
  );
}

function perturb(module: AdapterModule): void {
  module.weights.entries().forEach(([, v], i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.5, 'float32', 7 + i))));
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r][i]))));

/** Rows of position < t match across the two sequences (which share their first t tokens); row t differs. */
function assertCausal(decoder: Gpt2Decoder, module: AdapterModule | null = null): void {
  const t = 3;
  const changed = SEQUENCE.map((id, i) => (i >= t ? (id + 5) % TINY_GPT.vocabSize : id));
  const a = hidden(decoder, [SEQUENCE], module);
  const b = hidden(decoder, [changed], module);
  assert.ok(maxDiff(a.slice(0, t), b.slice(0, t)) < 1e-5, 'positions before t do not see tokens from t on');
  assert.ok(maxDiff(a.slice(t, t + 1), b.slice(t, t + 1)) > 1e-3, 'position t sees its own token');
}

test('the output at position t is independent of the tokens after t', () => {
  assertCausal(tinyDecoder());
});

test('a batch row computes what it computes alone (no reading across examples)', () => {
  const decoder = tinyDecoder();
  const other = [4, 4, 8, 2, 0, 0];
  const both = hidden(decoder, [SEQUENCE, other]);
  assert.ok(maxDiff(both.slice(0, 6), hidden(decoder, [SEQUENCE])) < 1e-5);
  assert.ok(maxDiff(both.slice(6), hidden(decoder, [other])) < 1e-5);
});

test('the key/value cache: feeding tokens one by one gives the full pass', () => {
  const decoder = tinyDecoder();
  const cache = new KeyValueCache();
  const rows = SEQUENCE.map((id) => stepped(decoder, cache, [id])[0]);
  cache.dispose();
  assert.ok(maxDiff(rows, hidden(decoder, [SEQUENCE])) < 1e-5);
});

function stepped(decoder: Gpt2Decoder, cache: KeyValueCache, ids: number[]): number[][] {
  return tf.tidy(
    () => decoder.forward(tf.tensor2d([ids], undefined, 'int32'), { trainBase: false, dropoutRate: 0, dropoutSeed: null }, cache).arraySync() as number[][],
  );
}

const SAMPLING: GenerateOptions = { temperature: 0.9, topK: 10, topP: 0.95, maxTokens: 10, seed: 42, stopId: null };

function run(decoder: Gpt2Decoder, o: Partial<GenerateOptions> = {}, logits: Float32Array[] = []): number[] {
  return [...generateTokens(decoder, [3, 7], { ...SAMPLING, ...o }, (l) => logits.push(l))];
}

test('generation with the key/value cache equals generation without it: the same tokens and logits', () => {
  const decoder = tinyDecoder();
  for (const temperature of [0, 0.9]) {
    const [withCache, without]: Float32Array[][] = [[], []];
    const a = run(decoder, { temperature, useCache: true }, withCache);
    const b = run(decoder, { temperature, useCache: false }, without);
    assert.deepEqual(a, b);
    assert.equal(a.length, SAMPLING.maxTokens);
    withCache.forEach((l, step) =>
      assert.ok(
        l.every((v, i) => Math.abs(v - without[step][i]) < 1e-4),
        `step ${step}: logits differ`,
      ),
    );
  }
});

test('a seeded sample is reproducible, and another seed gives another sample', () => {
  const decoder = tinyDecoder();
  const a = run(decoder, { seed: 5, maxTokens: 14, topK: 0, topP: 1, temperature: 1.5 });
  assert.deepEqual(run(decoder, { seed: 5, maxTokens: 14, topK: 0, topP: 1, temperature: 1.5 }), a);
  assert.notDeepEqual(run(decoder, { seed: 6, maxTokens: 14, topK: 0, topP: 1, temperature: 1.5 }), a);
});

test('generation stops after the stop token and at the last position', () => {
  const decoder = tinyDecoder();
  const tokens = run(decoder, { temperature: 0, maxTokens: 12 });
  const stopId = tokens[3];
  const stopped = run(decoder, { temperature: 0, maxTokens: 12, stopId });
  assert.deepEqual(stopped, tokens.slice(0, tokens.indexOf(stopId) + 1));
  assert.equal(run(decoder, { temperature: 0, maxTokens: 100 }).length, TINY_GPT.maxPositions - 2, 'the prompt has 2 of the 16 positions');
  assert.throws(() => [...generateTokens(decoder, [], SAMPLING)], /no tokens/);
});

test('seeds drawn side by side as one batch write what each seed writes alone, each stopping at the stop token', () => {
  const decoder = tinyDecoder();
  const seeds = [1, 2, 3, 4, 5, 6];
  const o = { ...SAMPLING, temperature: 1.5, topK: 0, topP: 1, maxTokens: 12 };
  // A stop token that ends some samples early and not others.
  const stopId = run(decoder, { ...o, seed: 1 })[2];
  const modules = [null, ...SPECS.map((spec) => createAdapter(spec, DIMS, 3))];
  for (const module of modules) {
    if (module) perturb(module);
    const setup = module && AdapterSetup.single(module, L);
    const adapters = setup ? () => setup.forwardOptions(0, null) : undefined;
    const alone = seeds.map((seed) => run(decoder, { ...o, seed, stopId, adapters }));
    if (!module) assert.ok(new Set(alone.map((a) => a.length)).size > 1, 'some samples stop before others');
    assert.deepEqual(generateMany(decoder, [3, 7], seeds, { ...o, stopId, adapters }), alone, module?.method ?? 'no adapter');
    module?.weights.dispose();
  }
});

test('streamed text holds back a token that ends inside a UTF-8 character', () => {
  // Byte-level decoding: ids are bytes here, and "é" is two of them.
  const bytes = [...Buffer.from('aé!')];
  const stream = new TextStream((ids) => Buffer.from(ids).toString('utf8'));
  assert.deepEqual(
    bytes.map((b) => stream.push(b)),
    ['a', '', 'é', '!'],
  );
});

for (const spec of SPECS) {
  test(`${spec.method} on the decoder: it changes the output once trained, stays causal, and generates the same with the cache`, () => {
    const decoder = tinyDecoder();
    const module = createAdapter(spec, DIMS, 3);
    if (spec.method !== 'prefix') assert.ok(maxDiff(hidden(decoder, [SEQUENCE], module), hidden(decoder, [SEQUENCE])) < 1e-6, 'a new adapter changes nothing');
    perturb(module);
    assert.ok(maxDiff(hidden(decoder, [SEQUENCE], module), hidden(decoder, [SEQUENCE])) > 1e-3, 'a trained adapter changes the output');
    assertCausal(decoder, module);
    const setup = AdapterSetup.single(module, L);
    const adapters = () => setup.forwardOptions(0, null);
    const [withCache, without]: Float32Array[][] = [[], []];
    assert.deepEqual(run(decoder, { adapters, useCache: true }, withCache), run(decoder, { adapters, useCache: false }, without));
    withCache.forEach((l, step) =>
      assert.ok(
        l.every((v, i) => Math.abs(v - without[step][i]) < 1e-4),
        `step ${step}: logits differ`,
      ),
    );
    module.weights.dispose();
  });
}
