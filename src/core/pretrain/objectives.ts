// The objectives of a pre-training run as one list: masked-LM, token classification (a label per word, on its first
// word piece), text classification (a label per sentence) and bag of words (the sentence predicts its own word
// pieces). Built-in ones come first in a fixed order (mlm, pos, polarity, genre, bow, tone) so that their heads,
// gradients and checkpoints are the same whatever the config's key order; the user's follow in the config's order.
import { type LabelledSentence, POLARITY_LABELS, POS_TAGS, loadAfinn, loadSentenceTone } from '../data/corpora';
import type { PretrainConfig } from './config';
import type { PretrainCorpus } from './corpus';
import { BUILTIN_OBJECTIVES, isUserObjective } from './spec';

export interface MaskedLmObjective {
  type: 'masked-lm';
  name: string;
  weight: number;
}

export interface TokenObjective {
  type: 'token-classification';
  name: string;
  weight: number;
  labels: readonly string[];
  /** The label index of word `w` of a sentence, or -1 for none. */
  labelOf(sentence: LabelledSentence, w: number): number;
  /** Also report recall on the words whose label is not this one (polarity: the neutral class dominates). */
  recallExcept?: number;
}

export interface TextObjective {
  type: 'text-classification';
  name: string;
  weight: number;
  labels: readonly string[];
  /** The label index of a sentence, or -1 for none. */
  labelOf(sentence: LabelledSentence): number;
  /** Also report recall on the sentences whose label is not this one (tone: most sentences are neutral). */
  recallExcept?: number;
}

/**
 * Bag of words: from the mean-pooled sentence, a softmax over the vocabulary (tied to the word embeddings) whose
 * target spreads evenly over the word pieces the sentence contains. Self-supervised, like masked-LM, but at the
 * sentence level: it makes the pooled sentence say which words it is made of (what a topic or domain depends on).
 */
export interface BagOfWordsObjective {
  type: 'bag-of-words';
  name: string;
  weight: number;
}

export type Objective = MaskedLmObjective | TokenObjective | TextObjective | BagOfWordsObjective;

export function resolveObjectives(config: PretrainConfig, corpus: PretrainCorpus): Objective[] {
  const weight = (name: string) => config.objectives[name].weight;
  // clm pre-trains a decoder, on its own (./clmRun), never beside these.
  const builtins = BUILTIN_OBJECTIVES.filter((name) => name !== 'clm' && Object.hasOwn(config.objectives, name));
  const objectives: Objective[] = builtins.map((name): Objective => {
    switch (name) {
      case 'mlm':
        return { type: 'masked-lm', name, weight: weight(name) };
      case 'pos': {
        const index = new Map<string, number>(POS_TAGS.map((t, i) => [t, i]));
        return { type: 'token-classification', name, weight: weight(name), labels: POS_TAGS, labelOf: (s, w) => (s.pos ? (index.get(s.pos[w]) ?? -1) : -1) };
      }
      case 'polarity': {
        const afinn = loadAfinn();
        const neutral = POLARITY_LABELS.indexOf('neutral');
        return {
          type: 'token-classification',
          name,
          weight: weight(name),
          labels: POLARITY_LABELS,
          labelOf: (s, w) => afinn.get(s.words[w].toLowerCase()) ?? neutral,
          recallExcept: neutral,
        };
      }
      case 'genre':
        return {
          type: 'text-classification',
          name,
          weight: weight(name),
          labels: corpus.genres,
          labelOf: (s) => (s.genre ? corpus.genres.indexOf(s.genre) : -1),
        };
      case 'bow':
        return { type: 'bag-of-words', name, weight: weight(name) };
      case 'tone': {
        const toneOf = loadSentenceTone();
        const neutral = POLARITY_LABELS.indexOf('neutral');
        return {
          type: 'text-classification',
          name,
          weight: weight(name),
          labels: POLARITY_LABELS,
          labelOf: (s) => toneOf(s.text ?? s.words.join(' ')),
          recallExcept: neutral,
        };
      }
      case 'clm':
        throw new Error('"clm" pre-trains a decoder (pretrainDecoder), not beside the encoder objectives');
    }
  });
  for (const [name, spec] of Object.entries(config.objectives)) {
    if (!isUserObjective(spec)) continue; // the schema gives built-in names no "type"
    const labels = corpus.labels.get(name) ?? [];
    const index = new Map(labels.map((label, i) => [label, i]));
    const of = (label: string | null | undefined) => (label == null ? -1 : (index.get(label) ?? -1)); // unseen in training: no label
    objectives.push(
      spec.type === 'token-classification'
        ? { type: spec.type, name, weight: spec.weight, labels, labelOf: (s, w) => of(s.wordLabels?.[name]?.[w]) }
        : { type: spec.type, name, weight: spec.weight, labels, labelOf: (s) => of(s.labels?.[name]) },
    );
  }
  return objectives;
}
