// Writes a small random checkpoint of each Hugging Face encoder family Adapter Lab loads (RoBERTa, XLM-R, DistilBERT,
// ELECTRA), in the family's own layout, naming and tokenizer files, plus the reviews example pointed at it, so the
// `"base": { "path": … }` route can be tried end to end without a download. Random weights: accuracies land near
// what a head alone gets; the point is that each family loads, trains and saves.
// Usage: node --import tsx scripts/family-checkpoints.ts [out-dir]   (default: ./family-checkpoints)
//        then: npx tsx src/cli/main.ts train <out-dir>/reviews-<family>.adapterlab.json
import * as fs from 'fs';
import * as path from 'path';
import { loadReviews } from '../src/core/data/reviews';
import { createRng } from '../src/core/data/random';
import { trainWordPieceVocab } from '../src/core/data/tokenizer';
import { byteLevelBpeJson } from '../src/core/data/hfTokenizer';
import { transpose2d } from '../src/core/io/adapterhub';
import { type EncoderFamily, familyOf } from '../src/core/io/hfFamilies';
import { readEncoderConfig } from '../src/core/io/hfConfig';
import { type TensorToWrite, writeSafetensors } from '../src/core/io/safetensors';
import { initBertWeights } from '../src/core/model/bert';
import { type BertConfig, bertWeightShapes, embeddingWidth } from '../src/core/model/shapes';
import { isLinearWeight } from '../src/core/model/weights';

const SHAPE = { hiddenSize: 128, layers: 2, heads: 4, intermediateSize: 512, maxPositions: 128 }; // lab-base's shape
const BPE_MERGES = 4000;
const WORDPIECE_SIZE = 8000;
const ROBERTA_PAD = 1;
const WITH_POOLER = new Set(['roberta', 'xlm-roberta']); // DistilBERT and ELECTRA have none

interface Tokenizer {
  files: Record<string, string>;
  vocabSize: number;
}

/** Each family's config.json, as its transformers class writes it, for SHAPE and a vocabulary of `vocab`. */
const CONFIGS: Record<string, (vocab: number) => Record<string, unknown>> = {
  roberta: (vocab) => robertaConfig('roberta', vocab),
  'xlm-roberta': (vocab) => robertaConfig('xlm-roberta', vocab),
  distilbert: (vocab) => ({
    architectures: ['DistilBertModel'],
    model_type: 'distilbert',
    dim: SHAPE.hiddenSize,
    n_layers: SHAPE.layers,
    n_heads: SHAPE.heads,
    hidden_dim: SHAPE.intermediateSize,
    vocab_size: vocab,
    max_position_embeddings: SHAPE.maxPositions,
    sinusoidal_pos_embds: false,
    activation: 'gelu',
    pad_token_id: 0,
  }),
  electra: (vocab) => ({
    architectures: ['ElectraModel'],
    model_type: 'electra',
    embedding_size: SHAPE.hiddenSize / 2, // ELECTRA-small's ratio: the projection is exercised
    hidden_size: SHAPE.hiddenSize,
    num_hidden_layers: SHAPE.layers,
    num_attention_heads: SHAPE.heads,
    intermediate_size: SHAPE.intermediateSize,
    vocab_size: vocab,
    max_position_embeddings: SHAPE.maxPositions,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    hidden_act: 'gelu',
    pad_token_id: 0,
  }),
};

function robertaConfig(modelType: string, vocab: number): Record<string, unknown> {
  return {
    architectures: [modelType === 'roberta' ? 'RobertaModel' : 'XLMRobertaModel'],
    model_type: modelType,
    hidden_size: SHAPE.hiddenSize,
    num_hidden_layers: SHAPE.layers,
    num_attention_heads: SHAPE.heads,
    intermediate_size: SHAPE.intermediateSize,
    vocab_size: vocab,
    max_position_embeddings: SHAPE.maxPositions + ROBERTA_PAD + 1,
    type_vocab_size: 1,
    layer_norm_eps: 1e-5,
    hidden_act: 'gelu',
    pad_token_id: ROBERTA_PAD,
    bos_token_id: 0,
    eos_token_id: 2,
  };
}

/** GPT-2's bytes_to_unicode: a printable stand-in for every byte ("Ġ" for a space). */
function byteAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let shifted = 0;
  return Array.from({ length: 256 }, (_, b) => (printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++)));
}

