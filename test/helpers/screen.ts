// A small terminal emulator for tests: replays what a program wrote to a terminal of a given size and gives back
// the screen and the lines that scrolled off it, as a person would read them. It knows what line-based progress
// displays use: printable text with automatic wrapping at the last column (xterm's pending wrap), \r, \n (the tty
// driver turns it into \r\n), \b, and the CSI sequences A B C D E F G H f J K (SGR and private modes are ignored).
// Every character counts one column.

export interface Screen {
  /** Lines that scrolled off the top, then the screen, trailing blanks trimmed; trailing empty lines dropped. */
  lines: string[];
  /** Only what is on the screen now (rows lines, trailing blanks trimmed). */
  screen: string[];
  /** Whether the program ever wrote past the last column (a line that wrapped). */
  wrapped: boolean;
}

export function replay(output: string, columns: number, rows: number): Screen {
  const blank = () => Array<string>(columns).fill(' ');
  const screen: string[][] = Array.from({ length: rows }, blank);
  const scrolledOff: string[] = [];
  let row = 0;
  let col = 0;
  let pendingWrap = false;
  let wrapped = false;
  const text = (cells: string[]) => cells.join('').replace(/\s+$/, '');
  const lineFeed = () => {
    if (row === rows - 1) {
      scrolledOff.push(text(screen.shift()!));
      screen.push(blank());
    } else row++;
  };
  const clamp = () => {
    row = Math.max(0, Math.min(rows - 1, row));
    col = Math.max(0, Math.min(columns - 1, col));
    pendingWrap = false;
  };

  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\x1b') {
      if (chars[i + 1] !== '[') {
        i++; // ESC x: not used by line-based displays
        continue;
      }
      let j = i + 2;
      let params = '';
      while (j < chars.length && /[0-9;?]/.test(chars[j])) params += chars[j++];
      const final = chars[j];
      i = j;
      if (params.startsWith('?') || final === 'm') continue;
      const numbers = params.split(';').map((p) => (p === '' ? undefined : Number(p)));
      const n = numbers[0] ?? 1;
      switch (final) {
        case 'A':
          row -= n;
          clamp();
          break;
        case 'B':
          row += n;
          clamp();
          break;
        case 'C':
          col += n;
          clamp();
          break;
        case 'D':
          col -= n;
          clamp();
          break;
        case 'E':
          row += n;
          col = 0;
          clamp();
          break;
        case 'F':
          row -= n;
          col = 0;
          clamp();
          break;
        case 'G':
          col = n - 1;
          clamp();
          break;
        case 'H':
        case 'f':
          row = (numbers[0] ?? 1) - 1;
          col = (numbers[1] ?? 1) - 1;
          clamp();
          break;
        case 'K': {
          const mode = numbers[0] ?? 0;
          const line = screen[row];
          const [from, to] = mode === 0 ? [col, columns] : mode === 1 ? [0, col + 1] : [0, columns];
          for (let k = from; k < to; k++) line[k] = ' ';
          pendingWrap = false;
          break;
        }
        case 'J': {
          const mode = numbers[0] ?? 0;
          if (mode === 0) {
            for (let k = col; k < columns; k++) screen[row][k] = ' ';
            for (let r = row + 1; r < rows; r++) screen[r] = blank();
          } else if (mode === 1) {
            for (let r = 0; r < row; r++) screen[r] = blank();
            for (let k = 0; k <= col; k++) screen[row][k] = ' ';
          } else {
            for (let r = 0; r < rows; r++) screen[r] = blank();
          }
          pendingWrap = false;
          break;
        }
        default:
          throw new Error(`the test terminal does not know ESC [ ${params} ${final}`);
      }
      continue;
    }
    if (c === '\r') {
      col = 0;
      pendingWrap = false;
    } else if (c === '\n') {
      col = 0;
      pendingWrap = false;
      lineFeed();
    } else if (c === '\b') {
      col = Math.max(0, col - 1);
      pendingWrap = false;
    } else if (c >= ' ') {
      if (pendingWrap) {
        wrapped = true;
        col = 0;
        lineFeed();
        pendingWrap = false;
      }
      screen[row][col] = c;
      if (col === columns - 1) pendingWrap = true;
      else col++;
    }
  }
  const shown = screen.map(text);
  const all = [...scrolledOff, ...shown];
  while (all.length && all[all.length - 1] === '') all.pop();
  return { lines: all, screen: shown, wrapped };
}
