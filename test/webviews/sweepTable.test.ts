// The sweep panel's runs table as data: its columns, the regular-expression filter (a broken one is an error, not a
// crash), the sort (missing values last), "differences only", and how clicks select runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepRunRow } from '../../src/common/sweep';
import { select } from '../../webview/sweep/selection';
import { columnWidths, compileFilter, filterRuns, nextSort, rowWindow, runLabel, shownColumns, sortRuns, tableColumns } from '../../webview/sweep/tableModel';

const row = (key: string, over: Partial<SweepRunRow>): SweepRunRow => ({
  key,
  setting: key,
  runName: 'adapter:mood',
  seed: 1,
  values: {},
  status: 'completed',
  tasks: {},
  ...over,
});

const RUNS = [
  row('b2s1', {
    setting: 'adapter:mood · bottleneckSize=2',
    seed: 1,
    values: { b: 2 },
    tasks: { mood: { test: 0.7, testF1: 0.68, validation: 0.72 } },
    trainableParams: 500,
  }),
  row('b16s1', {
    setting: 'adapter:mood · bottleneckSize=16',
    seed: 1,
    values: { b: 16 },
    tasks: { mood: { test: 0.9, testF1: 0.88, validation: 0.85 } },
    trainableParams: 3000,
  }),
  row('b2s2', { setting: 'adapter:mood · bottleneckSize=2', seed: 2, values: { b: 2 }, status: 'running' }),
  row('full1', { setting: 'full', runName: 'full', seed: 1, tasks: { mood: { test: 0.8, testF1: 0.79, validation: 0.8 } }, trainableParams: 90_000 }),
];
const COLUMNS = tableColumns(['b'], { b: 'bottleneckSize' }, ['mood']);
const col = (id: string) => COLUMNS.find((c) => c.id === id)!;

test('columns: the run first, status, each swept value, each attribute’s scores, costs, the folder', () => {
  assert.deepEqual(
    COLUMNS.map((c) => c.label),
    [
      'run',
      'status',
      'bottleneckSize',
      'mood test acc',
      'mood val acc',
      'mood test F1',
      'trainable params',
      'train ms/step',
      'bytes per attribute',
      'run folder',
    ],
  );
  assert.equal(runLabel(RUNS[0]), 'adapter:mood · bottleneckSize=2 · seed 1');
  assert.equal(col('task:mood:test').text(RUNS[0]), '70.0%');
  assert.equal(col('task:mood:test').text(RUNS[2]), '–', 'a run without results yet');
  assert.equal(col('trainableParams').text(RUNS[3]), '90k');
});

test('filter: a case-insensitive regular expression over each cell; a broken one says why', () => {
  const only = (text: string) => filterRuns(RUNS, COLUMNS, compileFilter(text).regex).map((r) => r.key);
  assert.deepEqual(only(''), ['b2s1', 'b16s1', 'b2s2', 'full1'], 'no filter');
  assert.deepEqual(only('BOTTLENECKSIZE=2\\b'), ['b2s1', 'b2s2']);
  assert.deepEqual(only('seed 1$|^full'), ['b2s1', 'b16s1', 'full1'], '^ and $ are a cell’s ends');
  assert.deepEqual(only('running'), ['b2s2'], 'every column counts, the status too');
  assert.deepEqual(only('^90\\.0%$'), ['b16s1'], 'a score as shown');
  const broken = compileFilter('(unclosed');
  assert.equal(broken.regex, undefined);
  assert.match(broken.error ?? '', /Unterminated group|unclosed/i);
  assert.deepEqual(filterRuns(RUNS, COLUMNS, broken.regex).length, 4, 'a broken filter filters nothing');
});

