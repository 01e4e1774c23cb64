// A sweep's report (core/sweep/aggregate.ts) as `adapter-lab report` prints it: one table per attribute, a row per
// setting with mean ± sd over its seeds, the paired difference against the reference, its costs and its frontier
// marks, and under each table the setting that is best on validation. Also CSV and JSON, for other tools.
import type { PairedDifference, SettingRow, Stats, SweepReport } from '../common/sweep';
import { type TableColumn, fitTable } from './fitTable';
import { formatBytes, formatCount } from './report';

const pct = (x: number) => (100 * x).toFixed(1);
/** Without ± for one seed: a standard deviation of one value says nothing. */
const meanSd = (s: Stats) => (s.n > 1 ? `${pct(s.mean)} ± ${pct(s.sd)}` : pct(s.mean));

function signedPct(x: number): string {
  const text = pct(x);
  return Number(text) > 0 ? `+${text}` : Number(text) === 0 ? '0.0' : text;
}

/** The difference in points; its n when fewer seeds pair than the row has. */
function differenceText(d: PairedDifference, rowSeeds: number): string {
  const text = d.n > 1 ? `${signedPct(d.mean)} ± ${pct(d.se)}` : signedPct(d.mean);
  return d.n === rowSeeds ? text : `${text} (n = ${d.n})`;
}

const FRONTIER_MARKS = [
  ['P', 'params'],
  ['S', 'storage'],
  ['T', 'speed'],
] as const;

function frontierMarks(report: SweepReport, task: string, setting: string): string {
  const frontiers = report.frontiers[task];
  return (
    FRONTIER_MARKS.filter(([, axis]) => frontiers[axis].includes(setting))
      .map(([mark]) => mark)
      .join(' ') || '–'
  );
}

function headerLines(report: SweepReport): string[] {
  const { completed, total, failed } = report.progress;
  const progress = completed < total ? [`${completed}/${total} runs done${failed ? `; ${failed} failed` : ''}`] : [];
  const ref = report.reference;
  const matched = report.referenceSettings.length > 1 || (report.referenceSettings.length === 1 && report.referenceSettings[0] !== ref);
  const reference =
    ref === undefined
      ? []
      : report.referenceSettings.length === 0
        ? [`Δ: none yet, the reference ${ref} has no finished run`]
        : matched
          ? [`Δ: test accuracy minus ${ref}'s with the same swept values and seed (the one best on validation if several), in points (mean ± SE over seeds)`]
          : [`Δ: test accuracy minus ${ref}'s on the same seed, in points (mean ± SE over seeds)`];
  const legend = report.settings.length ? ['frontier: P params, S storage, T train time (no other setting is as accurate for less)'] : [];
  if (report.settings.some((s) => s.loads)) legend.push('a composition or merge counts the params, storage and step time of the adapter runs it loads');
  return [...progress, ...reference, ...legend];
}

function taskColumns(report: SweepReport, task: string, rows: SettingRow[]): TableColumn[] {
  const column = (head: string, cell: (s: SettingRow) => string): TableColumn => ({ head, cells: rows.map(cell) });
  const result = (s: SettingRow) => s.tasks[task];
  const difference = (s: SettingRow) => {
    if (report.referenceSettings.includes(s.setting)) return 'ref';
    const d = result(s).difference;
    return d ? differenceText(d, result(s).test.n) : '–';
  };
  return [
    column('n', (s) => String(result(s).test.n)),
    column('validation acc', (s) => meanSd(result(s).validation)),
    column('test acc', (s) => meanSd(result(s).test)),
    column('test F1', (s) => pct(result(s).testF1.mean)),
    column('Δ test acc', difference),
    column('trainable params', (s) => formatCount(s.trainableParams)),
    column('train ms/step', (s) => s.msPerStep.mean.toFixed(0)),
    column('storage / attribute', (s) => formatBytes(Math.round(s.bytesPerAttribute))),
    column('frontier', (s) => frontierMarks(report, task, s.setting)),
  ];
}

