// Steering a decoder with trained attribute adapters: a run opens with its own adapter, a setup composes several
// (Stack differs from each alone; Average of an adapter with itself is that adapter, over outputs and over
// parameters), Fuse and unknown names are refused, and generation with a setup replays with its seed.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadConfig } from '../../src/core/config/validate';
import type { ExperimentConfig } from '../../src/core/config/types';
import { loadExperimentData } from '../../src/core/run/experiment';
import { planRuns } from '../../src/core/run/plan';
import { loadDecoderBase, runLanguageModelRun } from '../../src/core/run/lmRun';
import { createRun, finishRun } from '../../src/core/run/lifecycle';
import { type SteeredDecoder, openSteeredDecoder } from '../../src/core/generate/steered';
import { generateTokens } from '../../src/core/generate/generate';
import { backendReady } from '../helpers/tiny';
import { lmConfigFile } from './helpers';

const quiet = { progress() {}, evaluated() {}, checkpoint() {}, cancelled: () => false };
const runs = new Map<string, string>();
let config: ExperimentConfig;

before(async () => {
  await backendReady();
  const { file } = lmConfigFile(',\n  "seed": 4');
  config = loadConfig(file).config!;
  config.train.adapter.epochs = 1;
  config.train.full.epochs = 1;
  const data = loadExperimentData(config);
  const base = loadDecoderBase(config);
  for (const plan of planRuns(config).filter((p) => p.name !== 'full:positive')) {
    const { id, dir } = createRun({
      runsDir: config.runsDir,
      experiment: config.name,
      name: plan.name,
      type: plan.type,
      tasks: plan.tasks,
      configFile: config.file,
      config,
      status: 'running',
    });
    const { outcome } = await runLanguageModelRun(config, plan, data, base, { id, dir, backend: 'test' }, quiet);
    finishRun(dir, outcome.status === 'completed' ? 'completed' : 'failed', outcome.reason);
    runs.set(plan.name, dir);
  }
});

/** Next-token logits after a fixed prompt. */
function logits(s: SteeredDecoder): number[] {
  const ids = s.tokenizer.encode('The food was');
  return tf.tidy(() => {
    const hidden = s.decoder.forward(tf.tensor2d([ids], undefined, 'int32'), { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...s.adapters?.() });
    return Array.from(s.decoder.logits(tf.slice(hidden, [ids.length - 1, 0], [1, -1]) as tf.Tensor2D).dataSync());
  });
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

function withSteered<T>(setup: string | undefined, f: (s: SteeredDecoder) => T, opts = {}, run = 'adapter:positive'): T {
  const s = openSteeredDecoder(runs.get(run)!, setup, opts);
  try {
    return f(s);
  } finally {
    s.dispose();
  }
}

test('a run opens with its own adapter; Stack of two adapters differs from each alone', () => {
  const alone = withSteered(undefined, logits);
  const named = withSteered('positive', logits);
  assert.ok(maxDiff(alone, named) < 1e-6);
  const base = withSteered(undefined, logits, {}, 'full:restaurant');
  assert.ok(maxDiff(alone, base) > 1e-3, 'the full run is another decoder');
  const stacked = withSteered('Stack(restaurant, positive)', (s) => {
    assert.match(s.description, /^Stack\(restaurant, positive\) on /);
    assert.ok(s.trainableParams > 0);
    return logits(s);
  });
  const restaurant = withSteered('restaurant', logits);
  assert.ok(maxDiff(stacked, alone) > 1e-4 && maxDiff(stacked, restaurant) > 1e-4);
});

test('Average of an adapter with itself is that adapter, over outputs and over parameters', () => {
  const alone = withSteered('positive', logits);
  assert.ok(maxDiff(withSteered('Average(positive, positive)', logits), alone) < 1e-4);
  assert.ok(maxDiff(withSteered('Average(positive, positive)', logits, { mergeParameters: true }), alone) < 1e-4);
  // Of two adapters, the two kinds of average differ from either adapter.
  const outputs = withSteered('Average(positive, restaurant)', logits);
  assert.ok(maxDiff(outputs, alone) > 1e-4);
});

test('setups that need training, unknown adapters and parameter averages of different configs are refused', () => {
  assert.throws(() => withSteered('Fuse(positive, restaurant)', logits), /Fuse is not a steering setup/);
  assert.throws(() => withSteered('Stack(positive, happy)', logits), /no adapter "happy"/);
  assert.throws(() => withSteered('Average(positive, restaurant)', logits, { mergeParameters: true }), /not the same config|has shape/);
});

test('a seeded generation with a setup replays exactly', () => {
  const write = () =>
    withSteered('Stack(restaurant, positive)', (s) => [
      ...generateTokens(s.decoder, [s.tokenizer.endOfTextId!], {
        maxTokens: 12,
        seed: 3,
        temperature: 1,
        topK: 0,
        topP: 1,
        stopId: null,
        adapters: s.adapters,
      }),
    ]);
  assert.deepEqual(write(), write());
});
