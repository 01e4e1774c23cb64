// Loads a local Hugging Face encoder folder (config.json, model.safetensors, tokenizer.json or the legacy vocabulary
// files) of any family in hfFamilies.ts: BERT (Google's BERT-tiny/mini, the base this project pre-trains), RoBERTa,
// XLM-R, DistilBERT, ELECTRA. Every tensor the encoder needs is checked by name and shape before anything is built,
// and so is every tensor the checkpoint holds besides; the error names the tensors and the file.
import * as fs from 'fs';
import * as path from 'path';
import type { BertConfig } from '../model/shapes';
import { initBertWeights } from '../model/bert';
import { bertWeightShapes, embeddingWidth } from '../model/shapes';
import { isLinearWeight } from '../model/weights';
import { type TokenizerJson, WordPieceTokenizer, tokenizerJsonFromVocab } from '../data/tokenizer';
import { HfTokenizer, type SpecialTokenNames, byteLevelBpeJson } from '../data/hfTokenizer';
import { type ReadTensor, readSafetensorsFile } from './safetensors';
import { nonFiniteProblem } from './weightsFile';
import { transpose2d } from './adapterhub';
import { CheckpointError, readEncoderConfig } from './hfConfig';

export interface LoadedEncoder {
  config: BertConfig;
  values: Map<string, { shape: number[]; data: Float32Array }>;
  tokenizer: WordPieceTokenizer | HfTokenizer;
  notes: string[]; // e.g. "no pooler in the checkpoint: initialised randomly"
}

/**
 * The tokenizer of a checkpoint: its tokenizer.json (WordPiece, byte-level BPE or Unigram), else RoBERTa's
 * vocab.json + merges.txt, else BERT's vocab.txt (uncased unless tokenizer_config.json says otherwise).
 */
export function readTokenizer(dir: string): WordPieceTokenizer | HfTokenizer {
  const tokenizerConfig = readJsonIfThere(path.join(dir, 'tokenizer_config.json'));
  const names = specialTokenNames(tokenizerConfig);
  const jsonFile = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(jsonFile)) {
    const json = readJsonIfThere(jsonFile) as TokenizerJson;
    if (json.model?.type === 'WordPiece' && '[PAD]' in json.model.vocab) return new WordPieceTokenizer(json);
    return withFileNamed(jsonFile, () => new HfTokenizer(json, names));
  }
  const [vocabJson, merges] = [path.join(dir, 'vocab.json'), path.join(dir, 'merges.txt')];
  if (fs.existsSync(vocabJson) && fs.existsSync(merges)) {
    const vocab = readJsonIfThere(vocabJson) as Record<string, number>;
    return withFileNamed(vocabJson, () => new HfTokenizer(byteLevelBpeJson(vocab, fs.readFileSync(merges, 'utf8')), names));
  }
  const vocabFile = path.join(dir, 'vocab.txt');
  if (!fs.existsSync(vocabFile)) {
    const sentencePiece = fs.readdirSync(dir).find((f) => f.endsWith('.model'));
    const hint = sentencePiece
      ? ` (only the SentencePiece file ${sentencePiece}: save the tokenizer with transformers' AutoTokenizer.from_pretrained(…).save_pretrained(…) to get tokenizer.json)`
      : '';
    throw new CheckpointError(`${dir}: none of tokenizer.json, vocab.json + merges.txt, vocab.txt found${hint}`);
  }
  const vocab = fs.readFileSync(vocabFile, 'utf8').split(/\r?\n/);
  if (vocab[vocab.length - 1] === '') vocab.pop();
  const lowercase = tokenizerConfig?.do_lower_case !== false;
  return new WordPieceTokenizer(tokenizerJsonFromVocab(vocab, { lowercase }));
}

export function loadEncoderCheckpoint(dir: string, seed = 0): LoadedEncoder {
  const { config, values, notes } = loadEncoderWeights(dir, seed);
  const tokenizer = readTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new CheckpointError(`${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocabSize}`);
  }
  return { config, values, tokenizer, notes };
}