test('sort: numbers as numbers, text naturally, stable, runs without a value last either way', () => {
  const keys = (column: string, descending: boolean) => sortRuns(RUNS, col(column), descending).map((r) => r.key);
  assert.deepEqual(keys('task:mood:test', false), ['b2s1', 'full1', 'b16s1', 'b2s2']);
  assert.deepEqual(keys('task:mood:test', true), ['b16s1', 'full1', 'b2s1', 'b2s2']);
  assert.deepEqual(keys('value:b', false), ['b2s1', 'b2s2', 'b16s1', 'full1'], '2 before 16; full has no size');
  assert.deepEqual(keys('run', false), ['b2s1', 'b2s2', 'b16s1', 'full1'], 'bottleneckSize=2 before =16 in natural order');
  assert.deepEqual(nextSort(undefined, 'run'), { column: 'run', descending: false });
  assert.deepEqual(nextSort({ column: 'run', descending: false }, 'run'), { column: 'run', descending: true });
  assert.deepEqual(nextSort({ column: 'run', descending: true }, 'status'), { column: 'status', descending: false });
});

test('differences only: columns whose text is the same in every shown row go; the run column and hidden ones as chosen', () => {
  const ids = (rows: SweepRunRow[], hidden: string[], differencesOnly: boolean) => shownColumns(COLUMNS, rows, hidden, differencesOnly).map((c) => c.id);
  const completed = RUNS.filter((r) => r.status === 'completed');
  assert.deepEqual(ids(completed, ['folder'], true), ['run', 'value:b', 'task:mood:test', 'task:mood:validation', 'task:mood:testF1', 'trainableParams']);
  assert.ok(ids(RUNS, [], true).includes('status'), 'a running run makes the status differ');
  assert.deepEqual(ids([RUNS[0]], ['folder', 'status'], true).length, COLUMNS.length - 2, 'one row: nothing to differ, nothing left out');
  assert.deepEqual(ids(RUNS, ['run', 'status'], false)[0], 'run', 'the run column cannot be hidden');
});

test('selection: click replaces, Ctrl/Cmd+click toggles, Shift+click takes the range in the order shown', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  let s = select({ selected: [] }, ['b'], 'replace', order);
  assert.deepEqual(s, { selected: ['b'], anchor: 'b' });
  s = select(s, ['d'], 'range', order);
  assert.deepEqual(s.selected, ['b', 'c', 'd']);
  s = select(s, ['c'], 'toggle', order);
  assert.deepEqual(s.selected, ['b', 'd']);
  s = select(s, ['x', 'y'], 'toggle', order); // a setting's runs, from a plot
  assert.deepEqual(s.selected, ['b', 'd', 'x', 'y']);
  s = select(s, ['x', 'y'], 'toggle', order);
  assert.deepEqual(s.selected, ['b', 'd'], 'all of them selected: the click takes them away');
  assert.deepEqual(select({ selected: ['a'] }, ['c'], 'range', []).selected, ['c'], 'a range outside the order shown acts as a click');
});

test('only the rows in view (and some around them) are put in the page; columns fit their widest text, capped', () => {
  assert.deepEqual(rowWindow(0, 540, 27, 200), { start: 0, end: 35 }, '20 rows in view and 15 more below');
  assert.deepEqual(rowWindow(2700, 540, 27, 200), { start: 85, end: 135 });
  assert.deepEqual(rowWindow(5400, 540, 27, 200), { start: 185, end: 200 }, 'not past the last row');
  assert.deepEqual(rowWindow(0, 540, 27, 6), { start: 0, end: 6 });
  assert.deepEqual(rowWindow(99_999, 540, 27, 0), { start: 0, end: 0 });

  const perChar = (text: string, bold: boolean) => text.length * (bold ? 8 : 7);
  const [run, , size, testAcc, , , params] = columnWidths(COLUMNS, RUNS, perChar);
  assert.equal(run, Math.ceil(runLabel(RUNS[1]).length * 8 + 18 + 24), 'the longest run label, bold, with its colour dot');
  assert.equal(size, Math.ceil('bottleneckSize ▼'.length * 8 + 24), 'a header wider than its values');
  assert.equal(testAcc, Math.ceil('mood test acc ▼'.length * 8 + 24));
  assert.equal(params, Math.ceil('trainable params ▼'.length * 8 + 24));
  const long = [row('x', { setting: 'adapter:mood · ' + 'x'.repeat(200) })];
  assert.equal(columnWidths(COLUMNS, long, perChar)[0], 560, 'a very long run label is cut at the cap');
});
