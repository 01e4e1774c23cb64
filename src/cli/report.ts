// The comparison printed after training and by `adapter-lab compare`: one row per run, accuracy / macro-F1 per
// attribute, trainable parameters (and their share of full fine-tuning's), storage per attribute and speed.
import Table from 'cli-table3';
import type { RunSummary } from '../common/runRecord';
import { wrapWords } from './terminalWidth';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));

export interface ComparisonRow {
  label: string;
  summary: RunSummary;
}

interface Column {
  head: string; // on one line
  headLines: string; // the same over two lines, for narrow terminals
  cells: string[]; // one per row
}

/**
 * The comparison table; `markdown` gives a GitHub table (for the README and reports). With a `width` (a terminal's
 * columns) the table fits it: headers go over two lines, then the columns are shared out over several tables that
 * each repeat the run column, then (narrower than one column) each run becomes a block of "column  value" lines.
 * Every value is shown in every layout.
 */
export function comparisonTable(rows: ComparisonRow[], options: { markdown?: boolean; width?: number } = {}): string {
  const tasks = [...new Set(rows.flatMap((r) => Object.keys(r.summary.test)))];
  const full = rows.find((r) => r.summary.type === 'full')?.summary;
  const column = (head: string, headLines: string, cell: (s: RunSummary) => string): Column => ({ head, headLines, cells: rows.map((r) => cell(r.summary)) });
  const runColumn: Column = { head: 'run', headLines: 'run', cells: rows.map(({ label, summary: s }) => (s.status === 'completed' ? label : `${label} (${s.status})`)) };
  const columns: Column[] = [
    ...tasks.map((t) => column(`${t} acc / F1`, `${t}\nacc / F1`, (s) => (s.test[t] ? `${pct(s.test[t].accuracy)} / ${pct(s.test[t].macroF1)}` : '–'))),
    column('trainable params', 'trainable\nparams', (s) => `${formatCount(s.trainableParams)} (${s.trainablePercent.toFixed(2)}%)`),
    column('vs full', 'vs\nfull', (s) => (full ? `${((100 * s.trainableParams) / full.trainableParams).toFixed(1)}%` : '–')),
    column('storage / attribute', 'storage /\nattribute', (s) => formatBytes(mean(Object.values(s.bytesPerTask)))),
    column('train ms/step', 'train\nms/step', (s) => s.msPerStep.toFixed(0)),
    column('infer ms/ex', 'infer\nms/ex', (s) => s.inferenceMsPerExample.toFixed(2)),
  ];
  if (options.markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    const head = [runColumn, ...columns].map((c) => c.head);
    return [line(head), line(head.map(() => '---')), ...rows.map((_, i) => line([runColumn, ...columns].map((c) => c.cells[i])))].join('\n');
  }
  const width = options.width;
  const render = (cols: Column[], twoLineHeads: boolean) => {
    const table = new Table({ head: cols.map((c) => (twoLineHeads ? c.headLines : c.head)), style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    table.push(...rows.map((_, i) => cols.map((c) => c.cells[i])));
    return table.toString();
  };
  const tableWidth = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));
  const fits = (cols: Column[], twoLineHeads: boolean) => width === undefined || tableWidth(render([runColumn, ...cols], twoLineHeads)) <= width;
  if (fits(columns, false)) return render([runColumn, ...columns], false);
  // Share the columns out, in order, over as few tables as fit; one-line headers when that takes no more tables.
  const share = (twoLineHeads: boolean): Column[][] | undefined => {
    const tables: Column[][] = [];
    for (const c of columns) {
      const last = tables[tables.length - 1];
      if (last && fits([...last, c], twoLineHeads)) last.push(c);
      else if (fits([c], twoLineHeads)) tables.push([c]);
      else return undefined;
    }
    return tables;
  };
  const layouts = [share(false), share(true)].map((tables, i) => tables && { tables, twoLineHeads: i === 1 });
  const best = layouts.filter((l) => l !== undefined).sort((a, b) => a.tables.length - b.tables.length)[0];
  if (best) return best.tables.map((cols) => render([runColumn, ...cols], best.twoLineHeads)).join('\n');
  // Narrower than any table: a block per run.
  const nameWidth = Math.max(...columns.map((c) => c.head.length));
  return rows.map((_, i) => [runColumn.cells[i], ...columns.map((c) => `  ${c.head.padEnd(nameWidth)}  ${c.cells[i]}`)].join('\n')).join('\n\n');
}

/**
 * What the table means for N attributes: full fine-tuning stores a whole model per attribute; adapters store the
 * base once plus one small adapter (+ head) per attribute.
 */
export function storageProjection(rows: ComparisonRow[], width?: number): string | undefined {
  const full = rows.find((r) => r.summary.type === 'full')?.summary;
  const adapters = rows.filter((r) => r.summary.type === 'adapter').map((r) => r.summary);
  if (!full || adapters.length === 0) return undefined;
  const fullPerTask = Math.max(...Object.values(full.bytesPerTask));
  const adapterPerTask = adapters.reduce((s, a) => s + Math.max(...Object.values(a.bytesPerTask)), 0) / adapters.length;
  const baseBytes = fullPerTask; // the shared frozen base is as large as one fine-tuned model
  const lines = [10, 100].map(
    (n) => `  ${n} attributes: full fine-tuning ${formatBytes(n * fullPerTask)} · adapters ${formatBytes(baseBytes + n * adapterPerTask)} (one base + ${n} adapters)`,
  );
  return ['Storage for N attributes:', ...lines].map((l) => wrapWords(l, width, 6)).join('\n');
}