/** config.json and model.safetensors of an encoder folder, without a tokenizer (a full fine-tuning run's model/). */
export function loadEncoderWeights(dir: string, seed = 0): Omit<LoadedEncoder, 'tokenizer'> {
  const { config, family, positionOffset } = readEncoderConfig(dir);
  const weightsFile = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(weightsFile)) {
    const hint = fs.existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (only pytorch_model.bin is there: save it with safe_serialization=True)' : '';
    throw new CheckpointError(`${dir}: no model.safetensors${hint}`);
  }
  const { tensors } = readSafetensorsFile(weightsFile);
  // A base model's save_pretrained writes "embeddings.…"; the task models and AdapterHub write "roberta.embeddings.…".
  // Checkpoints ported from the original BERT code, bert-base-uncased's model.safetensors among them, still call a
  // LayerNorm's weight and bias "gamma" and "beta" (transformers renames them on load).
  const keyOf = (name: string) =>
    [name, name.replace(/^[a-z]+\./, '')]
      .flatMap((k) => [k, k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')])
      .find((k) => tensors.has(k));
  const used = new Set<string>();
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const notes: string[] = [];
  const problems: string[] = [];
  let randomPooler: Map<string, Float32Array> | undefined;
  for (const [name, ourShape] of bertWeightShapes(config)) {
    const theirName = family.toFamilyName(name);
    const linear = isLinearWeight(name, ourShape);
    const isPositions = name === 'bert.embeddings.position_embeddings.weight';
    // PyTorch Linear: [out, in]; RoBERTa's table also holds the rows before padding_idx + 1.
    const expected = linear ? [ourShape[1], ourShape[0]] : isPositions ? [ourShape[0] + positionOffset, ourShape[1]] : ourShape;
    const key = family.pooler || !name.startsWith('bert.pooler.') ? keyOf(theirName) : undefined;
    if (key === undefined) {
      if (name.startsWith('bert.pooler.')) {
        randomPooler ??= initBertWeights(config, seed);
        values.set(name, { shape: ourShape, data: randomPooler.get(name) as Float32Array });
        if (!notes.length) notes.push('the checkpoint has no pooler: initialised randomly (only "pooling": "pooler" uses it)');
        continue;
      }
      problems.push(`missing tensor "${theirName}" (shape [${expected}])`);
      continue;
    }
    used.add(key);
    const problem = tensorProblem(tensors.get(key) as ReadTensor, expected);
    if (problem) {
      problems.push(`tensor "${key}" ${problem}`);
      continue;
    }
    const data = (tensors.get(key) as ReadTensor).data as Float32Array;
    const width = embeddingWidth(config);
    values.set(name, {
      shape: ourShape,
      data: linear ? transpose2d(data, expected[0], expected[1]) : isPositions ? data.slice(positionOffset * width) : data,
    });
  }
  for (const key of tensors.keys()) {
    if (!used.has(key) && !family.ignored.test(key))
      problems.push(`unexpected tensor "${key}": not part of a ${family.modelTypes[0]} encoder as config.json describes it`);
  }
  if (problems.length) throw new CheckpointError(`${weightsFile}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return { config, values, notes };
}

function tensorProblem(t: ReadTensor, expected: number[]): string | undefined {
  if (t.shape.length !== expected.length || t.shape.some((n, i) => n !== expected[i])) return `has shape [${t.shape}], expected [${expected}] from config.json`;
  if (!(t.data instanceof Float32Array)) return `has dtype ${t.dtype}; floating point (F32, F16, BF16) is expected`;
  const nonFinite = nonFiniteProblem(t.data);
  return nonFinite;
}

function readJsonIfThere(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${e instanceof Error ? e.message : e})`);
  }
}

/** tokenizer_config.json gives a special token as a string or as an AddedToken object `{content: …}`. */
function specialTokenNames(config: Record<string, unknown> | undefined): SpecialTokenNames {
  const name = (key: string) => {
    const v = config?.[key];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
    return undefined;
  };
  return { cls: name('cls_token'), sep: name('sep_token'), pad: name('pad_token') };
}

function withFileNamed<T>(file: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    throw new CheckpointError(`${file}: ${e instanceof Error ? e.message : e}`);
  }
}
