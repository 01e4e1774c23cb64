// Pre-training end to end on a tiny shape: the output folder is a loadable Hugging Face BERT, and an interrupted
// run resumed from its checkpoint ends bit-identical to an uninterrupted one.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPretrainConfig } from '../../src/core/pretrain/config';
import { loadPretrainCorpus } from '../../src/core/pretrain/corpus';
import { type PretrainHooks, pretrain } from '../../src/core/pretrain/run';
import { loadEncoderCheckpoint } from '../../src/core/io/hfEncoder';
import { backendReady } from '../helpers/tiny';

before(backendReady);

function tinyPretrainConfig(dir: string, output: string) {
  const file = path.join(dir, 'tiny.pretrain.json');
  fs.writeFileSync(
    file,
    `// comments are allowed
{
  "output": "${output}",
  "shape": { "hiddenSize": 16, "layers": 1, "heads": 2, "intermediateSize": 32, "vocabSize": 300, "maxPositions": 32 },
  "corpora": ["reviews-train"],
  "objectives": { "mlm": { "weight": 1 }, "polarity": { "weight": 1 } },
  "steps": 6, "batchSize": 16, "maxLength": 24, "warmupSteps": 1, "evalEvery": 3, "checkpointEvery": 3, "logEvery": 1, "heldOut": 0.02
}`,
  );
  const { config, problems } = loadPretrainConfig(file);
  assert.deepEqual(problems, []);
  return config!;
}

const quiet = { progress() {}, evaluated() {}, log() {} };

function run(config: ReturnType<typeof tinyPretrainConfig>, runDir: string, hooks: PretrainHooks) {
  const { corpus, problems } = loadPretrainCorpus(config);
  assert.deepEqual(problems, []);
  return pretrain(config, corpus!, runDir, 'test', hooks);
}

test('pre-training writes a loadable HF folder; an interrupted + resumed run equals an uninterrupted one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-'));
  const straight = tinyPretrainConfig(dir, 'straight');
  const a = await run(straight, path.join(dir, 'run-a'), { ...quiet, cancelled: () => false });
  assert.equal(a.status, 'completed', a.reason);
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'pretraining.json']) {
    assert.ok(fs.existsSync(path.join(straight.output, f)), f);
  }
  const loaded = loadEncoderCheckpoint(straight.output);
  assert.equal(loaded.config.hiddenSize, 16);
  assert.ok(loaded.tokenizer.vocabSize <= 300);

  const resumed = tinyPretrainConfig(dir, 'resumed');
  let checks = 0;
  const first = await run(resumed, path.join(dir, 'run-b'), { ...quiet, cancelled: () => ++checks > 4 });
  assert.equal(first.status, 'cancelled');
  assert.equal(first.step, 4);
  const second = await run(resumed, path.join(dir, 'run-b'), { ...quiet, cancelled: () => false });
  assert.equal(second.status, 'completed');
  assert.equal(second.step, 6);
  const bytes = (out: string) => fs.readFileSync(path.join(out, 'model.safetensors'));
  assert.ok(bytes(straight.output).equals(bytes(resumed.output)), 'resumed weights differ from the uninterrupted run');
});

test('a pretrain config error is reported at its line and column', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-'));
  const file = path.join(dir, 'bad.pretrain.json');
  fs.writeFileSync(file, '{\n  "output": "x",\n  "objectives": { "mlm": { "weight": 1 }, "nsp": { "weight": 1 } }\n}\n');
  const { config, problems } = loadPretrainConfig(file);
  assert.equal(config, undefined);
  assert.equal(problems[0].range.line, 3);
  assert.equal(problems[0].range.column, '  "objectives": { "mlm": { "weight": 1 }, '.length + 1);
  assert.match(problems[0].message, /nsp/);
});
