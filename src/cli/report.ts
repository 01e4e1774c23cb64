// The comparison printed after training and by `adapter-lab compare`: one row per run, accuracy / macro-F1 per
// attribute, trainable parameters (and their share of full fine-tuning's), storage per attribute and speed.
import { formatCount } from '../common/format';
import type { RunSummary } from '../common/runRecord';
import { type TableColumn, fitTable } from './fitTable';
import { wrapWords } from './terminalWidth';

/** Counts are formatted where the panels can use it too (src/common/format.ts); the CLI's modules import it from here. */
export { formatCount };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));

export interface ComparisonRow {
  label: string;
  summary: RunSummary;
}

/**
 * The comparison table; `markdown` gives a GitHub table (for the README and reports). With a `width` (a terminal's
 * columns) the table fits it without losing a value (fitTable.ts).
 */
export function comparisonTable(rows: ComparisonRow[], options: { markdown?: boolean; width?: number } = {}): string {
  const tasks = [...new Set(rows.flatMap((r) => Object.keys(r.summary.test)))];
  const full = rows.find((r) => r.summary.type === 'full')?.summary;
  const column = (head: string, cell: (s: RunSummary) => string): TableColumn => ({ head, cells: rows.map((r) => cell(r.summary)) });
  const runColumn: TableColumn = { head: 'run', cells: rows.map(({ label, summary: s }) => (s.status === 'completed' ? label : `${label} (${s.status})`)) };
  const columns: TableColumn[] = [
    // A causal-lm task's score is the test perplexity of its rows (lower is better), not accuracy.
    ...tasks.map((t) =>
      rows.some((r) => r.summary.test[t]?.perplexity !== undefined)
        ? column(`${t} perplexity`, (s) => (s.test[t]?.perplexity !== undefined ? s.test[t].perplexity.toFixed(1) : '–'))
        : column(`${t} acc / F1`, (s) => (s.test[t] ? `${pct(s.test[t].accuracy)} / ${pct(s.test[t].macroF1)}` : '–')),
    ),
    column('trainable params', (s) => `${formatCount(s.trainableParams)} (${s.trainablePercent.toFixed(2)}%)`),
    column('vs full', (s) => (full ? `${((100 * s.trainableParams) / full.trainableParams).toFixed(1)}%` : '–')),
    column('storage / attribute', (s) => formatBytes(mean(Object.values(s.bytesPerTask)))),
    column('train ms/step', (s) => s.msPerStep.toFixed(0)),
    column('infer ms/ex', (s) => s.inferenceMsPerExample.toFixed(2)),
  ];
  if (options.markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    const all = [runColumn, ...columns];
    return [line(all.map((c) => c.head)), line(all.map(() => '---')), ...rows.map((_, i) => line(all.map((c) => c.cells[i])))].join('\n');
  }
  return fitTable([runColumn], columns, options.width);
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
    (n) =>
      `  ${n} attributes: full fine-tuning ${formatBytes(n * fullPerTask)} · adapters ${formatBytes(baseBytes + n * adapterPerTask)} (one base + ${n} adapters)`,
  );
  return ['Storage for N attributes:', ...lines].map((l) => wrapWords(l, width, 6)).join('\n');
}
