// Pre-training a decoder with "clm": a short run on the reviews' train text lowers held-out perplexity well below
// the vocabulary size (a uniform guess), writes a GPT-2 folder that loads back with the same weights and tokenizer,
// resumes from its checkpoint, and the config checks keep clm alone.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPretrainConfig } from '../../src/core/pretrain/config';
import { loadPretrainCorpus } from '../../src/core/pretrain/corpus';
import { pretrainDecoder } from '../../src/core/pretrain/clmRun';
import { loadGpt2Checkpoint } from '../../src/core/io/hfGpt2';
import type { EvalEvent } from '../../src/common/events';
import { backendReady } from '../helpers/tiny';
import { smallPretrainConfig } from '../helpers/pretrain';

before(backendReady);

async function run(config: ReturnType<typeof smallPretrainConfig>, runDir: string, stopAt?: number) {
  const { corpus } = loadPretrainCorpus(config);
  const evaluations: EvalEvent[] = [];
  let steps = 0;
  const outcome = await pretrainDecoder(config, corpus!, runDir, 'test', {
    progress: (p) => (steps = p.step),
    evaluated: (e) => evaluations.push(e),
    log() {},
    cancelled: () => stopAt !== undefined && steps >= stopAt,
  });
  return { outcome, evaluations };
}

test('clm pre-training lowers held-out perplexity and writes a loadable GPT-2 folder', async () => {
  const config = smallPretrainConfig('clm', 120);
  config.evalEvery = 60;
  config.logEvery = 10;
  const { outcome, evaluations } = await run(config, path.join(path.dirname(config.file), 'run'));
  assert.equal(outcome.status, 'completed', outcome.reason);
  const [first, last] = evaluations.map((e) => e.metrics.clm.perplexity!);
  assert.ok(last < first, `perplexity ${first} → ${last}`);
  assert.ok(last < 150, `held-out perplexity ${last} against a uniform guess of 400`);
  const loaded = loadGpt2Checkpoint(config.output);
  assert.equal(loaded.config.layers, 1);
  assert.equal(loaded.config.hiddenSize, 32);
  assert.equal(loaded.config.eosTokenId, loaded.tokenizer.endOfTextId);
  assert.equal(loaded.tokenizer.vocabSize, loaded.config.vocabSize);
  const text = 'The pasta was great, but the service was slow.';
  assert.equal(loaded.tokenizer.decode(loaded.tokenizer.encode(text)), text);
  const record = JSON.parse(fs.readFileSync(path.join(config.output, 'pretraining.json'), 'utf8'));
  assert.equal(record.steps, 120);
  assert.ok(Math.abs(record.heldOut.clm.perplexity - last) < 1e-9);
});

test('an interrupted clm run resumes to the same weights as an uninterrupted one', async () => {
  const whole = smallPretrainConfig('clm', 30);
  const parts = smallPretrainConfig('clm', 30);
  for (const c of [whole, parts]) {
    c.checkpointEvery = 10;
    c.evalEvery = 30;
    c.logEvery = 1;
  }
  await run(whole, path.join(path.dirname(whole.file), 'run'));
  const runDir = path.join(path.dirname(parts.file), 'run');
  const stopped = await run(parts, runDir, 12);
  assert.equal(stopped.outcome.status, 'cancelled');
  const resumed = await run(parts, runDir);
  assert.equal(resumed.outcome.status, 'completed');
  const a = loadGpt2Checkpoint(whole.output).values;
  const b = loadGpt2Checkpoint(parts.output).values;
  for (const [name, v] of a) assert.deepEqual(b.get(name)!.data, v.data, name);
});

test('clm beside an encoder objective is a config problem at that objective', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clm-'));
  const file = path.join(dir, 'x.pretrain.json');
  fs.writeFileSync(file, '{\n  "output": "out",\n  "objectives": { "clm": { "weight": 1 },\n    "mlm": { "weight": 1 } }\n}\n');
  const { config, problems } = loadPretrainConfig(file);
  assert.equal(config, undefined);
  assert.deepEqual(
    problems.map((p) => [p.code, p.range.line, p.path.join('.')]),
    [['clm-alone', 4, 'objectives.mlm']],
  );
});
