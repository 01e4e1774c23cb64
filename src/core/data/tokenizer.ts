// WordPiece tokenisation through @huggingface/tokenizers, which reads a BERT `tokenizer.json` offline and gives the same
// ids as Hugging Face for the same file. `trainWordPieceVocab` makes a vocabulary from text for bases trained here.
import { Tokenizer } from '@huggingface/tokenizers';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface Encoded {
  ids: number[];
  typeIds: number[];
}

export class WordPieceTokenizer {
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  readonly unkId: number;
  readonly vocabSize: number;
  private readonly tokenizer: Tokenizer;

  constructor(readonly json: TokenizerJson) {
    this.tokenizer = new Tokenizer(json, {});
    const id = (token: string) => {
      const found = json.model.vocab[token];
      if (found === undefined) throw new Error(`tokenizer vocabulary has no ${token} token`);
      return found;
    };
    this.padId = id('[PAD]');
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.maskId = id('[MASK]');
    this.unkId = id('[UNK]');
    this.vocabSize = Math.max(...Object.values(json.model.vocab)) + 1;
  }

  static fromVocab(vocab: string[]): WordPieceTokenizer {
    return new WordPieceTokenizer(tokenizerJsonFromVocab(vocab));
  }

  /** `[CLS] text [SEP]`, cut to maxLength with the final [SEP] kept. */
  encode(text: string, maxLength: number): Encoded {
    let ids = this.tokenizer.encode(text).ids;
    if (ids.length > maxLength) ids = [...ids.slice(0, maxLength - 1), this.sepId];
    return { ids, typeIds: ids.map(() => 0) };
  }

  /** Piece ids of a text without [CLS]/[SEP] (e.g. one word, to align word labels with pieces). */
  pieceIds(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }

  /** The words BERT's normaliser and pre-tokeniser make of a text (lower-cased, accents stripped, punctuation split). */
  words(text: string): string[] {
    const normalized = this.tokenizer.normalizer ? this.tokenizer.normalizer.normalize(text) : text;
    return this.tokenizer.pre_tokenizer ? this.tokenizer.pre_tokenizer.pre_tokenize(normalized) : normalized.split(/\s+/);
  }

  /** The vocabulary in id order, as `vocab.txt` lists it. */
  vocabList(): string[] {
    const list: string[] = [];
    for (const [token, id] of Object.entries(this.json.model.vocab)) list[id] = token;
    return list;
  }
}

/**
 * A WordPiece vocabulary for `texts`: the special tokens, every character seen (alone and as a `##` continuation),
 * then frequent whole words and frequent word pieces, up to `size`. Greedy longest-match tokenisation (what WordPiece
 * does at encode time) then splits rare words into the most frequent pieces. Deterministic: ties break by string.
 */
export function trainWordPieceVocab(texts: Iterable<string>, size: number): string[] {
  const splitter = WordPieceTokenizer.fromVocab([...SPECIAL_TOKENS]);
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const word of splitter.words(text)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }
  const vocab: string[] = [...SPECIAL_TOKENS];
  const inVocab = new Set<string>(vocab);
  const add = (token: string) => {
    if (vocab.length < size && !inVocab.has(token)) {
      inVocab.add(token);
      vocab.push(token);
    }
  };

  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  }
  for (const ch of byCountThenName(charCounts)) add(ch);
  for (const ch of byCountThenName(charCounts)) add(`##${ch}`);

  // Whole words take ~70% of what is left; pieces of the remaining words take the rest.
  const wordBudget = vocab.length + Math.floor((size - vocab.length) * 0.7);
  const words = byCountThenName(wordCounts).filter((w) => [...w].length > 1);
  for (const word of words) {
    if (vocab.length >= wordBudget || (wordCounts.get(word) ?? 0) < 2) break;
    add(word);
  }
  const pieceCounts = new Map<string, number>();
  for (const word of words) {
    if (inVocab.has(word)) continue;
    const chars = [...word];
    const count = wordCounts.get(word) ?? 0;
    for (let end = 2; end < chars.length; end++) {
      const prefix = chars.slice(0, end).join('');
      pieceCounts.set(prefix, (pieceCounts.get(prefix) ?? 0) + count * (end - 1));
    }
    for (let start = 1; start < chars.length - 1; start++) {
      const suffix = `##${chars.slice(start).join('')}`;
      pieceCounts.set(suffix, (pieceCounts.get(suffix) ?? 0) + count * (chars.length - start - 1));
    }
  }
  for (const piece of byCountThenName(pieceCounts)) add(piece);
  return vocab;
}

function byCountThenName(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([token]) => token);
}

export interface TokenizerJson {
  model: { type: 'WordPiece'; vocab: Record<string, number>; unk_token: string; continuing_subword_prefix: string; max_input_chars_per_word: number };
  [key: string]: unknown;
}

/** A `tokenizer.json` equivalent to what `BertTokenizerFast` saves for an uncased vocabulary. */
export function tokenizerJsonFromVocab(vocab: string[], options: { lowercase: boolean } = { lowercase: true }): TokenizerJson {
  const ids: Record<string, number> = {};
  vocab.forEach((token, id) => (ids[token] = id));
  const special = (token: string) => ({ id: token, ids: [ids[token]], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.filter((t) => t in ids).map((content) => ({
      id: ids[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: options.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}
