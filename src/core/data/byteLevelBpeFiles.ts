// The parts of a tokenizer.json that GPT-2's and RoBERTa's older file pair — vocab.json (token → id) and merges.txt
// ("a b" a line) — make alike: the merges and the BPE model. Each family adds its own specials and post-processor.

/** The merges of a merges.txt: one "a b" pair a line, after an optional `#version` line. */
export function parseMerges(text: string): [string, string][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#version'))
    .map((line) => {
      const parts = line.split(' ');
      if (parts.length !== 2) throw new Error(`merges.txt: "${line}" is not a pair of tokens separated by one space`);
      return [parts[0], parts[1]];
    });
}

/** tokenizer.json's `model` for byte-level BPE: no unknown token, no subword prefix or suffix. */
export function byteLevelBpeModel(vocab: Record<string, number>, merges: [string, string][]) {
  return {
    type: 'BPE' as const,
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: '',
    end_of_word_suffix: '',
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab,
    merges: merges.map(([a, b]) => `${a} ${b}`),
  };
}

/** tokenizer.json's ByteLevel pre-tokeniser/post-processor/decoder options as Hugging Face writes them. */
export const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } as const;
