// Attribute adapters on a decoder: the config form of a causal-lm task, its checks, the runs it plans, and a run
// that lowers the validation perplexity of its rows below the base's, saved under AdapterHub's GPT-2 names.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkConfigText, loadConfig } from '../../src/core/config/validate';
import { loadExperimentData } from '../../src/core/run/experiment';
import { planRuns } from '../../src/core/run/plan';
import { lmSequence, loadDecoderBase, runLanguageModelRun, taskTexts } from '../../src/core/run/lmRun';
import { lmMetrics } from '../../src/core/train/lmMetrics';
import { loadAdapter } from '../../src/core/adapters/load';
import { readFloatTensors } from '../../src/core/adapters/load';
import { Gpt2Decoder } from '../../src/core/model/gpt2';
import { Weights } from '../../src/core/model/weights';
import { backendReady } from '../helpers/tiny';
import { lmConfigFile } from './helpers';

before(backendReady);

const quiet = { progress() {}, evaluated() {}, checkpoint() {}, cancelled: () => false };

test('a causal-lm config plans one run per adapter and a full fine-tuning per task', () => {
  const { file } = lmConfigFile();
  const { config, problems } = loadConfig(file);
  assert.deepEqual(
    problems.map((p) => p.message),
    [],
  );
  assert.deepEqual(config!.tasks[0], { name: 'positive', field: 'sentiment', pooling: 'mean', objective: 'causal-lm', value: 'positive' });
  assert.deepEqual(
    planRuns(config!).map((p) => [p.name, p.type, p.tasks.join()]),
    [
      ['adapter:positive', 'adapter', 'positive'],
      ['adapter:restaurant', 'adapter', 'restaurant'],
      ['full:positive', 'full', 'positive'],
      ['full:restaurant', 'full', 'restaurant'],
    ],
  );
});

test('config checks of causal-lm tasks point at the text at fault', () => {
  const text = `{
  "base": { "builtin": "lab-base" },
  "data": { "builtin": "reviews" },
  "tasks": {
    "positive": { "objective": "causal-lm", "field": "sentiment" },
    "domain": { "value": "movie" }
  },
  "compositions": { "both": { "setup": "Stack(positive, domain)" } },
  "baselines": ["full", "head-only"]
}`;
  const shape = { hiddenSize: 128, layers: 2, heads: 4, intermediateSize: 512, vocabSize: 100, maxPositions: 64, typeVocabSize: 2, layerNormEps: 1e-12 };
  const { problems } = checkConfigText(text, '/x/a.adapterlab.json', { baseShape: () => shape });
  const found = problems.map((p) => `${p.code}@${p.range.line}`);
  for (const expected of [
    'causal-lm-without-value@5',
    'value-without-objective@6',
    'mixed-objectives@6',
    'causal-lm-needs-decoder@2',
    'causal-lm-compositions@8',
    'causal-lm-head-only@9',
  ])
    assert.ok(found.includes(expected), `${expected} in ${found.join(', ')}`);
});

test('an attribute adapter lowers the perplexity of its rows; saved with GPT-2 names and read back', async () => {
  const { dir, file } = lmConfigFile();
  const config = loadConfig(file).config!;
  const data = loadExperimentData(config);
  const base = loadDecoderBase(config);
  const task = config.tasks[0];
  const texts = taskTexts(data, task);
  assert.ok(texts.train.length > 50 && texts.validation.length > 5);
  const decoder = new Gpt2Decoder(base.config, new Weights(base.values));
  const validation = texts.validation.map((t) => lmSequence(base.tokenizer, t, 40));
  const before = lmMetrics(decoder, validation, 16).perplexity!;
  const plan = planRuns(config).find((p) => p.name === 'adapter:positive')!;
  const runDir = path.join(dir, 'run');
  fs.mkdirSync(runDir);
  const { outcome, summary } = await runLanguageModelRun(config, plan, data, base, { id: 'r', dir: runDir, backend: 'test' }, quiet);
  assert.equal(outcome.status, 'completed', outcome.reason);
  const after = outcome.validation!.positive.perplexity!;
  assert.ok(after < before * 0.9, `validation perplexity ${before} → ${after}`);
  assert.ok(outcome.test!.positive.perplexity! > 1);
  assert.ok(summary.trainableParams > 0 && summary.trainableParams < summary.totalParams / 5);

  const adapterDir = path.join(runDir, 'adapters', 'positive');
  const names = [...readFloatTensors(path.join(adapterDir, 'adapter.safetensors')).keys()];
  assert.ok(names.length > 0 && names.every((n) => n.startsWith('transformer.h.')), names.join(', '));
  assert.ok(
    names.some((n) => n.includes('.attn.c_attn.q.loras.positive.')),
    names.join(', '),
  );
  const hub = JSON.parse(fs.readFileSync(path.join(adapterDir, 'adapter_config.json'), 'utf8'));
  assert.equal(hub.model_type, 'gpt2');
  assert.equal(hub.model_class, 'GPT2AdapterModel');
  const spec = config.adapters[0];
  const loaded = loadAdapter(adapterDir, spec, { hiddenSize: 16, intermediateSize: 32, layers: 2 });
  assert.equal(loaded.weights.size(), summary.trainableParams);
  decoder.weights.dispose();
});

test('full fine-tuning of the decoder on a task saves a GPT-2 folder', async () => {
  const { dir, file } = lmConfigFile();
  const config = loadConfig(file).config!;
  const data = loadExperimentData(config);
  const base = loadDecoderBase(config);
  const plan = planRuns(config).find((p) => p.name === 'full:restaurant')!;
  const runDir = path.join(dir, 'full');
  fs.mkdirSync(runDir);
  const { outcome, summary } = await runLanguageModelRun(config, plan, data, base, { id: 'f', dir: runDir, backend: 'test' }, quiet);
  assert.equal(outcome.status, 'completed', outcome.reason);
  assert.equal(summary.trainableParams, summary.totalParams);
  assert.ok(fs.existsSync(path.join(runDir, 'model', 'model.safetensors')));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runDir, 'model', 'config.json'), 'utf8')).model_type, 'gpt2');
});
