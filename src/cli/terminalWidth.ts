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

/**
 * `text` broken at spaces into lines of at most `width` columns (a word longer than that stays whole), the lines after
 * the first indented by `indent` spaces; without a width, the text as it is.
 */
export function wrapWords(text: string, width: number | undefined, indent = 2): string {
  if (text.includes('\n'))
    return text
      .split('\n')
      .map((l) => wrapWords(l, width, indent))
      .join('\n');
  if (width === undefined || textWidth(text) <= width) return text;
  const lines: string[] = [];
  let line = '';
  let space = ''; // the spaces before the next word, kept as they are within a line
  for (const token of text.match(/ +|[^ ]+/g) ?? []) {
    if (token.startsWith(' ')) {
      space = token;
      continue;
    }
    if (line.trim() && textWidth(line) + textWidth(space) + textWidth(token) > width) {
      lines.push(line);
      line = ' '.repeat(indent) + token;
    } else line += space + token;
    space = '';
  }
  lines.push(line);
  return lines.join('\n');
}
