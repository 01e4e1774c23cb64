// Trains a byte-level BPE vocabulary (GPT-2's scheme) on a corpus: texts are split by GPT-2's pre-tokeniser regex,
// each piece is written as the printable characters GPT-2 maps bytes to, and the most frequent adjacent pair is merged
// until the vocabulary is full. The result loads into ByteLevelBpeTokenizer, so encoding and decoding run through
// @huggingface/tokenizers exactly as for an imported GPT-2.
import { ByteLevelBpeTokenizer } from './bpeTokenizer';

export const END_OF_TEXT = '<|endoftext|>';

// GPT-2's pre-tokeniser (tokenizers' ByteLevel with use_regex): contractions, words, numbers, punctuation runs, spaces.
const PIECE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for characters from U+0100 on. */
export function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) chars[b] = String.fromCodePoint(printable(b) ? b : next++);
  return chars;
}

/** GPT-2's vocabulary order for the 256 byte tokens: printable bytes in byte order, then the rest. */
function byteTokens(chars: string[]): string[] {
  return [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

/** The pieces of a text as byte-level symbols (one character per byte). */
export function byteLevelPieces(text: string, chars: string[] = byteToUnicode()): string[] {
  const encoder = new TextEncoder();
  return (text.match(PIECE) ?? []).map((piece) => Array.from(encoder.encode(piece), (b) => chars[b]).join(''));
}

export interface TrainedBpe {
  vocab: Record<string, number>;
  merges: [string, string][];
}

const pairKey = (a: number, b: number) => a * 0x100000 + b; // symbol ids stay below 2^20

/**
 * Learns merges until the vocabulary (256 bytes + merges + `<|endoftext|>`, last) has `vocabSize` tokens or no pair
 * occurs twice. Ties go to the pair whose tokens sort first, so the result depends only on the corpus.
 */
export function trainByteLevelBpe(texts: Iterable<string>, vocabSize: number): TrainedBpe {
  if (vocabSize < 257) throw new Error(`a byte-level vocabulary needs at least 257 tokens (256 bytes + ${END_OF_TEXT}); got ${vocabSize}`);
  const chars = byteToUnicode();
  const symbols = byteTokens(chars); // id → token string
  const idOf = new Map(symbols.map((s, i) => [s, i]));

  // Distinct pieces with their counts, each as a list of symbol ids.
  const counts = new Map<string, number>();
  for (const text of texts) for (const piece of byteLevelPieces(text, chars)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [piece, n] of counts) {
    words.push(Array.from(piece, (c) => idOf.get(c) as number));
    freq.push(n);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>(); // may list words that no longer hold the pair; checked on use
  const addPairs = (w: number, sign: number) => {
    const s = words[w];
    for (let i = 0; i + 1 < s.length; i++) {
      const k = pairKey(s[i], s[i + 1]);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[w]);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const merges: [string, string][] = [];
  while (symbols.length + 1 < vocabSize) {
    let best = -1;
    let bestCount = 1; // a pair seen once is not worth a token
    for (const [k, n] of pairCount) {
      if (n > bestCount || (n === bestCount && best >= 0 && comparePairs(symbols, k, best) < 0)) {
        best = k;
        bestCount = n;
      }
    }
    if (best < 0) break;
    const a = Math.floor(best / 0x100000);
    const b = best % 0x100000;
    const merged = symbols.length;
    symbols.push(symbols[a] + symbols[b]);
    merges.push([symbols[a], symbols[b]]);
    for (const w of pairWords.get(best) ?? []) {
      const s = words[w];
      let holds = false;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) holds = true;
      if (!holds) continue;
      addPairs(w, -1);
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(s[i]);
      }
      words[w] = out;
      addPairs(w, 1);
    }
    pairWords.delete(best);
    for (const [k, n] of pairCount) if (n <= 0) pairCount.delete(k);
  }
  const vocab: Record<string, number> = Object.fromEntries(symbols.map((s, i) => [s, i]));
  vocab[END_OF_TEXT] = symbols.length;
  return { vocab, merges };
}

/** Orders pairs by their first token, then their second, by code units. */
function comparePairs(symbols: string[], x: number, y: number): number {
  const [xa, xb] = [symbols[Math.floor(x / 0x100000)], symbols[x % 0x100000]];
  const [ya, yb] = [symbols[Math.floor(y / 0x100000)], symbols[y % 0x100000]];
  if (xa !== ya) return xa < ya ? -1 : 1;
  return xb < yb ? -1 : xb > yb ? 1 : 0;
}

/** A tokenizer from a trained vocabulary, as a GPT-2 folder's tokenizer.json would make it. */
export function bpeTokenizerOf(trained: TrainedBpe): ByteLevelBpeTokenizer {
  return ByteLevelBpeTokenizer.fromVocabAndMerges(trained.vocab, trained.merges.map(([a, b]) => `${a} ${b}`).join('\n'));
}
