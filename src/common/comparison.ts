// The Compare runs tables, as data: each run's configuration flattened to "path → value" (with a differences-only
// filter), final and best metrics per attribute, parameters and speed; and the same table as CSV or Markdown.
// Pure: the webview renders and exports it, the unit tests check it.
import type { RunSummary } from './runRecord';

/** `{ a: { b: 1, c: [2, 3] } }` → `{ 'a.b': '1', 'a.c': '[2,3]' }`; undefined leaves are left out. */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value === undefined) return out;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  out[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

export interface Table {
  head: string[];
  rows: string[][];
}

/** How a table is written: for people ("84.2%", "1.47M", "–"), or for other programs (plain numbers, empty cells). */
export type TableFor = 'display' | 'data';

const MISSING: Record<TableFor, string> = { display: '–', data: '' };

/** One row per run and one column per config key; `differencesOnly` keeps the keys whose value is not the same for all. */
export function configTable(runs: { label: string; config: Record<string, string> }[], differencesOnly: boolean, target: TableFor = 'display'): Table {
  const missing = MISSING[target];
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.config)))].sort();
  const shown = differencesOnly ? keys.filter((k) => new Set(runs.map((r) => r.config[k] ?? missing)).size > 1) : keys;
  return { head: ['run', ...shown], rows: runs.map((r) => [r.label, ...shown.map((k) => r.config[k] ?? missing)]) };
}

/** Per attribute: the last and the best validation accuracy seen in the curves. */
export interface ValidationStats {
  final?: number;
  best?: number;
  bestEpoch?: number;
}

export interface MetricsRow {
  label: string;
  id: string; // the run folder's name
  experiment: string;
  status: string;
  summary?: Pick<RunSummary, 'test' | 'trainableParams' | 'totalParams' | 'trainablePercent' | 'msPerStep' | 'inferenceMsPerExample' | 'wallMs'>;
  validation: Record<string, ValidationStats>; // by attribute
}

/**
 * Final (test) and best (validation) metrics per attribute, trainable parameters and speed: one row per run. For
 * `data` (the CSV), accuracies are fractions and counts whole numbers, a missing value an empty cell, and the run id
 * and experiment have columns of their own, so that a spreadsheet or pandas reads every column as numbers.
 */
export function metricsTable(rows: MetricsRow[], target: TableFor = 'display'): Table {
  const data = target === 'data';
  const missing = MISSING[target];
  const number = (x: number | undefined, display: (x: number) => string) => (x === undefined ? missing : data ? String(x) : display(x));
  const pct = (x: number | undefined) => number(x, (v) => `${(100 * v).toFixed(1)}%`);
  const tasks = [...new Set(rows.flatMap((r) => [...Object.keys(r.summary?.test ?? {}), ...Object.keys(r.validation)]))].sort();
  const head = [
    'run',
    ...(data ? ['run id', 'experiment'] : []),
    'status',
    ...tasks.flatMap((t) => [`${t} test acc`, `${t} test F1`, `${t} best val acc`, `${t} final val acc`]),
    'trainable params',
    data ? 'trainable fraction' : '% of total',
    'train ms/step',
    'infer ms/example',
    'wall time s',
  ];
  const body = rows.map((r) => {
    const s = r.summary;
    return [
      r.label,
      ...(data ? [r.id, r.experiment] : []),
      r.status,
      ...tasks.flatMap((t) => [pct(s?.test[t]?.accuracy), pct(s?.test[t]?.macroF1), pct(r.validation[t]?.best), pct(r.validation[t]?.final)]),
      number(s?.trainableParams, (v) => String(v)),
      number(s && s.trainablePercent / (data ? 100 : 1), (v) => `${v.toFixed(2)}%`),
      number(s?.msPerStep, (v) => v.toFixed(1)),
      number(s?.inferenceMsPerExample, (v) => v.toFixed(2)),
      number(s && typeof s.wallMs === 'number' ? s.wallMs / 1000 : undefined, (v) => v.toFixed(1)),
    ];
  });
  return { head, rows: body };
}

/** Mean test accuracy over the attributes: the y of the accuracy-vs-parameters scatter. */
export function meanTestAccuracy(summary: Pick<RunSummary, 'test'>): number | undefined {
  const values = Object.values(summary.test)
    .map((m) => m.accuracy)
    .filter((v) => typeof v === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/** Two tables with a row per run side by side (the second's first column, the run, is dropped): what is exported. */
export function joinTables(left: Table, right: Table, target: TableFor = 'display'): Table {
  return {
    head: [...left.head, ...right.head.slice(1)],
    rows: left.rows.map((row, i) => [...row, ...(right.rows[i]?.slice(1) ?? right.head.slice(1).map(() => MISSING[target]))]),
  };
}

/** RFC 4180: fields with a comma, quote or newline are quoted, quotes doubled. */
export function toCsv(table: Table): string {
  const field = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [table.head, ...table.rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/** A GitHub table; pipes in cells are escaped so they do not split columns. */
export function toMarkdown(table: Table): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(table.head), line(table.head.map(() => '---')), ...table.rows.map(line)].join('\n') + '\n';
}
