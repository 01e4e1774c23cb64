// Loading a local Hugging Face BERT folder: a small random checkpoint written in exactly HF's layout and naming,
// checked against an independent plain-JS forward pass, and every way the folder can be wrong.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadEncoderCheckpoint } from '../../src/core/io/hfEncoder';
import { CheckpointError } from '../../src/core/io/hfConfig';
import { type TensorToWrite, writeSafetensors } from '../../src/core/io/safetensors';
import { BertEncoder } from '../../src/core/model/bert';
import { normalValues } from '../../src/core/model/init';
import { Weights } from '../../src/core/model/weights';
import { backendReady } from '../helpers/tiny';
import { referenceBertForward } from '../helpers/referenceBert';

before(backendReady);

const D = 8,
  LAYERS = 2,
  HEADS = 2,
  FFN = 16,
  VOCAB = 30,
  POSITIONS = 16;
const VOCAB_TXT = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'the',
  'film',
  'was',
  'great',
  'bad',
  ',',
  '!',
  '##s',
  'food',
  ...Array.from({ length: 16 }, (_, i) => `w${i}`),
];

/** HF BertModel tensors (PyTorch layout: Linear weight [out, in]), random but seeded. */
function hfTensors(): Map<string, { shape: number[]; data: Float32Array }> {
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  let seed = 1;
  const add = (name: string, shape: number[], std = 0.5, mean = 0) => {
    const data = normalValues(
      shape.reduce((a, b) => a * b, 1),
      std,
      seed++,
    ).map((v) => v + mean);
    t.set(name, { shape, data });
  };
  add('embeddings.word_embeddings.weight', [VOCAB, D]);
  add('embeddings.position_embeddings.weight', [POSITIONS, D]);
  add('embeddings.token_type_embeddings.weight', [2, D]);
  add('embeddings.LayerNorm.weight', [D], 0.1, 1);
  add('embeddings.LayerNorm.bias', [D], 0.1);
  for (let l = 0; l < LAYERS; l++) {
    const p = `encoder.layer.${l}.`;
    for (const m of ['query', 'key', 'value']) {
      add(`${p}attention.self.${m}.weight`, [D, D]);
      add(`${p}attention.self.${m}.bias`, [D], 0.1);
    }
    add(`${p}attention.output.dense.weight`, [D, D]);
    add(`${p}attention.output.dense.bias`, [D], 0.1);
    add(`${p}attention.output.LayerNorm.weight`, [D], 0.1, 1);
    add(`${p}attention.output.LayerNorm.bias`, [D], 0.1);
    add(`${p}intermediate.dense.weight`, [FFN, D]);
    add(`${p}intermediate.dense.bias`, [FFN], 0.1);
    add(`${p}output.dense.weight`, [D, FFN]);
    add(`${p}output.dense.bias`, [D], 0.1);
    add(`${p}output.LayerNorm.weight`, [D], 0.1, 1);
    add(`${p}output.LayerNorm.bias`, [D], 0.1);
  }
  add('pooler.dense.weight', [D, D]);
  add('pooler.dense.bias', [D], 0.1);
  return t;
}