/** Byte-level BPE learned on `texts`: GPT-2's pre-tokenising pattern, then the most frequent pair merged, `merges` times. */
function trainByteLevelBpe(texts: string[], merges: number): Tokenizer {
  const alphabet = byteAlphabet();
  const encoder = new TextEncoder();
  const words = new Map<string, number>();
  for (const text of texts) {
    for (const piece of text.match(/'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu) ?? []) {
      const mapped = [...encoder.encode(piece)].map((b) => alphabet[b]).join('\u0000');
      words.set(mapped, (words.get(mapped) ?? 0) + 1);
    }
  }
  let split = [...words].map(([w, count]) => ({ symbols: w.split('\u0000'), count }));
  const vocab = ['<s>', '<pad>', '</s>', '<unk>', ...alphabet];
  const learned: string[] = [];
  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of split)
      for (let i = 0; i + 1 < symbols.length; i++) pairs.set(`${symbols[i]} ${symbols[i + 1]}`, (pairs.get(`${symbols[i]} ${symbols[i + 1]}`) ?? 0) + count);
    let best = '';
    let bestCount = 1;
    for (const [pair, count] of pairs) if (count > bestCount || (count === bestCount && best && pair < best)) [best, bestCount] = [pair, count];
    if (!best) break;
    const [a, b] = best.split(' ');
    learned.push(best);
    vocab.push(a + b);
    split = split.map(({ symbols, count }) => {
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(symbols[i]);
      }
      return { symbols: out, count };
    });
  }
  vocab.push('<mask>');
  const ids = Object.fromEntries(vocab.map((t, i) => [t, i]));
  return {
    files: { 'vocab.json': JSON.stringify(ids), 'merges.txt': ['#version: 0.2', ...learned].join('\n') + '\n' },
    vocabSize: vocab.length,
  };
}

/** The family's checkpoint tensors: our random init under its names, Linear weights [out, in], RoBERTa's unused leading positions. */
function familyTensors(modelType: string, config: BertConfig, positionOffset: number, seed: number): Record<string, TensorToWrite> {
  const family = familyOf(modelType) as EncoderFamily;
  const shapes = bertWeightShapes(config);
  const out: Record<string, TensorToWrite> = {};
  const rng = createRng(seed);
  for (const [name, data] of initBertWeights(config, seed)) {
    if (name.startsWith('bert.pooler.') && !WITH_POOLER.has(modelType)) continue;
    const shape = shapes.get(name) as number[];
    if (isLinearWeight(name, shape)) {
      out[family.toFamilyName(name)] = { dtype: 'F32', shape: [shape[1], shape[0]], data: transpose2d(data, shape[0], shape[1]) };
    } else if (name === 'bert.embeddings.position_embeddings.weight' && positionOffset > 0) {
      const lead = Float32Array.from({ length: positionOffset * embeddingWidth(config) }, () => (rng() - 0.5) * 0.04);
      out[family.toFamilyName(name)] = { dtype: 'F32', shape: [shape[0] + positionOffset, shape[1]], data: Float32Array.of(...lead, ...data) };
    } else {
      out[family.toFamilyName(name)] = { dtype: 'F32', shape, data };
    }
  }
  return out;
}

function main(): void {
  const outDir = path.resolve(process.argv[2] ?? 'family-checkpoints');
  const texts = loadReviews().map((r) => r.text);
  const bpe = trainByteLevelBpe(texts, BPE_MERGES);
  const wordPiece = trainWordPieceVocab(texts, WORDPIECE_SIZE);
  const tokenizers: Record<string, Tokenizer> = {
    roberta: bpe,
    // XLM-R ships a tokenizer.json; the same BPE in that file takes the tokenizer.json route
    'xlm-roberta': {
      files: { 'tokenizer.json': JSON.stringify(byteLevelBpeJson(JSON.parse(bpe.files['vocab.json']), bpe.files['merges.txt'])) },
      vocabSize: bpe.vocabSize,
    },
    distilbert: { files: { 'vocab.txt': wordPiece.join('\n') + '\n' }, vocabSize: wordPiece.length },
    electra: { files: { 'vocab.txt': wordPiece.join('\n') + '\n' }, vocabSize: wordPiece.length },
  };
  const example = fs.readFileSync(path.join(__dirname, '..', 'examples', 'reviews.adapterlab.json'), 'utf8');
  for (const [modelType, tokenizer] of Object.entries(tokenizers)) {
    const dir = path.join(outDir, modelType);
    fs.mkdirSync(dir, { recursive: true });
    const raw = CONFIGS[modelType](tokenizer.vocabSize);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(raw, null, 2) + '\n');
    const { config, positionOffset } = readEncoderConfig(dir);
    fs.writeFileSync(path.join(dir, 'model.safetensors'), writeSafetensors(familyTensors(modelType, config, positionOffset, 7), { format: 'pt' }));
    for (const [file, text] of Object.entries(tokenizer.files)) fs.writeFileSync(path.join(dir, file), text);
    const experiment = example
      .replace('"name": "reviews"', `"name": "reviews-${modelType}"`)
      .replace('"base": { "builtin": "lab-base" }', `"base": { "path": "./${modelType}" }`);
    fs.writeFileSync(path.join(outDir, `reviews-${modelType}.adapterlab.json`), experiment);
    process.stdout.write(`${dir}: ${modelType}, vocabulary ${tokenizer.vocabSize}, ${Object.keys(tokenizer.files).join(' + ')}\n`);
  }
}

main();
