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
import { type SteeredDecoder, openSteeredDecoder } from '../../src/core/run/steered';
import { openDecoder } from '../../src/core/run/openDecoder';
import { generateTokens } from '../../src/core/generate/generate';
import { type SteerRow, checkTargets, distinct2, measureHeldOut, measureSetup, openBase, shareError, steerSetups } from '../../src/core/run/steerReport';
import { openJudge } from '../../src/core/run/judge';
import { loadBase } from '../../src/core/run/experiment';
import { runPlannedRun } from '../../src/core/run/executeRun';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
  assert.throws(
    () => withSteered('Average(positive, restaurant)', logits, { mergeParameters: true }),
    /parameter averaging needs adapters of one config: "positive" is lora, "restaurant" pfeiffer/,
  );
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

test('openDecoder (generate, the Playground) streams from a run with a setup what the steered decoder writes', () => {
  const sampling = { maxTokens: 10, seed: 5, temperature: 1, topK: 0, topP: 1 };
  const expected = withSteered('Stack(restaurant, positive)', (s) => {
    const eos = s.tokenizer.endOfTextId!;
    const ids = [...generateTokens(s.decoder, s.tokenizer.encode('The food'), { ...sampling, stopId: eos, adapters: s.adapters })];
    return s.tokenizer.decode(ids.filter((id) => id !== eos));
  });
  const opened = openDecoder(runs.get('adapter:positive')!, 'Stack(restaurant, positive)');
  try {
    assert.equal([...opened.stream('The food', sampling)].join(''), expected);
    assert.match(opened.description, /Stack\(restaurant, positive\)/);
  } finally {
    opened.dispose();
  }
  const alone = openDecoder(runs.get('adapter:positive')!);
  try {
    assert.notEqual([...alone.stream('The food', sampling)].join(''), expected, 'the setup changes what is written');
  } finally {
    alone.dispose();
  }
});

test('distinct-2 counts distinct bigrams over all bigrams', () => {
  assert.equal(distinct2([[1, 2, 3]]), 1);
  assert.equal(distinct2([[1, 2, 1, 2]]), 2 / 3);
  assert.equal(distinct2([[1, 2], [1, 2], [5]]), 1 / 2);
  assert.equal(distinct2([]), 0);
});

test('steer-report setups and measurements, judged by a full fine-tuning run of a classifier', async () => {
  const labels = steerSetups(config, config.runsDir).map((s) => `${s.label} → ${s.targets.map((t) => Object.values(t).join('+')).join(' | ')}`);
  assert.deepEqual(labels, [
    'base → positive | restaurant | positive+restaurant',
    'positive → positive | positive+restaurant',
    'restaurant → restaurant | positive+restaurant',
    'full:restaurant → restaurant | positive+restaurant',
    'Stack(positive, restaurant) → positive+restaurant',
    'Average(positive, restaurant) → positive+restaurant',
  ]);
  const judgeDir = await trainJudge();
  const judge = openJudge(judgeDir);
  const base = openBase(runs.get('adapter:positive')!);
  try {
    const classified = judge.classify(['The pasta was delicious and the waiter was friendly.', 'A dull film.']);
    assert.deepEqual([...classified.keys()], ['sentiment', 'domain']);
    assert.equal(classified.get('sentiment')!.length, 2);
    const setups = steerSetups(config, config.runsDir);
    const options = { samples: 6, seed: 1, maxTokens: 8, temperature: 1, topK: 0, topP: 1 };
    const [stack] = measureSetup(setups[4], judge, base, options);
    assert.equal(stack.samples, 6);
    assert.equal(stack.examples.length, 3);
    assert.ok(stack.joint! <= Math.min(stack.share.sentiment, stack.share.domain));
    assert.ok(stack.perplexity > 1 && stack.distinct2 > 0 && stack.distinct2 <= 1 && stack.msPerToken! > 0);
    assert.ok(stack.trainableParams > 0);
    const again = measureSetup(setups[4], judge, base, options)[0];
    assert.deepEqual(again.examples, stack.examples, 'a fixed seed draws the same samples');
    const baseRows = measureSetup(setups[0], judge, base, options);
    assert.equal(baseRows.length, 3);
    assert.equal(baseRows[0].trainableParams, 0);
    // A single adapter is judged on its own attribute and on the joint target, from the same samples.
    const [own, joint] = measureSetup(setups[1], judge, base, options);
    assert.deepEqual([own.target, joint.target], [{ sentiment: 'positive' }, { sentiment: 'positive', domain: 'restaurant' }]);
    assert.equal(own.joint, undefined);
    assert.equal(joint.share.sentiment, own.share.sentiment);
    assert.deepEqual(joint.examples, own.examples);
    // The held-out reviews carrying each target, judged like samples: the share a perfect steerer could get.
    const test = loadExperimentData(config).rows.test;
    const heldOut = measureHeldOut(test, setups[0].targets, judge, base);
    assert.deepEqual(
      heldOut.map((r) => [r.kind, r.samples]),
      [
        ['held-out', test.filter((r) => r.labels.sentiment === 'positive').length],
        ['held-out', test.filter((r) => r.labels.domain === 'restaurant').length],
        ['held-out', test.filter((r) => r.labels.sentiment === 'positive' && r.labels.domain === 'restaurant').length],
      ],
    );
    const judgedTest = judge.classify(test.filter((r) => r.labels.sentiment === 'positive').map((r) => r.text)).get('sentiment')!;
    assert.equal(heldOut[0].share.sentiment, judgedTest.filter((l) => l === 'positive').length / judgedTest.length);
    assert.ok(heldOut[2].joint! <= Math.min(heldOut[2].share.sentiment, heldOut[2].share.domain) && heldOut[2].msPerToken === null);
    const { singles, joints } = checkTargets([...heldOut, ...baseRows, own, joint, stack]);
    assert.deepEqual(
      singles.map((c) => c.setup),
      ['positive'],
    );
    assert.deepEqual(
      joints.map((j) => [j.setup, j.versus.map((v) => v.setup)]),
      [['Stack(positive, restaurant)', ['positive']]],
    );
  } finally {
    judge.dispose();
    base.dispose();
  }
});