function writeCheckpoint(tensors: Map<string, { shape: number[]; data: Float32Array }>, over: { config?: object; safetensors?: Uint8Array } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-bert-'));
  const config = {
    model_type: 'bert',
    hidden_size: D,
    num_hidden_layers: LAYERS,
    num_attention_heads: HEADS,
    intermediate_size: FFN,
    vocab_size: VOCAB,
    max_position_embeddings: POSITIONS,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    hidden_act: 'gelu',
    ...over.config,
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const record: Record<string, TensorToWrite> = {};
  for (const [name, t] of tensors) record[name] = { dtype: 'F32', shape: t.shape, data: t.data };
  fs.writeFileSync(path.join(dir, 'model.safetensors'), over.safetensors ?? writeSafetensors(record, { format: 'pt' }));
  fs.writeFileSync(path.join(dir, 'vocab.txt'), VOCAB_TXT.join('\n') + '\n');
  return dir;
}

const IDS = [
  [2, 5, 6, 7, 8, 11, 3],
  [2, 13, 7, 9, 3, 0, 0],
];
const MASK = [
  [1, 1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1, 0, 0],
];

function engineForward(dir: string): number[][][] {
  const loaded = loadEncoderCheckpoint(dir);
  const encoder = new BertEncoder(loaded.config, new Weights(loaded.values));
  const hidden = encoder.forward(
    { ids: tf.tensor2d(IDS, undefined, 'int32'), typeIds: tf.zeros([2, 7], 'int32') as tf.Tensor2D, mask: tf.tensor2d(MASK) },
    { trainBase: false, dropoutRate: 0, dropoutSeed: null },
  );
  return hidden.reshape([2, 7, D]).arraySync() as number[][][];
}

function assertMatchesReference(dir: string, tensors: Map<string, { shape: number[]; data: Float32Array }>): void {
  const ours = engineForward(dir);
  IDS.forEach((ids, b) => {
    const ref = referenceBertForward(tensors, { hidden: D, layers: LAYERS, heads: HEADS, eps: 1e-12 }, ids, MASK[b]);
    ids.forEach((_, t) => {
      if (!MASK[b][t]) return;
      ref[t].forEach((v, k) => assert.ok(Math.abs(v - ours[b][t][k]) < 1e-4, `sentence ${b} token ${t} dim ${k}: ${ours[b][t][k]} vs reference ${v}`));
    });
  });
}

test('a Hugging Face BertModel checkpoint (no "bert." prefix) gives the same hidden states as an independent reference', () => {
  const tensors = hfTensors();
  assertMatchesReference(writeCheckpoint(tensors), tensors);
});

test('the "bert." prefix of BertForPreTraining / AdapterHub checkpoints is accepted, extra tensors ignored', () => {
  const tensors = hfTensors();
  const prefixed = new Map([...tensors].map(([n, t]) => [`bert.${n}`, t]));
  prefixed.set('cls.predictions.bias', { shape: [VOCAB], data: new Float32Array(VOCAB) });
  assertMatchesReference(writeCheckpoint(prefixed), tensors);
});

test('LayerNorm "gamma" / "beta", as in bert-base-uncased\'s model.safetensors, load as weight / bias', () => {
  const tensors = hfTensors();
  const legacy = new Map(
    [...tensors].map(([n, t]) => [`bert.${n.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')}`, t]),
  );
  assert.ok(legacy.has('bert.encoder.layer.1.output.LayerNorm.gamma'));
  assertMatchesReference(writeCheckpoint(legacy), tensors);
});

test('a transposed Linear weight (same shape) is caught by the reference comparison', () => {
  const tensors = hfTensors();
  const swapped = new Map(tensors);
  const q = tensors.get('encoder.layer.0.attention.self.query.weight')!;
  const transposed = new Float32Array(q.data.length);
  for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) transposed[c * D + r] = q.data[r * D + c];
  swapped.set('encoder.layer.0.attention.self.query.weight', { shape: q.shape, data: transposed });
  assert.throws(() => assertMatchesReference(writeCheckpoint(swapped), tensors), /vs reference/);
});

test('a missing or misnamed tensor is an error naming it', () => {
  const tensors = hfTensors();
  const v = tensors.get('encoder.layer.1.attention.self.value.weight')!;
  tensors.delete('encoder.layer.1.attention.self.value.weight');
  tensors.set('encoder.layer.1.attention.self.valu.weight', v);
  assert.throws(
    () => loadEncoderCheckpoint(writeCheckpoint(tensors)),
    (e: Error) =>
      e instanceof CheckpointError &&
      /missing tensor "bert\.encoder\.layer\.1\.attention\.self\.value\.weight" \(shape \[8,8\]\)/.test(e.message) &&
      /model\.safetensors/.test(e.message),
  );
});

test('a mis-shaped tensor is an error giving both shapes', () => {
  const tensors = hfTensors();
  tensors.set('encoder.layer.0.intermediate.dense.weight', { shape: [D, FFN], data: new Float32Array(D * FFN) }); // [in, out]: wrong way round
  assert.throws(
    () => loadEncoderCheckpoint(writeCheckpoint(tensors)),
    /"encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[8,16\], expected \[16,8\]/,
  );
});

test('a malformed safetensors file is rejected with the file named', () => {
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setBigUint64(0, 1000n, true); // header longer than the file
  assert.throws(() => loadEncoderCheckpoint(writeCheckpoint(hfTensors(), { safetensors: bytes })), /model\.safetensors/);
});

test('config.json problems: not BERT, unsupported activation, heads not dividing hidden size', () => {
  assert.throws(
    () => loadEncoderCheckpoint(writeCheckpoint(hfTensors(), { config: { model_type: 'gpt2' } })),
    /model_type is "gpt2"; Adapter Lab loads "bert", "roberta"/,
  );
  assert.throws(() => loadEncoderCheckpoint(writeCheckpoint(hfTensors(), { config: { hidden_act: 'relu' } })), /hidden_act "relu"/);
  assert.throws(() => loadEncoderCheckpoint(writeCheckpoint(hfTensors(), { config: { num_attention_heads: 3 } })), /not divisible/);
});

test('a checkpoint without a pooler loads, with the pooler initialised and a note saying so', () => {
  const tensors = hfTensors();
  tensors.delete('pooler.dense.weight');
  tensors.delete('pooler.dense.bias');
  const loaded = loadEncoderCheckpoint(writeCheckpoint(tensors));
  assert.match(loaded.notes.join(), /no pooler/);
  assert.equal(loaded.tokenizer.vocabSize, VOCAB);
  assert.deepEqual(loaded.tokenizer.tokenize('The films, great!'), ['the', 'film', '##s', ',', 'great', '!']);
});
