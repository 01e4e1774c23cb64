// Short numbers for people, the same in the terminal and the panels: 1.47M parameters, 12.3k, 840.

/** A count as the CLI prints it: 1471109 → "1.47M", 12345 → "12.3k". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
