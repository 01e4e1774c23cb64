// Byte-level BPE (GPT-2's tokenizer) through @huggingface/tokenizers, from a `tokenizer.json` or from GPT-2's older
// pair of files, `vocab.json` + `merges.txt`, turned into the tokenizer.json that Hugging Face's GPT2TokenizerFast
// would build from them.
import { Tokenizer } from '@huggingface/tokenizers';
import { BYTE_LEVEL, byteLevelBpeModel, parseMerges } from './byteLevelBpeFiles';

const END_OF_TEXT = '<|endoftext|>';

export interface BpeTokenizerJson {
  model: { type: 'BPE'; vocab: Record<string, number>; merges: (string | [string, string])[]; [option: string]: unknown };
  [key: string]: unknown;
}

export class ByteLevelBpeTokenizer {
  readonly vocabSize: number;
  /** Id of `<|endoftext|>`, when the vocabulary has it. */
  readonly endOfTextId: number | null;
  private readonly tokenizer: Tokenizer;

  constructor(readonly json: BpeTokenizerJson) {
    this.tokenizer = new Tokenizer(json, {});
    this.vocabSize = Math.max(...Object.values(json.model.vocab)) + 1;
    this.endOfTextId = json.model.vocab[END_OF_TEXT] ?? null;
  }

  static fromVocabAndMerges(vocab: Record<string, number>, mergesTxt: string): ByteLevelBpeTokenizer {
    return new ByteLevelBpeTokenizer(bpeTokenizerJson(vocab, parseMerges(mergesTxt)));
  }

  /** Token ids of a text, no special tokens added (GPT-2 adds none). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    if (!ids.length) return ''; // the library refuses an empty list
    return this.tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }
}

/** A GPT-2 tokenizer.json: byte-level pre-tokeniser and decoder, BPE without unknown token, `<|endoftext|>` special. */
function bpeTokenizerJson(vocab: Record<string, number>, merges: [string, string][]): BpeTokenizerJson {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens:
      END_OF_TEXT in vocab
        ? [{ id: vocab[END_OF_TEXT], content: END_OF_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }]
        : [],
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: byteLevelBpeModel(vocab, merges),
  };
}
