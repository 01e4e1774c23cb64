// Tables that fit a terminal's width without losing a value: as they are when they fit; else with headers over two
// lines; else their columns shared out over several tables, each repeating the key columns (which name the row);
// else, narrower than any table, a block per row of "column  value" lines. Without a width (stdout is no terminal)
// always the whole table.
import Table from 'cli-table3';
import { terminalColumns, textWidth } from './terminalWidth';

export interface TableColumn {
  head: string;
  cells: string[]; // one per row
}

/** A header over two lines, broken at the space that makes the longer line shortest (a line never starts with "/"). */
export function twoLineHead(head: string): string {
  let best = head;
  let bestWidth = textWidth(head);
  for (let i = head.indexOf(' '); i >= 0; i = head.indexOf(' ', i + 1)) {
    const [first, second] = [head.slice(0, i), head.slice(i + 1)];
    if (second.startsWith('/')) continue;
    const width = Math.max(textWidth(first), textWidth(second));
    if (width < bestWidth) [best, bestWidth] = [`${first}\n${second}`, width];
  }
  return best;
}

function render(columns: TableColumn[], twoLineHeads: boolean): string {
  const table = new Table({
    head: columns.map((c) => (twoLineHeads ? twoLineHead(c.head) : c.head)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const rows = Math.max(0, ...columns.map((c) => c.cells.length));
  table.push(...Array.from({ length: rows }, (_, i) => columns.map((c) => c.cells[i] ?? '')));
  return table.toString();
}

const widthOf = (text: string) => Math.max(...text.split('\n').map(textWidth));

export function fitTable(key: TableColumn[], columns: TableColumn[], width?: number): string {
  const fits = (cols: TableColumn[], twoLineHeads: boolean) => width === undefined || widthOf(render([...key, ...cols], twoLineHeads)) <= width;
  if (fits(columns, false)) return render([...key, ...columns], false);
  // Share the columns out, in order, over as few tables as fit; one-line headers when that takes no more tables.
  const share = (twoLineHeads: boolean): TableColumn[][] | undefined => {
    const tables: TableColumn[][] = [];
    for (const c of columns) {
      const last = tables[tables.length - 1];
      if (last && fits([...last, c], twoLineHeads)) last.push(c);
      else if (fits([c], twoLineHeads)) tables.push([c]);
      else return undefined;
    }
    return tables;
  };
  const layouts = [false, true].flatMap((twoLineHeads) => {
    const tables = share(twoLineHeads);
    return tables ? [{ tables, twoLineHeads }] : [];
  });
  const best = layouts.sort((a, b) => a.tables.length - b.tables.length)[0];
  if (best) return best.tables.map((cols) => render([...key, ...cols], best.twoLineHeads)).join('\n');
  const rows = Math.max(0, ...columns.map((c) => c.cells.length));
  const headWidth = Math.max(...columns.map((c) => textWidth(c.head)));
  return Array.from({ length: rows }, (_, i) =>
    [key.map((k) => k.cells[i]).join(' · '), ...columns.map((c) => `  ${c.head.padEnd(headWidth)}  ${c.cells[i]}`)].join('\n'),
  ).join('\n\n');
}

/** fitTable from a header and rows; the first `keyColumns` columns name the row. */
export function fitRows(head: string[], rows: string[][], keyColumns: number, width?: number): string {
  const columns = head.map((h, i) => ({ head: h, cells: rows.map((r) => r[i] ?? '') }));
  return fitTable(columns.slice(0, keyColumns), columns.slice(keyColumns), width);
}

/** The width to fit tables to: the terminal's columns less the last one (writing into it makes some terminals wrap). */
export function tableWidth(): number | undefined {
  const columns = terminalColumns();
  return columns && columns - 1;
}
