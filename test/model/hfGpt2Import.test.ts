// Loading a local Hugging Face GPT-2 folder: a tiny random checkpoint written by the test in GPT2LMHeadModel's naming
// and Conv1D layout, checked against an independent plain-JS forward pass, and the ways the folder can be wrong —
// a transposed Conv1D weight above all, which a square matrix hides from the shape check.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../../src/core/io/hfConfig';
import { loadGpt2Checkpoint, writeGpt2Checkpoint } from '../../src/core/io/hfGpt2';
import { Gpt2Decoder } from '../../src/core/model/gpt2';
import { Weights } from '../../src/core/model/weights';
import { backendReady } from '../helpers/tiny';
import { referenceGpt2Logits } from '../helpers/referenceGpt2';
import { CONFIG, D, HEADS, LAYERS, VOCAB, hfTensors, vocabJson, writeFolder } from '../helpers/tinyGpt2Folder';

before(backendReady);

const REF = { hidden: D, layers: LAYERS, heads: HEADS, eps: 1e-5 };
const TEXT = ' the cat sat';

function engineLogits(dir: string): { logits: number[][]; ids: number[] } {
  const loaded = loadGpt2Checkpoint(dir);
  const ids = loaded.tokenizer.encode(TEXT);
  const decoder = new Gpt2Decoder(loaded.config, new Weights(loaded.values));
  const logits = tf.tidy(
    () =>
      decoder
        .logits(decoder.forward(tf.tensor2d([ids], undefined, 'int32'), { trainBase: false, dropoutRate: 0, dropoutSeed: null }))
        .arraySync() as number[][],
  );
  decoder.weights.dispose();
  return { logits, ids };
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r][i]))));

test('a GPT-2 folder (vocab.json + merges.txt) loads and its logits match an independent reference forward', () => {
  const tensors = hfTensors();
  const { logits, ids } = engineLogits(writeFolder(tensors));
  const tokenOf = Object.fromEntries(Object.entries(vocabJson()).map(([token, id]) => [id, token]));
  assert.deepEqual(
    ids.map((id) => tokenOf[id]),
    ['Ġthe', 'Ġc', 'at', 'Ġ', 's', 'at'],
    'byte-level BPE applied the merges in rank order',
  );
  const reference = referenceGpt2Logits(tensors, REF, ids);
  const scale = Math.max(...reference.flat().map(Math.abs));
  assert.ok(scale > 1, 'the logits are not trivially small');
  assert.ok(maxDiff(logits, reference) < 1e-4 * scale, `max difference ${maxDiff(logits, reference)}`);
});

test('a transposed Conv1D weight fails: a square one (attn.c_proj) loads but its logits no longer match the reference', () => {
  const tensors = hfTensors();
  const name = 'transformer.h.1.attn.c_proj.weight';
  const w = tensors.get(name)!;
  const transposed = new Float32Array(D * D).map((_, i) => w.data[(i % D) * D + Math.floor(i / D)]);
  const { logits, ids } = engineLogits(writeFolder(new Map(tensors).set(name, { shape: [D, D], data: transposed })));
  const reference = referenceGpt2Logits(tensors, REF, ids);
  assert.ok(maxDiff(logits, reference) > 1e-2, 'the comparison with the reference catches a transposed square weight');
});

test('a transposed non-square Conv1D weight (a Linear [out, in] saved as is) is refused by name, with the fix', () => {
  const tensors = hfTensors();
  const name = 'transformer.h.0.attn.c_attn.weight';
  tensors.set(name, { shape: [3 * D, D], data: tensors.get(name)!.data });
  assert.throws(
    () => loadGpt2Checkpoint(writeFolder(tensors)),
    (e: Error) => {
      assert.ok(e instanceof CheckpointError);
      assert.match(e.message, /transformer\.h\.0\.attn\.c_attn\.weight" has shape \[24,8\], expected \[8,24\]: transposed — Conv1D weights are \[in, out\]/);
      return true;
    },
  );
});

test('GPT2Model naming (no "transformer." prefix) and a tokenizer.json load the same model', () => {
  const tensors = hfTensors();
  const bare = new Map([...tensors].filter(([n]) => n !== 'lm_head.weight').map(([n, v]) => [n.replace(/^transformer\./, ''), v]));
  const dir = writeFolder(bare);
  const withPrefix = writeFolder(tensors);
  const loaded = loadGpt2Checkpoint(withPrefix);
  fs.rmSync(path.join(dir, 'vocab.json'));
  fs.rmSync(path.join(dir, 'merges.txt'));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(loaded.tokenizer.json));
  assert.deepEqual(engineLogits(dir), engineLogits(withPrefix));
});

test('a written decoder folder loads back to the same weights, config and tokenizer', () => {
  const loaded = loadGpt2Checkpoint(writeFolder());
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-out-'));
  writeGpt2Checkpoint(out, loaded.config, loaded.values, loaded.tokenizer);
  const again = loadGpt2Checkpoint(out);
  assert.deepEqual(again.config, loaded.config);
  assert.deepEqual(again.tokenizer.encode(TEXT), loaded.tokenizer.encode(TEXT));
  for (const [name, v] of loaded.values) assert.deepEqual(again.values.get(name), v, name);
});

test('a folder that is not a loadable GPT-2 says what is wrong', () => {
  const missing = hfTensors();
  missing.delete('transformer.h.1.mlp.c_fc.bias');
  assert.throws(() => loadGpt2Checkpoint(writeFolder(missing)), /missing tensor "transformer\.h\.1\.mlp\.c_fc\.bias" \(shape \[32\]\)/);
  assert.throws(() => loadGpt2Checkpoint(writeFolder(hfTensors(), { ...CONFIG, model_type: 'bert' })), /model_type is "bert"; a "gpt2" decoder is expected/);
  assert.throws(
    () => loadGpt2Checkpoint(writeFolder(hfTensors(), { ...CONFIG, activation_function: 'swish' })),
    /activation_function "swish" is not supported/,
  );
  const untied = hfTensors();
  untied.set('lm_head.weight', { shape: [VOCAB, D], data: new Float32Array(VOCAB * D) });
  assert.throws(() => loadGpt2Checkpoint(writeFolder(untied)), /only tied input\/output embeddings/);
  const noTokenizer = writeFolder();
  fs.rmSync(path.join(noTokenizer, 'merges.txt'));
  assert.throws(() => loadGpt2Checkpoint(noTokenizer), /neither tokenizer\.json nor vocab\.json \+ merges\.txt/);
});
