// `adapter-lab generate`, end to end through the built CLI on a tiny random GPT-2 folder: the text it prints is the
// continuation the engine draws for that seed, and what is not a decoder is refused with what to give instead.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateTokens } from '../../src/core/generate/generate';
import { loadGpt2Checkpoint } from '../../src/core/io/hfGpt2';
import { Gpt2Decoder } from '../../src/core/model/gpt2';
import { Weights } from '../../src/core/model/weights';
import { backendReady } from '../helpers/tiny';
import { writeFolder } from '../helpers/tinyGpt2Folder';
import { ROOT, requireBuild, runCli } from '../helpers/workspace';

before(requireBuild);
before(backendReady);

const PROMPT = ' the cat';
const OPTIONS = { temperature: 0.8, topK: 50, topP: 0.9, maxTokens: 6, seed: 3 };
const ARGS = ['--prompt', PROMPT, '--temperature', '0.8', '--top-k', '50', '--top-p', '0.9', '--max-tokens', '6', '--seed', '3'];

test('generate prints the prompt and the continuation the engine draws for the seed, and the same again for the same seed', () => {
  const dir = writeFolder();
  const loaded = loadGpt2Checkpoint(dir);
  const decoder = new Gpt2Decoder(loaded.config, new Weights(loaded.values));
  const eos = loaded.config.eosTokenId;
  const ids = [...generateTokens(decoder, loaded.tokenizer.encode(PROMPT), { ...OPTIONS, stopId: eos })];
  decoder.weights.dispose();
  const expected = PROMPT + loaded.tokenizer.decode(ids.filter((id) => id !== eos)) + '\n';

  const first = runCli(['generate', dir, ...ARGS], os.tmpdir());
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, expected);
  assert.match(first.stderr, new RegExp(`^${ids.length} tokens in [\\d.]+ s \\([\\d.]+ ms/token\\)`));
  assert.equal(runCli(['generate', dir, ...ARGS], os.tmpdir()).stdout, expected);
  const other = runCli(['generate', dir, ...ARGS.slice(0, -1), '4'], os.tmpdir());
  assert.equal(other.status, 0, other.stderr);
  assert.notEqual(other.stdout, expected, 'another seed writes another text');
});

test('generate refuses an encoder folder, a classification run and bad sampling options, with exit code 2', () => {
  const encoder = runCli(['generate', path.join(ROOT, 'models/lab-base'), '--prompt', 'hi'], os.tmpdir());
  assert.equal(encoder.status, 2);
  assert.match(encoder.stderr, /holds "bert", an encoder: generate needs a causal decoder, a folder with model_type "gpt2"/);

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify({ id: 'r1', status: 'completed', config: { base: { kind: 'builtin', name: 'lab-base' } } }));
  const run = runCli(['generate', runDir, '--prompt', 'hi'], os.tmpdir());
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is a classification run on an encoder \(base builtin:lab-base\): generate needs a causal decoder/);

  const dir = writeFolder();
  for (const [option, value, message] of [
    ['--top-p', '0', /top-p must be in \(0, 1\]/],
    ['--temperature', '-1', /temperature must be a number ≥ 0/],
    ['--top-k', '2.5', /top-k must be a whole number ≥ 0/],
  ] as const) {
    const bad = runCli(['generate', dir, option, value], os.tmpdir());
    assert.equal(bad.status, 2, `${option} ${value}`);
    assert.match(bad.stderr, message);
  }
  const long = runCli(['generate', dir, '--prompt', ' the cat'.repeat(20)], os.tmpdir());
  assert.equal(long.status, 2);
  assert.match(long.stderr, /the prompt has \d+ tokens; the model reads at most 11/);
  assert.equal(long.stdout, '', 'nothing is printed before the error');
});

test('--setup composes the adapters of a run; a model folder has none to compose', () => {
  const dir = writeFolder();
  const run = runCli(['generate', dir, '--setup', 'Stack(a, b)', ...ARGS], os.tmpdir());
  assert.equal(run.status, 2);
  assert.match(run.stderr, /a setup \("Stack\(a, b\)"\) composes the attribute adapters of a run of causal-lm tasks; .* is a model folder/);
});