function bestLine(report: SweepReport, task: string): string {
  const { setting, validation, test } = report.best[task];
  return `best on validation: ${setting} — validation ${meanSd(validation)}, test ${meanSd(test)} (n = ${test.n})`;
}

/** GitHub tables break on "|" in a cell and read "*" as emphasis. */
const markdownCell = (text: string) => text.replace(/[|*]/g, '\\$&');

/** One table per attribute; `markdown` gives GitHub tables under "#### <attribute>", `width` fits a terminal. */
export function sweepTable(report: SweepReport, options: { markdown?: boolean; width?: number } = {}): string {
  const blocks = report.tasks.map((task) => {
    const rows = report.settings.filter((s) => s.tasks[task]);
    const best = report.best[task].setting;
    const settingColumn: TableColumn = { head: 'setting', cells: rows.map((s) => (s.setting === best ? `${s.setting} *` : s.setting)) };
    const columns = taskColumns(report, task, rows);
    if (!options.markdown) return [task, fitTable([settingColumn], columns, options.width), bestLine(report, task)].join('\n');
    const all = [settingColumn, ...columns];
    const line = (cells: string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
    const table = [line(all.map((c) => c.head)), line(all.map(() => '---')), ...rows.map((_, i) => line(all.map((c) => c.cells[i])))];
    return [`#### ${task}`, table.join('\n'), markdownCell(bestLine(report, task))].join('\n\n');
  });
  const header = headerLines(report);
  const paragraphs = options.markdown ? header.map(markdownCell) : header.length ? [header.join('\n')] : [];
  return [...paragraphs, ...blocks].join('\n\n');
}

const CSV_QUOTED = /[",\r\n]|^\s|\s$/;
const csvField = (text: string) => (CSV_QUOTED.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
/** Plain numbers; an empty cell for none. */
const csvNumber = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? String(x) : '');
const csvValue = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** One row per setting and attribute: accuracies as fractions, no formatting, a column per swept path. */
export function sweepCsv(report: SweepReport): string {
  const head = [
    'setting',
    'run_name',
    ...report.paths,
    'task',
    'n',
    'seeds',
    'validation_acc_mean',
    'validation_acc_sd',
    'test_acc_mean',
    'test_acc_sd',
    'test_f1_mean',
    'diff_mean',
    'diff_se',
    'diff_n',
    'reference',
    'trainable_params',
    'bytes_per_attribute',
    'ms_per_step_mean',
    'infer_ms_per_example_mean',
    'frontier_params',
    'frontier_storage',
    'frontier_speed',
    'best_on_validation',
    'run_ids',
  ];
  const rows = report.tasks.flatMap((task) =>
    report.settings
      .filter((s) => s.tasks[task])
      .map((s) => {
        const { test, testF1, validation, difference } = s.tasks[task];
        const frontiers = report.frontiers[task];
        return [
          s.setting,
          s.runName,
          ...report.paths.map((p) => csvValue(s.values[p])),
          task,
          csvNumber(test.n),
          s.seeds.join(' '),
          ...[validation.mean, validation.sd, test.mean, test.sd, testF1.mean, difference?.mean, difference?.se, difference?.n].map(csvNumber),
          report.reference ?? '',
          ...[s.trainableParams, s.bytesPerAttribute, s.msPerStep.mean, s.inferenceMsPerExample.mean].map(csvNumber),
          ...[frontiers.params, frontiers.storage, frontiers.speed].map((ids) => String(ids.includes(s.setting))),
          String(report.best[task].setting === s.setting),
          s.runIds.join(' '),
        ];
      }),
  );
  return [head, ...rows].map((cells) => cells.map(csvField).join(',') + '\n').join('');
}

export const sweepJson = (report: SweepReport): string => JSON.stringify(report, null, 2);
