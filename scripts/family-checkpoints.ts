// Writes a small random checkpoint of each Hugging Face encoder family Adapter Lab loads (RoBERTa, XLM-R, DistilBERT,
// ELECTRA), in the family's own layout, naming and tokenizer files, plus the reviews example pointed at it, so the
// `"base": { "path": … }` route can be tried end to end without a download. Random weights: accuracies land near
// what a head alone gets; the point is that each family loads, trains and saves.
// Usage: node --import tsx scripts/family-checkpoints.ts [out-dir]   (default: ./family-checkpoints)
//        then: npx tsx src/cli/main.ts train <out-dir>/reviews-<family>.adapterlab.json
import * as fs from 'fs';
import * as path from 'path';
import { loadReviews } from '../src/core/data/reviews';
import { trainWordPieceVocab } from '../src/core/data/tokenizer';
import { byteLevelBpeJson } from '../src/core/data/hfTokenizer';
import { saveEncoderModel } from '../src/core/io/adapterhub';
import { initBertWeights } from '../src/core/model/bert';
import { type BertConfig, bertWeightShapes } from '../src/core/model/shapes';
import { Weights } from '../src/core/model/weights';

const SHAPE = { hiddenSize: 128, layers: 2, heads: 4, intermediateSize: 512, maxPositions: 128 }; // lab-base's shape
const BPE_MERGES = 4000;
const WORDPIECE_SIZE = 8000;

interface Tokenizer {
  files: Record<string, string>;
  vocabSize: number;
}

/** Each family's shape: what its config.json says besides SHAPE and the vocabulary. */
const FAMILY_SHAPES: Record<string, Pick<BertConfig, 'typeVocabSize' | 'layerNormEps' | 'embeddingSize'>> = {
  roberta: { typeVocabSize: 1, layerNormEps: 1e-5 },
  'xlm-roberta': { typeVocabSize: 1, layerNormEps: 1e-5 },
  distilbert: { typeVocabSize: 0, layerNormEps: 1e-12 },
  electra: { typeVocabSize: 2, layerNormEps: 1e-12, embeddingSize: SHAPE.hiddenSize / 2 }, // ELECTRA-small's ratio
};

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
    const config: BertConfig = { ...SHAPE, ...FAMILY_SHAPES[modelType], vocabSize: tokenizer.vocabSize, modelType };
    const shapes = bertWeightShapes(config);
    const weights = new Weights(new Map([...initBertWeights(config, 7)].map(([name, data]) => [name, { shape: shapes.get(name)!, data }])));
    saveEncoderModel(dir, config, weights); // as the family's save_pretrained writes it
    weights.dispose();
    for (const [file, text] of Object.entries(tokenizer.files)) fs.writeFileSync(path.join(dir, file), text);
    const experiment = example
      .replace('"name": "reviews"', `"name": "reviews-${modelType}"`)
      .replace('"base": { "builtin": "lab-base" }', `"base": { "path": "./${modelType}" }`);
    fs.writeFileSync(path.join(outDir, `reviews-${modelType}.adapterlab.json`), experiment);
    process.stdout.write(`${dir}: ${modelType}, vocabulary ${tokenizer.vocabSize}, ${Object.keys(tokenizer.files).join(' + ')}\n`);
  }
}

main();
