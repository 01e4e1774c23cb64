// Any Hugging Face fast tokenizer (tokenizer.json: WordPiece, byte-level BPE, Unigram) through @huggingface/tokenizers,
// with its special tokens found by name: BERT's [CLS]/[SEP]/[PAD], RoBERTa's and XLM-R's <s>/</s>/<pad>. RoBERTa's
// legacy vocab.json + merges.txt become the tokenizer.json `RobertaTokenizerFast` would save for them.
import { Tokenizer } from '@huggingface/tokenizers';
import type { Encoded } from './tokenizer';
import { BYTE_LEVEL, byteLevelBpeModel, parseMerges } from './byteLevelBpeFiles';

/** What training and evaluation need of a tokenizer: a sentence as ids with its specials, and the padding id. */
export interface SentenceTokenizer {
  readonly padId: number;
  readonly vocabSize: number;
  /** The tokenizer.json it was built from, written beside a merged base. */
  readonly json: object;
  /** The sentence with its specials (`[CLS] … [SEP]`, `<s> … </s>`), cut to maxLength with the closing special kept. */
  encode(text: string, maxLength: number): Encoded;
}

/** Names of the special tokens, from tokenizer_config.json where it gives them. */
export interface SpecialTokenNames {
  cls?: string;
  sep?: string;
  pad?: string;
}

const CANDIDATES = { cls: ['[CLS]', '<s>'], sep: ['[SEP]', '</s>'], pad: ['[PAD]', '<pad>'] } as const;

export class HfTokenizer implements SentenceTokenizer {
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly vocabSize: number;
  private readonly tokenizer: Tokenizer;

  constructor(
    readonly json: object,
    names: SpecialTokenNames = {},
  ) {
    this.tokenizer = new Tokenizer(json, {});
    const vocab = this.tokenizer.get_vocab(true);
    const id = (role: keyof typeof CANDIDATES) => {
      const tried = names[role] ? [names[role]] : CANDIDATES[role];
      for (const token of tried) {
        const found = vocab.get(token);
        if (found !== undefined) return found;
      }
      throw new Error(`the tokenizer has no ${role} token (looked for ${tried.join(', ')})`);
    };
    this.clsId = id('cls');
    this.sepId = id('sep');
    this.padId = id('pad');
    this.vocabSize = Math.max(...vocab.values()) + 1;
  }

  encode(text: string, maxLength: number): Encoded {
    let ids = this.tokenizer.encode(text).ids;
    if (ids.length > maxLength) ids = [...ids.slice(0, maxLength - 1), this.sepId];
    return { ids, typeIds: ids.map(() => 0) };
  }

  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }
}

const ROBERTA_SPECIALS = ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];

/** The tokenizer.json of RoBERTa's byte-level BPE files (vocab.json: token → id; merges.txt: "a b" per line). */
export function byteLevelBpeJson(vocab: Record<string, number>, mergesText: string): object {
  const special = (token: string): [string, number] => {
    const id = vocab[token];
    if (id === undefined) throw new Error(`vocab.json has no ${token} token`);
    return [token, id];
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ROBERTA_SPECIALS.filter((t) => t in vocab).map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: content === '<mask>',
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: { type: 'RobertaProcessing', sep: special('</s>'), cls: special('<s>'), trim_offsets: true, add_prefix_space: false },
    decoder: { ...BYTE_LEVEL, add_prefix_space: true },
    model: byteLevelBpeModel(vocab, parseMerges(mergesText)),
  };
}
