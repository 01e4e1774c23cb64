// Loads a local Hugging Face BERT folder (config.json, model.safetensors, tokenizer.json or vocab.txt), e.g. Google's
// BERT-tiny/mini or the base this project pre-trains. Every tensor the encoder needs is checked by name and shape
// before anything is built; the error names the tensor and the file.
import * as fs from 'fs';
import * as path from 'path';
import type { BertConfig } from '../model/bert';
import { bertWeightShapes, initBertWeights } from '../model/bert';
import { isLinearWeight } from '../model/weights';
import { type TokenizerJson, WordPieceTokenizer, tokenizerJsonFromVocab } from '../data/tokenizer';
import { readSafetensorsFile } from './safetensors';
import { transpose2d } from './adapterhub';

export class CheckpointError extends Error {}

export interface LoadedBert {
  config: BertConfig;
  values: Map<string, { shape: number[]; data: Float32Array }>;
  tokenizer: WordPieceTokenizer;
  notes: string[]; // e.g. "no pooler in the checkpoint: initialised randomly"
}

export function readBertConfig(dir: string): BertConfig {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new CheckpointError(`${dir}: no config.json (expected a Hugging Face model folder)`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (raw.model_type !== 'bert') throw new CheckpointError(`${file}: model_type is ${JSON.stringify(raw.model_type)}; only "bert" checkpoints can be loaded`);
  const act = raw.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new CheckpointError(`${file}: hidden_act ${JSON.stringify(act)} is not supported (only "gelu")`);
  if ((raw.position_embedding_type ?? 'absolute') !== 'absolute') throw new CheckpointError(`${file}: only absolute position embeddings are supported`);
  const int = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new CheckpointError(`${file}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const config: BertConfig = {
    hiddenSize: int('hidden_size'),
    layers: int('num_hidden_layers'),
    heads: int('num_attention_heads'),
    intermediateSize: int('intermediate_size'),
    vocabSize: int('vocab_size'),
    maxPositions: int('max_position_embeddings'),
    typeVocabSize: int('type_vocab_size', 2),
    layerNormEps: typeof raw.layer_norm_eps === 'number' ? raw.layer_norm_eps : 1e-12,
  };
  if (config.hiddenSize % config.heads !== 0) throw new CheckpointError(`${file}: hidden_size ${config.hiddenSize} is not divisible by num_attention_heads ${config.heads}`);
  return config;
}

/** The tokenizer of a checkpoint: its tokenizer.json (WordPiece) or its vocab.txt (uncased unless it says otherwise). */
export function readBertTokenizer(dir: string): WordPieceTokenizer {
  const jsonFile = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(jsonFile)) {
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as TokenizerJson;
    if (json.model?.type !== 'WordPiece') throw new CheckpointError(`${jsonFile}: model type ${JSON.stringify(json.model?.type)}; a BERT WordPiece tokenizer is expected`);
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
    values.set(name, { shape: ourShape, data: linear ? transpose2d(t.data, expected[0], expected[1]) : t.data });
  }
  if (problems.length) throw new CheckpointError(`${weightsFile}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  const tokenizer = readBertTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new CheckpointError(`${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocabSize}`);
  }
  return { config, values, tokenizer, notes };
}
