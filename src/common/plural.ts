// Counts in messages: "1 run", "2 runs".

/** `1 run`, `4 runs`; `pluralWord` for words whose plural is not the word and an s. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
