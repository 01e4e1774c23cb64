// Shared phrasing of problem messages: where in the config a value is, and "did you mean" suggestions.
import type { JSONPath } from 'jsonc-parser';

/** Edit distance where swapping two neighbours counts as one edit ("sentimnet" → "sentiment"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** `; did you mean "x"?` or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match ? `; did you mean "${match}"?` : '';
}

export function quoteList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function pathText(path: JSONPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Who owns the object at `path`: `adapter "sentiment"`, `"train.full"`, `the config`. */
export function describeObject(path: JSONPath): string {
  if (path.length === 0) return 'the config';
  if (path.length === 2 && path[0] === 'tasks') return `task "${path[1]}"`;
  if (path.length === 2 && path[0] === 'adapters') return `adapter "${path[1]}"`;
  if (path.length === 2 && path[0] === 'compositions') return `composition "${path[1]}"`;
  if (path.length === 2 && path[0] === 'merges') return `merge "${path[1]}"`;
  return `"${pathText(path)}"`;
}

/** How to name the value at `path` in a message: `"reductionFactor" of adapter "a"`, `"train.epochs"`. */
export function describeValue(path: JSONPath): string {
  if (path.length > 2 && ['tasks', 'adapters', 'compositions', 'merges'].includes(String(path[0]))) {
    return `"${pathText(path.slice(2))}" of ${describeObject(path.slice(0, 2))}`;
  }
  return describeObject(path);
}
