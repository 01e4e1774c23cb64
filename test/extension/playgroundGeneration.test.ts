// The host side of a causal-lm experiment's Playground, on a small experiment trained with the CLI and the real
// forked worker (dist/inference.js): which models it offers (the base, every finished run, setups of the adapters
// that have a run), that each request it makes streams text — a setup's the same text as `openDecoder` on that
// setup, i.e. what `adapter-lab generate <run> --setup` writes — and that a bad setup is refused on the host with the
// message the worker itself would give, before any model loads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import type { SamplingSettings } from '../../src/common/playground';
import { loadConfig } from '../../src/core/config/validate';
import { resolveConfig } from '../../src/core/config/resolve';
import type { ExperimentConfig } from '../../src/core/config/types';
import { listRuns } from '../../src/core/io/runStore';
import { openDecoder } from '../../src/core/run/openDecoder';
import { type GenerationRequest, generationOffer, generationRequest } from '../../src/extension/playgroundGeneration';
import { playgroundRuns } from '../../src/extension/playgroundRuns';
import type { FromInference } from '../../src/protocol/inference';
import type { GenerationModel, PlaygroundRun } from '../../src/protocol/playground';
import { InferenceProcess } from '../../src/runner/inferenceProcess';
import { backendReady } from '../helpers/tiny';
import { ROOT, requireBuild, runCli } from '../helpers/workspace';
import { lmConfigFile } from '../lm/helpers';

const SAMPLING: SamplingSettings = { temperature: 0.9, topK: 20, topP: 0.95, maxTokens: 8, seed: 5 };

let config: ExperimentConfig;
let runs: PlaygroundRun[];
let worker: InferenceProcess;
const replies: FromInference[] = [];
let waiters: (() => void)[] = [];

before(async () => {
  requireBuild();
  await backendReady();
  const { dir, file } = lmConfigFile(); // adapters: positive (LoRA), restaurant (Pfeiffer); full fine-tuning of each
  const trained = runCli(['train', file, '--parallel', '1'], dir);
  assert.equal(trained.status, 0, trained.stderr + trained.stdout);
  config = loadConfig(file).config!;
  runs = playgroundRuns(listRuns(path.join(dir, '.adapterlab/runs')).runs, file);
  worker = new InferenceProcess({
    workerScript: path.join(ROOT, 'dist/inference.js'),
    onReply: (m) => {
      replies.push(m);
      waiters.forEach((w) => w());
    },
  });
});

after(() => worker?.dispose());

async function finished(id: number): Promise<FromInference[]> {
  const mine = () => replies.filter((m) => m.type !== 'ready' && m.id === id);
  while (!mine().some((m) => m.type === 'done' || m.type === 'failed')) await new Promise<void>((resolve) => waiters.push(resolve));
  waiters = [];
  return mine();
}

/** The request the host makes for `model`; fails the test if the host refuses it. */
function accepted(model: GenerationModel, shown = runs): GenerationRequest {
  const answer = generationRequest(model, config, shown);
  assert.equal(answer.problem, undefined, `${JSON.stringify(model)} accepted`);
  return answer.request!;
}

function refusal(model: GenerationModel, shown = runs): string {
  const answer = generationRequest(model, config, shown);
  assert.ok(answer.problem !== undefined, `${JSON.stringify(model)} refused`);
  return answer.problem;
}

/** The worker's text for a request, with its done message. */
async function written(request: GenerationRequest): Promise<{ text: string; done: FromInference }> {
  const out = await finished(worker.request({ type: 'generate', ...request, prompt: 'The food', sampling: SAMPLING }));
  const failed = out.find((m) => m.type === 'failed');
  assert.equal(failed, undefined, JSON.stringify(failed));
  return { text: out.map((m) => (m.type === 'token' ? m.text : '')).join(''), done: out.find((m) => m.type === 'done')! };
}

