// Loads a local Hugging Face BERT folder (config.json, model.safetensors, tokenizer.json or vocab.txt), e.g. Google's
// BERT-tiny/mini or the base this project pre-trains. Every tensor the encoder needs is checked by name and shape
// before anything is built; the error names the tensor and the file.
import * as fs from 'fs';
import * as path from 'path';
import type { BertConfig } from '../model/shapes';
import { initBertWeights } from '../model/bert';
import { bertWeightShapes } from '../model/shapes';
import { isLinearWeight } from '../model/weights';
import { type TokenizerJson, WordPieceTokenizer, tokenizerJsonFromVocab } from '../data/tokenizer';
import { readSafetensorsFile } from './safetensors';
import { nonFiniteProblem } from './weightsFile';
import { transpose2d } from './adapterhub';
import { CheckpointError, readBertConfig } from './hfConfig';

export interface LoadedBert {
  config: BertConfig;
  values: Map<string, { shape: number[]; data: Float32Array }>;
  tokenizer: WordPieceTokenizer;
  notes: string[]; // e.g. "no pooler in the checkpoint: initialised randomly"
}

/** The tokenizer of a checkpoint: its tokenizer.json (WordPiece) or its vocab.txt (uncased unless it says otherwise). */
export function readBertTokenizer(dir: string): WordPieceTokenizer {
  const jsonFile = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(jsonFile)) {
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as TokenizerJson;
    if (json.model?.type !== 'WordPiece')
      throw new CheckpointError(`${jsonFile}: model type ${JSON.stringify(json.model?.type)}; a BERT WordPiece tokenizer is expected`);
    return new WordPieceTokenizer(json);
  }
  const vocabFile = path.join(dir, 'vocab.txt');
  if (!fs.existsSync(vocabFile)) throw new CheckpointError(`${dir}: neither tokenizer.json nor vocab.txt found`);
  const vocab = fs.readFileSync(vocabFile, 'utf8').split(/\r?\n/);
  if (vocab[vocab.length - 1] === '') vocab.pop();
  const configFile = path.join(dir, 'tokenizer_config.json');
  const lowercase = fs.existsSync(configFile) ? JSON.parse(fs.readFileSync(configFile, 'utf8')).do_lower_case !== false : true;
  return new WordPieceTokenizer(tokenizerJsonFromVocab(vocab, { lowercase }));
}

export function loadBertCheckpoint(dir: string, seed = 0): LoadedBert {
  const config = readBertConfig(dir);
  const weightsFile = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(weightsFile)) {
    const hint = fs.existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (only pytorch_model.bin is there: save it with safe_serialization=True)' : '';
    throw new CheckpointError(`${dir}: no model.safetensors${hint}`);
  }
  const { tensors } = readSafetensorsFile(weightsFile);
  // BertModel saves "embeddings.…"; BertForPreTraining / BertAdapterModel save "bert.embeddings.…".
  const find = (name: string) => tensors.get(name) ?? tensors.get(name.replace(/^bert\./, ''));
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const notes: string[] = [];
  const problems: string[] = [];
  let randomPooler: Map<string, Float32Array> | undefined;
  for (const [name, ourShape] of bertWeightShapes(config)) {
    const linear = isLinearWeight(name, ourShape);
    const expected = linear ? [ourShape[1], ourShape[0]] : ourShape; // PyTorch Linear: [out, in]
    const t = find(name);
    if (!t) {
      if (name.startsWith('bert.pooler.')) {
        randomPooler ??= initBertWeights(config, seed);
        values.set(name, { shape: ourShape, data: randomPooler.get(name) as Float32Array });
        if (!notes.length) notes.push('the checkpoint has no pooler: initialised randomly (only "pooling": "pooler" uses it)');
        continue;
      }
      problems.push(`missing tensor "${name}" (shape [${expected}])`);
      continue;
    }
    if (t.shape.length !== expected.length || t.shape.some((n, i) => n !== expected[i])) {
      problems.push(`tensor "${name}" has shape [${t.shape}], expected [${expected}] from config.json`);
      continue;
    }
    if (!(t.data instanceof Float32Array)) {
      problems.push(`tensor "${name}" has dtype ${t.dtype}; floating point (F32, F16, BF16) is expected`);
      continue;
    }
    const nonFinite = nonFiniteProblem(t.data);
    if (nonFinite) {
      problems.push(`tensor "${name}": ${nonFinite}`);
      continue;
    }
    values.set(name, { shape: ourShape, data: linear ? transpose2d(t.data, expected[0], expected[1]) : t.data });
  }
  if (problems.length) throw new CheckpointError(`${weightsFile}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  const tokenizer = readBertTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new CheckpointError(`${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocabSize}`);
  }
  return { config, values, tokenizer, notes };
}