test('the targets: a single adapter at 80% or more on its attribute; a composition beats each single adapter by more than two standard errors', () => {
  const row = (setup: string, kind: SteerRow['kind'], target: Record<string, string>, share: Record<string, number>, joint?: number): SteerRow => ({
    setup,
    kind,
    target,
    share,
    ...(joint !== undefined && { joint }),
    perplexity: 100,
    distinct2: 0.5,
    trainableParams: 10,
    msPerToken: 1,
    samples: 200,
    examples: [],
  });
  const both = { sentiment: 'positive', domain: 'restaurant' };
  const rows = [
    row('positive', 'adapter', { sentiment: 'positive' }, { sentiment: 0.85 }),
    row('positive', 'adapter', both, { sentiment: 0.85, domain: 0.3 }, 0.25),
    row('restaurant', 'adapter', { domain: 'restaurant' }, { domain: 0.79 }),
    row('restaurant', 'adapter', both, { sentiment: 0.5, domain: 0.79 }, 0.4),
    row('full:positive', 'full', both, { sentiment: 0.9, domain: 0.3 }, 0.28),
    row('Stack(positive, restaurant)', 'composition', both, { sentiment: 0.8, domain: 0.7 }, 0.55),
    row('Average(positive, restaurant)', 'composition', both, { sentiment: 0.7, domain: 0.65 }, 0.45),
  ];
  const { singles, joints } = checkTargets(rows);
  assert.deepEqual(
    singles.map((c) => [c.setup, c.met]),
    [
      ['positive', true],
      ['restaurant', false],
    ],
  );
  assert.ok(Math.abs(singles[0].error - Math.sqrt((0.85 * 0.15) / 200)) < 1e-12);
  // 0.55 vs 0.40: +0.15 with SE √(se(0.55)² + se(0.40)²) ≈ 0.049 — beats; 0.45 vs 0.40: +0.05 ± 0.050 — not clearly.
  assert.deepEqual(
    joints.map((j) => [j.setup, j.versus.map((v) => v.setup), j.beatsEach]),
    [
      ['Stack(positive, restaurant)', ['positive', 'restaurant'], true],
      ['Average(positive, restaurant)', ['positive', 'restaurant'], false],
    ],
  );
  assert.ok(Math.abs(joints[0].versus[1].error - Math.hypot(shareError(0.55, 200), shareError(0.4, 200))) < 1e-12);
  assert.equal(shareError(0, 200), 0);
});

/** A tiny classifier experiment (random 1-layer encoder) whose full fine-tuning run judges sentiment and domain. */
async function trainJudge(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-'));
  const file = path.join(dir, 'judge.adapterlab.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      name: 'judge',
      base: { random: { hiddenSize: 16, layers: 1, heads: 2, intermediateSize: 32, vocabSize: 300, maxPositions: 64 } },
      data: { builtin: 'reviews' },
      tasks: { sentiment: {}, domain: {} },
      baselines: ['full'],
      train: { batchSize: 32, maxLength: 32, full: { learningRate: 0.003, epochs: 1 } },
    }),
  );
  const judgeConfig = loadConfig(file).config!;
  const data = loadExperimentData(judgeConfig);
  const base = loadBase(judgeConfig, data);
  const plan = planRuns(judgeConfig).find((p) => p.name === 'full')!;
  const { id, dir: runDir } = createRun({
    runsDir: judgeConfig.runsDir,
    experiment: 'judge',
    name: 'full',
    type: 'full',
    tasks: plan.tasks,
    configFile: file,
    config: judgeConfig,
    status: 'running',
  });
  const { outcome } = await runPlannedRun(judgeConfig, plan, data, base, { id, dir: runDir, backend: 'test' }, quiet);
  assert.equal(outcome.status, 'completed');
  finishRun(runDir, 'completed');
  return runDir;
}
