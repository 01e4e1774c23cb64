// The text a base is pre-trained on: the built-in corpora (Brown; the reviews' train split, unlabelled) and the user's
// own JSONL files, each minus a held-out share for held-out accuracy. The labels of the user's objectives are
// inferred from the training part of their corpus.
import { DEFAULT_SPLIT } from '../config/defaults';
import { type LabelledSentence, loadBrown } from '../data/corpora';
import { type LabelField, loadJsonlCorpus } from '../data/jsonlCorpus';
import { type DataProblem, loadRows } from '../data/load';
import { createRng, shuffleInPlace } from '../data/random';
import { splitRows, stratifyByLabels } from '../data/split';
import { seedFor } from '../model/init';
import type { PretrainConfig } from './config';
import { isUserCorpus, isUserObjective } from './spec';

export interface PretrainCorpus {
  train: LabelledSentence[];
  heldOut: LabelledSentence[];
  texts: string[]; // the training text, for the vocabulary
  genres: string[]; // Brown's, sorted
  labels: Map<string, string[]>; // objective of the user's → its labels (sorted), as found in the training part
}

/** Built-in corpora first (Brown, then the reviews), then the user's in the order listed. */
export function loadPretrainCorpus(config: PretrainConfig): { corpus?: PretrainCorpus; problems: DataProblem[] } {
  const corpus: PretrainCorpus = { train: [], heldOut: [], texts: [], genres: [], labels: new Map() };
  const add = (shuffleSeed: string, sentences: LabelledSentence[]) => {
    shuffleInPlace(sentences, createRng(seedFor(config.seed, shuffleSeed)));
    const cut = Math.round(sentences.length * config.heldOut);
    corpus.heldOut.push(...sentences.slice(0, cut));
    corpus.train.push(...sentences.slice(cut));
    corpus.texts.push(...sentences.slice(cut).map((s) => s.text ?? s.words.join(' ')));
    return sentences.slice(cut);
  };
  if (config.corpora.includes('brown')) {
    const brown = loadBrown();
    corpus.genres = [...new Set(brown.map((s) => s.genre as string))].sort();
    add('held-out', brown);
  }
  if (config.corpora.includes('reviews-train')) {
    // The same split experiments use by default: validation and test sentences are never seen here.
    const rows = splitRows(loadRows({ kind: 'builtin', name: 'reviews' }).rows, DEFAULT_SPLIT, stratifyByLabels(['sentiment', 'domain'])).train;
    add(
      'held-out:reviews',
      rows.map((row) => ({ words: [], text: row.text })),
    );
  }
  const problems: DataProblem[] = [];
  const objectives = Object.entries(config.objectives).flatMap(([name, spec]) => (isUserObjective(spec) ? [{ name, ...spec }] : []));
  for (const spec of config.corpora.filter(isUserCorpus)) {
    const reading = objectives.filter((o) => o.corpus === spec.name);
    const fields: LabelField[] = reading.map((o) => ({ objective: o.name, field: o.field, per: o.type === 'token-classification' ? 'word' : 'text' }));
    const loaded = loadJsonlCorpus(spec, fields);
    problems.push(...loaded.problems);
    if (loaded.problems.length) continue;
    const train = add(`held-out:${spec.name}`, loaded.sentences);
    for (const o of reading) {
      const found = new Set(train.flatMap((s) => (o.type === 'token-classification' ? (s.wordLabels?.[o.name] ?? []) : [s.labels?.[o.name] ?? null])));
      found.delete(null);
      if (found.size === 0)
        problems.push({ file: spec.path, line: 1, message: `objective "${o.name}": no row of the training part has a label in "${o.field}"` });
      corpus.labels.set(o.name, [...(found as Set<string>)].sort(compareCodeUnits));
    }
  }
  return problems.length ? { problems } : { corpus, problems };
}

const compareCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
