// Numbers as the parameters view prints them: exact counts with separators, sizes in B / KB / MB (1024-based, as
// the CLI's report), percentages with two decimals (as `adapter-lab inspect`).
export const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(2)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export const percent = (p: number) => `${p.toFixed(2)}%`;
