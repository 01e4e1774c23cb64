// The width the CLI lays its output out for: the terminal's columns when stdout is one, none otherwise (a file or a
// CI log keeps every line whole). Widths count characters: everything the CLI prints is one column wide per character.

/** Columns of the terminal on stdout, or undefined when stdout is not a terminal. */
export function terminalColumns(): number | undefined {
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
}

export const textWidth = (text: string): number => [...text].length;

/** `text` cut to at most `width` columns, ending in … when cut. */
export function fitText(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}
