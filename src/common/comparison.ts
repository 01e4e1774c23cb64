// The Compare runs tables, as data: each run's configuration flattened to "path → value" (with a differences-only
// filter), final and best metrics per attribute, parameters and speed; and the same table as CSV or Markdown.
// Pure: the webview renders and exports it, the unit tests check it.
import { formatCount } from './format';
import type { RunSummary } from './runRecord';
import type { Direction } from './series';

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
  attempt: number; // the k-th training of this run name in its experiment (runIdentity.ts)
  status: string;
  summary?: Pick<RunSummary, 'test' | 'trainableParams' | 'totalParams' | 'trainablePercent' | 'msPerStep' | 'inferenceMsPerExample' | 'wallMs'>;
  validation: Record<string, ValidationStats>; // by attribute
}

/** One column of the metrics table: its value per run (a number, or missing), how people read it, which way is better. */
interface MetricColumn {
  head: string;
  /** the CSV's header, where it differs (a fraction there, a percentage on screen) */
  dataHead?: string;
  value: (row: MetricsRow) => number | undefined;
  display: (value: number) => string;
  better: Direction;
}

const percent = (v: number) => `${(100 * v).toFixed(1)}%`;

function metricColumns(rows: MetricsRow[]): MetricColumn[] {
  const tasks = [...new Set(rows.flatMap((r) => [...Object.keys(r.summary?.test ?? {}), ...Object.keys(r.validation)]))].sort();
  const accuracy = (head: string, value: MetricColumn['value']): MetricColumn => ({ head, value, display: percent, better: 'max' });
  return [
    ...tasks.flatMap((t) => [
      accuracy(`${t} test acc`, (r) => r.summary?.test[t]?.accuracy),
      accuracy(`${t} test F1`, (r) => r.summary?.test[t]?.macroF1),
      accuracy(`${t} best val acc`, (r) => r.validation[t]?.best),
      accuracy(`${t} final val acc`, (r) => r.validation[t]?.final),
    ]),
    { head: 'trainable params', value: (r) => r.summary?.trainableParams, display: formatCount, better: 'min' },
    {
      head: '% of total',
      dataHead: 'trainable fraction',
      value: (r) => (r.summary ? r.summary.trainablePercent / 100 : undefined),
      display: (v) => `${(100 * v).toFixed(2)}%`,
      better: 'min',
    },
    { head: 'train ms/step', value: (r) => r.summary?.msPerStep, display: (v) => v.toFixed(1), better: 'min' },
    { head: 'infer ms/example', value: (r) => r.summary?.inferenceMsPerExample, display: (v) => v.toFixed(2), better: 'min' },
    {
      head: 'wall time s',
      value: (r) => (typeof r.summary?.wallMs === 'number' ? r.summary.wallMs / 1000 : undefined),
      display: (v) => v.toFixed(1),
      better: 'min',
    },
  ];
}

/**
 * Final (test) and best (validation) metrics per attribute, trainable parameters and speed: one row per run. For
 * `data` (the CSV), accuracies are fractions and counts whole numbers, a missing value an empty cell, and the run id,
 * experiment and attempt have columns of their own, so that a spreadsheet or pandas reads every column as numbers.
 * On screen counts are short (1.47M, as the CLI prints them).
 */
export function metricsTable(rows: MetricsRow[], target: TableFor = 'display'): Table {
  const data = target === 'data';
  const columns = metricColumns(rows);
  const head = ['run', ...(data ? ['run id', 'experiment', 'attempt'] : []), 'status', ...columns.map((c) => (data ? (c.dataHead ?? c.head) : c.head))];
  const body = rows.map((r) => [
    r.label,
    ...(data ? [r.id, r.experiment, String(r.attempt)] : []),
    r.status,
    ...columns.map((c) => {
      const v = c.value(r);
      return v === undefined ? MISSING[target] : data ? String(v) : c.display(v);
    }),
  ]);
  return { head, rows: body };
}

/**
 * The shown metrics table's cells as values to sort by and the best cell of each numeric column (every tied one;
 * none when fewer than two runs have a value, or all have the same): [row][column], aligned with metricsTable(rows, 'display').
 */
export function metricsCells(rows: MetricsRow[]): { value: number | string | undefined; best: boolean }[][] {
  const columns = metricColumns(rows);
  const values = rows.map((r) => columns.map((c) => c.value(r)));
  const best = columns.map((c, j) => {
    const present = values.map((v) => v[j]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    // Nothing to beat: fewer than two values, or all the same.
    if (present.length < 2 || Math.min(...present) === Math.max(...present)) return undefined;
    return c.better === 'max' ? Math.max(...present) : Math.min(...present);
  });
  return rows.map((r, i) => [
    { value: r.label, best: false },
    { value: r.status, best: false },
    ...values[i].map((v, j) => ({ value: v, best: v !== undefined && v === best[j] })),
  ]);
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
