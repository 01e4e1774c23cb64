// The runs table of the sweep panel, as data: its columns (the run, pinned; status; each swept value; each
// attribute's scores; costs; the run folder), the regular-expression filter over a row's text, the sort, and which
// columns "differences only" keeps. Pure, so it is unit-tested; runsTable.ts renders it.
import type { SweepRunRow } from '../../src/common/sweep';
import type { SweepSort } from '../../src/protocol/sweep';
import { METRICS, bytes, count, percent, valueText } from './measures';

export interface Column {
  id: string;
  label: string;
  numeric: boolean;
  /** What the sort compares; undefined sorts last. */
  value(run: SweepRunRow): number | string | undefined;
  text(run: SweepRunRow): string;
}

export const RUN_COLUMN = 'run';
/** Columns hidden until the user shows them. */
export const HIDDEN_BY_DEFAULT = ['folder'];

const MISSING = '–';

/** "adapter:lora · r=8 · seed 2": the name its run folder was given too. */
export const runLabel = (run: SweepRunRow) => `${run.setting} · seed ${run.seed}`;

export function tableColumns(paths: readonly string[], labels: Readonly<Record<string, string>>, tasks: readonly string[]): Column[] {
  const text = (id: string, label: string, value: (r: SweepRunRow) => string | undefined): Column => ({
    id,
    label,
    numeric: false,
    value,
    text: (r) => value(r) ?? MISSING,
  });
  const number = (id: string, label: string, value: (r: SweepRunRow) => number | undefined, format: (n: number) => string): Column => ({
    id,
    label,
    numeric: true,
    value,
    text: (r) => {
      const v = value(r);
      return v === undefined ? MISSING : format(v);
    },
  });
  return [
    text(RUN_COLUMN, 'run', runLabel),
    text('status', 'status', (r) => r.status),
    ...paths.map((path) => {
      const value = (r: SweepRunRow) => r.values[path];
      const column = text(`value:${path}`, labels[path] ?? path, (r) => (value(r) === undefined ? undefined : valueText(value(r))));
      // Numbers sort as numbers (2 before 16).
      return { ...column, value: (r: SweepRunRow) => (typeof value(r) === 'number' ? (value(r) as number) : column.value(r)) };
    }),
    ...tasks.flatMap((task) => METRICS.map((m) => number(`task:${task}:${m.value}`, `${task} ${m.short}`, (r) => r.tasks[task]?.[m.value], percent))),
    number('trainableParams', 'trainable params', (r) => r.trainableParams, count),
    number(
      'msPerStep',
      'train ms/step',
      (r) => r.msPerStep,
      (n) => n.toFixed(1),
    ),
    number('bytesPerAttribute', 'bytes per attribute', (r) => r.bytesPerAttribute, bytes),
    text('folder', 'run folder', (r) => r.id),
  ];
}

/** The filter as a case-insensitive regular expression; an empty text filters nothing; a broken one says why. */
export function compileFilter(text: string): { regex?: RegExp; error?: string } {
  if (text.trim() === '') return {};
  try {
    return { regex: new RegExp(text, 'i') };
  } catch (e) {
    // "Invalid regular expression: /(a/i: Unterminated group" → "Unterminated group"
    return { error: (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/.*\/\w*: /, '') };
  }
}

/** The runs with a cell (shown or not) that matches: `^` and `$` mean a cell's start and end ("seed 1$"). */
export function filterRuns(runs: readonly SweepRunRow[], columns: readonly Column[], regex: RegExp | undefined): SweepRunRow[] {
  if (!regex) return [...runs];
  return runs.filter((run) => columns.some((c) => regex.test(c.text(run))));
}

/** Sorted by a column (stable: ties keep their order); runs without a value come last either way. */
export function sortRuns(runs: readonly SweepRunRow[], column: Column | undefined, descending: boolean): SweepRunRow[] {
  if (!column) return [...runs];
  const sign = descending ? -1 : 1;
  return runs
    .map((run, i) => ({ run, i, v: column.value(run) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
      const order = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), undefined, { numeric: true });
      return order === 0 ? a.i - b.i : sign * order;
    })
    .map((x) => x.run);
}

/** The next sort after a click on a column's header: ascending, then descending, then ascending again. */
export function nextSort(current: SweepSort | undefined, column: string): SweepSort {
  return current?.column === column ? { column, descending: !current.descending } : { column, descending: false };
}

/**
 * The columns shown: the run column always, then those not hidden; with `differencesOnly`, of those only the ones
 * whose text differs between the rows shown (with fewer than two rows nothing differs, and nothing is left out).
 */
export function shownColumns(columns: readonly Column[], rows: readonly SweepRunRow[], hidden: readonly string[], differencesOnly: boolean): Column[] {
  return columns.filter((c) => {
    if (c.id === RUN_COLUMN) return true;
    if (hidden.includes(c.id)) return false;
    if (!differencesOnly || rows.length < 2) return true;
    const first = c.text(rows[0]);
    return rows.some((r) => c.text(r) !== first);
  });
}

/** Rows drawn beyond the ones in view, above and below, so that a quick scroll does not show blank rows. */
const OVERSCAN_ROWS = 15;

/** The rows to put in the page for a scroll position: those in view and a few around them, [start, end). */
export function rowWindow(scrollTop: number, viewportPx: number, rowPx: number, total: number): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowPx);
  const start = Math.max(0, Math.min(total, first - OVERSCAN_ROWS));
  const end = Math.min(total, first + Math.ceil(viewportPx / rowPx) + OVERSCAN_ROWS);
  return { start, end: Math.max(start, end) };
}

const CELL_PADDING_PX = 24;
const DOT_PX = 18; // the run's colour dot before its name
const SORT_MARK = ' ▼';
/** Longer text is cut with "…" (the cell's title has all of it); the run column may take more, it names the run. */
const MAX_COLUMN_PX = 320;
const MAX_RUN_COLUMN_PX = 560;
/** Only a column's longest texts (by characters) are measured: the widest is almost always among them. */
const MEASURED_PER_COLUMN = 4;

/**
 * A width per column that fits its widest text among all the rows (not only those in the page) and its header with
 * the sort mark, so that columns keep their width while rows scroll in and out. `measure` gives a text's width in
 * pixels (in the page, from the table's font; `bold` for the run column and the headers).
 */
export function columnWidths(columns: readonly Column[], rows: readonly SweepRunRow[], measure: (text: string, bold: boolean) => number): number[] {
  return columns.map((c) => {
    const run = c.id === RUN_COLUMN;
    const longest = [...new Set(rows.map((r) => c.text(r)))].sort((a, b) => b.length - a.length).slice(0, MEASURED_PER_COLUMN);
    const widest = Math.max(measure(c.label + SORT_MARK, true), ...longest.map((t) => measure(t, run) + (run ? DOT_PX : 0)));
    return Math.min(run ? MAX_RUN_COLUMN_PX : MAX_COLUMN_PX, Math.ceil(widest + CELL_PADDING_PX));
  });
}
