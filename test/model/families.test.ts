// Hugging Face encoder families besides BERT: for RoBERTa, XLM-R, DistilBERT and ELECTRA a tiny random checkpoint
// written in the family's own layout and naming, its hidden states checked against an independent plain-JS forward
// of that family (test/helpers/referenceFamilies.ts) to 1e-4, and the same check shown to fail when one weight is
// transposed or two are swapped. Then the ways such a folder can be wrong, and the family's tokenizers.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadEncoderCheckpoint, readTokenizer } from '../../src/core/io/hfEncoder';
import { CheckpointError, readBertConfig } from '../../src/core/io/hfConfig';
import { type TensorToWrite, readSafetensorsFile, writeSafetensors } from '../../src/core/io/safetensors';
import { saveEncoderModel } from '../../src/core/io/adapterhub';
import { BertEncoder } from '../../src/core/model/bert';
import { normalValues } from '../../src/core/model/init';
import { Weights } from '../../src/core/model/weights';
import { baseParamCounts } from '../../src/core/parameters/counts';
import { backendReady } from '../helpers/tiny';
import { referenceDistilbertForward, referenceElectraForward, referenceRobertaForward, sinusoidalTable } from '../helpers/referenceFamilies';

before(backendReady);

type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

const D = 8,
  LAYERS = 2,
  HEADS = 2,
  FFN = 16,
  VOCAB = 30,
  POSITIONS = 16;
const WORDPIECE_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'film', 'was', 'great', 'bad', ...Array.from({ length: 20 }, (_, i) => `w${i}`)];

/** Seeded random tensors in PyTorch layout; LayerNorm gains near 1. */
function tensorMaker() {
  const t: Tensors = new Map();
  let seed = 11;
  const add = (name: string, shape: number[], std = 0.5, mean = 0) =>
    t.set(name, {
      shape,
      data: normalValues(
        shape.reduce((a, b) => a * b, 1),
        std,
        seed++,
      ).map((v) => v + mean),
    });
  const norm = (name: string, width: number) => {
    add(`${name}.weight`, [width], 0.1, 1);
    add(`${name}.bias`, [width], 0.1);
  };
  const linear = (name: string, inputs: number, outputs: number) => {
    add(`${name}.weight`, [outputs, inputs]);
    add(`${name}.bias`, [outputs], 0.1);
  };
  return { t, add, norm, linear };
}

/** A BERT-layout layer under `p` (RoBERTa, ELECTRA). */
function bertLayer(m: ReturnType<typeof tensorMaker>, p: string): void {
  for (const x of ['query', 'key', 'value']) m.linear(`${p}attention.self.${x}`, D, D);
  m.linear(`${p}attention.output.dense`, D, D);
  m.norm(`${p}attention.output.LayerNorm`, D);
  m.linear(`${p}intermediate.dense`, D, FFN);
  m.linear(`${p}output.dense`, FFN, D);
  m.norm(`${p}output.LayerNorm`, D);
}

interface Family {
  name: string;
  config: Record<string, unknown>;
  tensors(): Tensors;
  /** Weights of the same shape: [one to transpose, another to swap it with]. */
  square: [string, string];
  ids: number[][]; // padded with the family's pad id
  pad: number;
  reference(t: Tensors, ids: number[], mask: number[]): number[][];
  tokenizerFiles: Record<string, string>;
}

