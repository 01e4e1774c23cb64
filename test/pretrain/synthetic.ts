// Two small corpora of the user's kind with labels a tiny encoder can learn from the words alone: a text corpus whose
// "topic" is sport or food (from the words it contains), and a tokens corpus whose "tags" mark colours and numbers.
// Some rows lack the label field, and some words have a null label: those carry no label.
import * as fs from 'fs';
import * as path from 'path';
import { createRng } from '../../src/core/data/random';

const SPORT = ['goal', 'match', 'team', 'score', 'coach', 'league', 'player', 'ball'];
const FOOD = ['bread', 'soup', 'cheese', 'apple', 'recipe', 'oven', 'salt', 'butter'];
const FILLER = ['the', 'a', 'today', 'we', 'saw', 'very', 'good', 'and', 'then', 'it', 'was', 'new'];
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'];
const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];

export interface SyntheticCorpora {
  topics: string; // JSONL: { "text", "topic"? }
  tags: string; // JSONL: { "tokens", "tags"? }
  /** The share of the most frequent tag among labelled words: accuracy that a head learning nothing reaches. */
  majorityTagShare: number;
}

export function writeSyntheticCorpora(dir: string, rows = 240, seed = 3): SyntheticCorpora {
  const rng = createRng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)];
  const topics: string[] = [];
  for (let i = 0; i < rows; i++) {
    const topic = i % 2 === 0 ? 'sport' : 'food';
    const words = Array.from({ length: 6 + Math.floor(rng() * 5) }, () => (rng() < 0.4 ? pick(topic === 'sport' ? SPORT : FOOD) : pick(FILLER)));
    words[Math.floor(rng() * words.length)] = pick(topic === 'sport' ? SPORT : FOOD); // at least one topical word
    topics.push(JSON.stringify(i % 10 === 9 ? { text: words.join(' ') } : { text: `${words.join(' ')}.`, topic }));
  }
  const tags: string[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const tokens: string[] = [];
    const labels: (string | null)[] = [];
    for (let w = 0, n = 5 + Math.floor(rng() * 5); w < n; w++) {
      const r = rng();
      const [token, tag] = r < 0.3 ? [pick(COLOURS), 'COLOUR'] : r < 0.55 ? [pick(NUMBERS), 'NUM'] : [pick(FILLER), 'O'];
      tokens.push(token);
      const label = w === 0 && i % 7 === 0 ? null : tag;
      labels.push(label);
      if (label && i % 10 !== 9) counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    tags.push(JSON.stringify(i % 10 === 9 ? { tokens } : { tokens, tags: labels }));
  }
  const files = { topics: path.join(dir, 'topics.jsonl'), tags: path.join(dir, 'tags.jsonl') };
  fs.writeFileSync(files.topics, `${topics.join('\n')}\n`);
  fs.writeFileSync(files.tags, `${tags.join('\n')}\n`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return { ...files, majorityTagShare: Math.max(...counts.values()) / total };
}