test('a causal-lm experiment offers its base, every finished run and setups of the adapters that have a run; a classification experiment none', () => {
  assert.deepEqual(
    runs.map((r) => r.name),
    ['adapter:positive', 'adapter:restaurant', 'full:positive', 'full:restaurant'],
  );
  const offer = generationOffer(config, runs)!;
  assert.deepEqual(offer.adapters, ['positive', 'restaurant']);
  assert.equal(offer.base, 'decoder', 'the base as the config names it');
  assert.deepEqual(generationOffer(config, runs.slice(1))!.adapters, ['restaurant'], 'an adapter without a finished run is not offered');
  const classification = resolveConfig({ name: 'c', tasks: { mood: {} }, adapters: { mood: { method: 'pfeiffer' } } }, '/ws/c.adapterlab.json');
  assert.equal(generationOffer(classification, runs), undefined);
});

test('each model the host offers streams text from the worker; a setup writes what openDecoder on that setup writes', async () => {
  const texts = new Map<string, string>();
  for (const [label, model] of [
    ['base', { kind: 'base' }],
    ...runs.map((r) => [r.name, { kind: 'run', dir: r.dir }]),
    ['Stack', { kind: 'setup', setup: 'Stack(restaurant, positive)', mergeParameters: false }],
    ['Average', { kind: 'setup', setup: 'Average(positive, restaurant)', mergeParameters: false }],
    ['merged', { kind: 'setup', setup: 'Average(positive, positive)', mergeParameters: true }],
  ] as [string, GenerationModel][]) {
    const { text, done } = await written(accepted(model));
    assert.ok(done.type === 'done' && done.tokens! > 0 && done.msPerToken! > 0, `${label}: ${JSON.stringify(done)}`);
    texts.set(label, text);
  }
  assert.notEqual(texts.get('full:positive'), texts.get('base'), 'a fine-tuned decoder writes otherwise than the base');
  assert.equal(texts.get('merged'), texts.get('adapter:positive'), 'the parameter average of an adapter with itself is that adapter');

  const request = accepted({ kind: 'setup', setup: 'Stack(restaurant, positive)', mergeParameters: false });
  const opened = openDecoder(request.decoder, request.setup);
  try {
    assert.equal([...opened.stream('The food', SAMPLING)].join(''), texts.get('Stack'));
  } finally {
    opened.dispose();
  }
});

test('a bad setup is refused on the host with the message the worker would give, and names what to do', async () => {
  const bad: [string, boolean, RegExp][] = [
    ['Stack(positive,', false, /^setup "Stack\(positive,": /],
    ['Stack(positive, sarcastic)', false, /no adapter "sarcastic" in "steer"; its adapters: positive, restaurant/],
    ['Fuse(positive, restaurant)', false, /Fuse is not a steering setup: compose attribute adapters with Stack\(…\) or Average\(…\)/],
    ['Stack(positive, restaurant)', true, /parameter averaging takes Average\(a, b, …\) of adapters, not "Stack\(positive, restaurant\)"/],
    [
      'Average(positive, restaurant)',
      true,
      /parameter averaging needs adapters of one config: "positive" is lora, "restaurant" pfeiffer; average their outputs instead/,
    ],
  ];
  for (const [setup, mergeParameters, message] of bad) {
    const problem = refusal({ kind: 'setup', setup, mergeParameters });
    assert.match(problem, message);
    // The worker, asked directly, refuses it with the same words.
    const out = await finished(worker.request({ type: 'generate', decoder: runs[0].dir, setup, mergeParameters, prompt: 'The', sampling: SAMPLING }));
    const failed = out.find((m) => m.type === 'failed');
    assert.equal(failed?.type === 'failed' && failed.message, problem);
  }
  const withoutRestaurant = runs.filter((r) => r.name !== 'adapter:restaurant');
  assert.equal(
    refusal({ kind: 'setup', setup: 'Stack(restaurant, positive)', mergeParameters: false }, withoutRestaurant),
    '"restaurant" has no finished run: train adapter:restaurant first',
  );
  assert.match(refusal({ kind: 'base' }, []), /"steer" has no finished run yet: train it, then generate/);
  assert.match(refusal({ kind: 'run', dir: '/elsewhere/run' }), /is not a finished run of "steer"/);
});