// Byte-level BPE as GPT-2 / RoBERTa define it: every byte has a printable stand-in (bytes_to_unicode in
// tokenization_gpt2.py), a space before a word becomes "Ġ"; merges join pairs in rank order.
function byteLevelAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let shifted = 0;
  return Array.from({ length: 256 }, (_, b) => (printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++)));
}
const ROBERTA_MERGES = ['#version: 0.2', 't h', 'th e', 'Ġ f', 'Ġf i', 'Ġfi l', 'Ġfil m'];
function robertaVocab(): Record<string, number> {
  const tokens = ['<s>', '<pad>', '</s>', '<unk>', '<mask>', ...byteLevelAlphabet(), 'th', 'the', 'Ġf', 'Ġfi', 'Ġfil', 'Ġfilm'];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

const ROBERTA_PAD = 1;
const ROBERTA_VOCAB = Object.keys(robertaVocab()).length;
const robertaTensors = (): Tensors => {
  const m = tensorMaker();
  m.add('roberta.embeddings.word_embeddings.weight', [ROBERTA_VOCAB, D]);
  m.add('roberta.embeddings.position_embeddings.weight', [POSITIONS + ROBERTA_PAD + 1, D]);
  m.add('roberta.embeddings.token_type_embeddings.weight', [1, D]);
  m.norm('roberta.embeddings.LayerNorm', D);
  for (let l = 0; l < LAYERS; l++) bertLayer(m, `roberta.encoder.layer.${l}.`);
  m.linear('roberta.pooler.dense', D, D);
  m.add('lm_head.bias', [ROBERTA_VOCAB]); // RobertaForMaskedLM's head: not part of the encoder, ignored
  return m.t;
};
const robertaConfig = (modelType: string) => ({
  model_type: modelType,
  hidden_size: D,
  num_hidden_layers: LAYERS,
  num_attention_heads: HEADS,
  intermediate_size: FFN,
  vocab_size: ROBERTA_VOCAB,
  max_position_embeddings: POSITIONS + ROBERTA_PAD + 1,
  type_vocab_size: 1,
  layer_norm_eps: 1e-5,
  pad_token_id: ROBERTA_PAD,
  hidden_act: 'gelu',
});
const robertaIds = [
  [0, 5, 6, 7, 8, 2],
  [0, 9, 7, 2, 1, 1],
];

const DISTIL_ACTIVATION = 'relu';
const distilbertTensors = (): Tensors => {
  const m = tensorMaker();
  m.add('distilbert.embeddings.word_embeddings.weight', [VOCAB, D]);
  // sinusoidal_pos_embds: HF fills the table at init and saves it like any weight
  m.t.set('distilbert.embeddings.position_embeddings.weight', { shape: [POSITIONS, D], data: sinusoidalTable(POSITIONS, D) });
  m.norm('distilbert.embeddings.LayerNorm', D);
  for (let l = 0; l < LAYERS; l++) {
    const p = `distilbert.transformer.layer.${l}.`;
    for (const x of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) m.linear(`${p}attention.${x}`, D, D);
    m.norm(`${p}sa_layer_norm`, D);
    m.linear(`${p}ffn.lin1`, D, FFN);
    m.linear(`${p}ffn.lin2`, FFN, D);
    m.norm(`${p}output_layer_norm`, D);
  }
  m.linear('vocab_transform', D, D); // DistilBertForMaskedLM's head: ignored
  return m.t;
};

const ELECTRA_EMBEDDING = 4;
const electraTensors = (): Tensors => {
  const m = tensorMaker();
  m.add('electra.embeddings.word_embeddings.weight', [VOCAB, ELECTRA_EMBEDDING]);
  m.add('electra.embeddings.position_embeddings.weight', [POSITIONS, ELECTRA_EMBEDDING]);
  m.add('electra.embeddings.token_type_embeddings.weight', [2, ELECTRA_EMBEDDING]);
  m.norm('electra.embeddings.LayerNorm', ELECTRA_EMBEDDING);
  m.linear('electra.embeddings_project', ELECTRA_EMBEDDING, D);
  for (let l = 0; l < LAYERS; l++) bertLayer(m, `electra.encoder.layer.${l}.`);
  m.linear('discriminator_predictions.dense', D, D); // ElectraForPreTraining's head: ignored
  return m.t;
};

const wordPieceIds = [
  [2, 5, 6, 7, 8, 3],
  [2, 9, 7, 3, 0, 0],
];
const vocabTxt = { 'vocab.txt': WORDPIECE_VOCAB.join('\n') + '\n' };
const ref = { hidden: D, layers: LAYERS, heads: HEADS };

const FAMILIES: Family[] = [
  ...['roberta', 'xlm-roberta'].map((modelType): Family => ({
    name: modelType,
    config: robertaConfig(modelType),
    tensors: robertaTensors,
    square: ['roberta.encoder.layer.0.attention.self.query.weight', 'roberta.encoder.layer.0.attention.self.key.weight'],
    ids: robertaIds,
    pad: ROBERTA_PAD,
    reference: (t, ids) => referenceRobertaForward(t, { ...ref, eps: 1e-5 }, ids, ROBERTA_PAD),
    tokenizerFiles: { 'vocab.json': JSON.stringify(robertaVocab()), 'merges.txt': ROBERTA_MERGES.join('\n') + '\n' },
  })),
  {
    name: 'distilbert',
    config: {
      model_type: 'distilbert',
      dim: D,
      n_layers: LAYERS,
      n_heads: HEADS,
      hidden_dim: FFN,
      vocab_size: VOCAB,
      max_position_embeddings: POSITIONS,
      sinusoidal_pos_embds: true,
      activation: DISTIL_ACTIVATION,
      pad_token_id: 0,
    },
    tensors: distilbertTensors,
    square: ['distilbert.transformer.layer.1.attention.v_lin.weight', 'distilbert.transformer.layer.1.attention.out_lin.weight'],
    ids: wordPieceIds,
    pad: 0,
    reference: (t, ids, mask) => referenceDistilbertForward(t, { ...ref, eps: 1e-12 }, ids, mask, DISTIL_ACTIVATION),
    tokenizerFiles: vocabTxt,
  },
  {
    name: 'electra',
    config: {
      model_type: 'electra',
      embedding_size: ELECTRA_EMBEDDING,
      hidden_size: D,
      num_hidden_layers: LAYERS,
      num_attention_heads: HEADS,
      intermediate_size: FFN,
      vocab_size: VOCAB,
      max_position_embeddings: POSITIONS,
      type_vocab_size: 2,
      layer_norm_eps: 1e-12,
      hidden_act: 'gelu',
    },
    tensors: electraTensors,
    square: ['electra.encoder.layer.1.attention.self.value.weight', 'electra.encoder.layer.1.attention.output.dense.weight'],
    ids: wordPieceIds,
    pad: 0,
    reference: (t, ids, mask) => referenceElectraForward(t, { ...ref, eps: 1e-12 }, ids, mask),
    tokenizerFiles: vocabTxt,
  },
];

function writeCheckpoint(family: Family, tensors: Tensors, config: Record<string, unknown> = family.config): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hf-${family.name}-`));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const record: Record<string, TensorToWrite> = {};
  for (const [name, t] of tensors) record[name] = { dtype: 'F32', shape: t.shape, data: t.data };
  fs.writeFileSync(path.join(dir, 'model.safetensors'), writeSafetensors(record, { format: 'pt' }));
  for (const [file, text] of Object.entries(family.tokenizerFiles)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function engineForward(dir: string, ids: number[][], mask: number[][]): number[][][] {
  const loaded = loadEncoderCheckpoint(dir);
  const weights = new Weights(loaded.values);
  try {
    const encoder = new BertEncoder(loaded.config, weights);
    const [batch, length] = [ids.length, ids[0].length];
    return tf.tidy(() =>
      encoder
        .forward(
          { ids: tf.tensor2d(ids, undefined, 'int32'), typeIds: tf.zeros([batch, length], 'int32') as tf.Tensor2D, mask: tf.tensor2d(mask) },
          { trainBase: false, dropoutRate: 0, dropoutSeed: null },
        )
        .reshape([batch, length, D])
        .arraySync(),
    ) as number[][][];
  } finally {
    weights.dispose();
  }
}

/** Largest |engine − reference| over the non-padding tokens. */
function largestDifference(family: Family, dir: string, reference: Tensors): number {
  const mask = family.ids.map((row) => row.map((id, t) => (id === family.pad && t > 0 ? 0 : 1)));
  const ours = engineForward(dir, family.ids, mask);
  let worst = 0;
  family.ids.forEach((ids, b) => {
    const expected = family.reference(reference, ids, mask[b]);
    ids.forEach((_, t) => {
      if (mask[b][t]) expected[t].forEach((v, k) => (worst = Math.max(worst, Math.abs(v - ours[b][t][k]))));
    });
  });
  return worst;
}

function transposed(w: { shape: number[]; data: Float32Array }): { shape: number[]; data: Float32Array } {
  const [rows, cols] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w.data[r * cols + c];
  return { shape: w.shape, data: out };
}

for (const family of FAMILIES) {
  test(`${family.name}: the loaded encoder matches an independent ${family.name} forward to 1e-4, and fails it with a transposed or swapped weight`, () => {
    const tensors = family.tensors();
    const difference = largestDifference(family, writeCheckpoint(family, tensors), tensors);
    assert.ok(difference < 1e-4, `largest difference ${difference}`);

    const [one, other] = family.square;
    const withTransposed = new Map(tensors).set(one, transposed(tensors.get(one)!));
    const afterTranspose = largestDifference(family, writeCheckpoint(family, withTransposed), tensors);
    assert.ok(afterTranspose > 1e-3, `a transposed ${one} went unnoticed (difference ${afterTranspose})`);

    const withSwapped = new Map(tensors).set(one, tensors.get(other)!).set(other, tensors.get(one)!);
    const afterSwap = largestDifference(family, writeCheckpoint(family, withSwapped), tensors);
    assert.ok(afterSwap > 1e-3, `swapping ${one} and ${other} went unnoticed (difference ${afterSwap})`);
  });

  test(`${family.name}: a missing, mis-shaped or unexpected tensor is an error naming it and the file`, () => {
    const tensors = family.tensors();
    const [one, other] = family.square;
    const broken = new Map(tensors);
    broken.delete(other);
    broken.set(one, { shape: [D, D + 1], data: new Float32Array(D * (D + 1)) });
    const extra = one.replace('.0.', `.${LAYERS}.`).replace('.1.', `.${LAYERS}.`); // a layer config.json does not have
    broken.set(extra, tensors.get(one)!);
    assert.throws(
      () => loadEncoderCheckpoint(writeCheckpoint(family, broken)),
      (e: Error) =>
        e instanceof CheckpointError &&
        /model\.safetensors: 3 problem\(s\)/.test(e.message) &&
        e.message.includes(`missing tensor "${other}" (shape [${D},${D}])`) &&
        e.message.includes(`tensor "${one}" has shape [${D},${D + 1}], expected [${D},${D}]`) &&
        e.message.includes(`unexpected tensor "${extra}"`),
    );
  });
}

test("every family saved again (a full run's model/, merge-into-base) is its own layout and loads back with the same weights", () => {
  for (const family of FAMILIES) {
    const tensors = family.tensors();
    const loaded = loadEncoderCheckpoint(writeCheckpoint(family, tensors));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `saved-${family.name}-`));
    const weights = new Weights(loaded.values);
    saveEncoderModel(dir, loaded.config, weights);
    weights.dispose();
    const saved = readSafetensorsFile(path.join(dir, 'model.safetensors')).tensors;
    // the family's own tensors, under its names and shapes (no pooler where the family has none, no pre-training heads)
    const encoderOnly = [...tensors].filter(([name]) => !/^(lm_head|vocab_transform|discriminator_predictions)\./.test(name));
    assert.deepEqual([...saved.keys()].sort(), encoderOnly.map(([name]) => name).sort(), family.name);
    for (const [name, t] of encoderOnly) {
      assert.deepEqual(saved.get(name)!.shape, t.shape, name);
      // RoBERTa's rows before padding_idx + 1 are never read: written back as zeros
      if (!name.endsWith('position_embeddings.weight') || !family.name.includes('roberta')) assert.deepEqual(saved.get(name)!.data, t.data, name);
    }
    copyTokenizer(family, dir);
    const again = loadEncoderCheckpoint(dir);
    for (const [name, v] of loaded.values) assert.deepEqual(again.values.get(name)!.data, v.data, `${family.name}: ${name}`);
  }
});

function copyTokenizer(family: Family, dir: string): void {
  for (const [file, text] of Object.entries(family.tokenizerFiles)) fs.writeFileSync(path.join(dir, file), text);
}

test('a RoBERTa base model saved without its prefix ("embeddings.…", RobertaModel.save_pretrained) loads the same', () => {
  const [roberta] = FAMILIES;
  const tensors = roberta.tensors();
  const unprefixed = new Map([...tensors].filter(([n]) => n.startsWith('roberta.')).map(([n, t]) => [n.slice('roberta.'.length), t]));
  assert.ok(largestDifference(roberta, writeCheckpoint(roberta, unprefixed), tensors) < 1e-4);
});

test('shapes: RoBERTa keeps the positions after padding_idx + 1, DistilBERT has no token types, ELECTRA counts its projection', () => {
  const [roberta, , distilbert, electra] = FAMILIES;
  const shape = (family: Family) => readBertConfig(writeCheckpoint(family, new Map()));
  assert.equal(shape(roberta).maxPositions, POSITIONS);
  assert.equal(shape(roberta).layerNormEps, 1e-5);
  assert.equal(shape(distilbert).typeVocabSize, 0);
  assert.equal(shape(distilbert).activation, 'relu');
  // every tensor of the checkpoint's encoder is counted once: the projection under embeddings, no pooler in the file
  const counted = baseParamCounts(shape(electra));
  const encoderTensors = [...electra.tensors()].filter(([n]) => n.startsWith('electra.')).reduce((n, [, t]) => n + t.data.length, 0);
  assert.equal(counted.total - counted.pooler, encoderTensors);
  assert.equal(counted.embeddings, (VOCAB + POSITIONS + 2) * ELECTRA_EMBEDDING + 2 * ELECTRA_EMBEDDING + ELECTRA_EMBEDDING * D + D);
});

test("RoBERTa's vocab.json + merges.txt and the tokenizer.json of the same files give <s> … </s> with the merged pieces", () => {
  const vocab = robertaVocab();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-bpe-'));
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(vocab));
  fs.writeFileSync(path.join(dir, 'merges.txt'), ROBERTA_MERGES.join('\n') + '\n');
  const legacy = readTokenizer(dir);
  const sentence = 'the film!';
  const ids = legacy.encode(sentence, 16).ids;
  assert.deepEqual(ids, [vocab['<s>'], vocab['the'], vocab['Ġfilm'], vocab['!'], vocab['</s>']]);
  assert.equal(legacy.padId, vocab['<pad>']);
  // cut to 4 with the closing </s> kept
  assert.deepEqual(legacy.encode(sentence, 4).ids, [vocab['<s>'], vocab['the'], vocab['Ġfilm'], vocab['</s>']]);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(legacy.json));
  fs.rmSync(path.join(dir, 'vocab.json'));
  assert.deepEqual(readTokenizer(dir).encode(sentence, 16).ids, ids);
});

test('an XLM-R Unigram tokenizer.json (Metaspace "▁" pieces) loads with <s> … </s> and <pad>', () => {
  const pieces = ['<s>', '<pad>', '</s>', '<unk>', '▁the', '▁film', '▁', 't', 'h', 'e', 'f', 'i', 'l', 'm'];
  const json = {
    version: '1.0',
    added_tokens: ['<s>', '<pad>', '</s>', '<unk>'].map((content, id) => ({
      id,
      content,
      special: true,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 3, vocab: pieces.map((p, i) => [p, p.startsWith('▁') && p.length > 1 ? -1 : -5 - i * 0.01]), byte_fallback: false },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-unigram-'));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
  const tokenizer = readTokenizer(dir);
  assert.deepEqual(tokenizer.encode('the film', 16).ids, [0, 4, 5, 2]);
  assert.equal(tokenizer.padId, 1);
  assert.equal(tokenizer.vocabSize, pieces.length);
});
