import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfigView } from '../../src/core/metrics/runConfigView';
import { type MetricsRow, configTable, flatten, joinTables, metricsCells, metricsTable, toCsv, toMarkdown } from '../../src/common/comparison';
import { runRecord } from './fixtures';

const config = {
  name: 'tiny',
  seed: 1,
  base: { kind: 'random', shape: { layers: 2, hiddenSize: 16 } },
  tasks: [{ name: 'mood' }, { name: 'topic' }],
  adapters: [
    { name: 'mood', task: 'mood', method: 'houlsby', bottleneckSize: 4 },
    { name: 'topic', task: 'topic', method: 'pfeiffer', bottleneckSize: 8 },
  ],
  train: { adapter: { epochs: 2, learningRate: 0.01 }, full: { epochs: 2, learningRate: 0.001 } },
};

test("a run's config view has the shared settings, its own adapter and the training options of its type", () => {
  const mood = runConfigView(runRecord({ name: 'adapter:mood', type: 'adapter', config }));
  assert.equal(mood['adapter.method'], 'houlsby');
  assert.equal(mood['adapter.bottleneckSize'], '4');
  assert.equal(mood['train.learningRate'], '0.01');
  assert.equal(mood['base.shape.layers'], '2');
  assert.equal(mood.tasks, 'mood, topic');
  const full = runConfigView(runRecord({ name: 'full', type: 'full', config }));
  assert.equal(full['adapter.method'], undefined);
  assert.equal(full['train.learningRate'], '0.001');
});

test("an adapter's own train options show merged into the run's train options, as the run used them", () => {
  const own = { ...config, adapters: [{ ...config.adapters[0], train: { learningRate: 0.005 } }, config.adapters[1]] };
  const mood = runConfigView(runRecord({ name: 'adapter:mood', type: 'adapter', config: own }));
  assert.equal(mood['train.learningRate'], '0.005');
  assert.equal(mood['train.epochs'], '2', 'the rest from train.adapter');
  assert.equal(mood['adapter.train.learningRate'], undefined, 'shown once');
  const topic = runConfigView(runRecord({ name: 'adapter:topic', type: 'adapter', config: own }));
  assert.equal(topic['train.learningRate'], '0.01');
});

test('flatten turns nested objects into dotted paths and arrays into JSON', () => {
  assert.deepEqual(flatten({ a: { b: 1, c: [2, 3] }, d: 'x', e: undefined, f: null }), { 'a.b': '1', 'a.c': '[2,3]', d: 'x', f: 'null' });
});

test('"differences only" keeps the settings that are not the same for every run', () => {
  const runs = [
    { label: 'adapter:mood', config: runConfigView(runRecord({ name: 'adapter:mood', type: 'adapter', config })) },
    { label: 'adapter:topic', config: runConfigView(runRecord({ name: 'adapter:topic', type: 'adapter', config })) },
  ];
  const diff = configTable(runs, true);
  assert.deepEqual(diff.head, ['run', 'adapter.bottleneckSize', 'adapter.method', 'adapter.name', 'adapter.task']);
  assert.deepEqual(diff.rows[1], ['adapter:topic', '8', 'pfeiffer', 'topic', 'topic']);
  const all = configTable(runs, false);
  assert.ok(all.head.includes('train.learningRate') && all.head.length > diff.head.length);
});

test('the metrics table has a row per run: test metrics, best and final validation accuracy, parameters and speed', () => {
  const summary = {
    test: { mood: { accuracy: 0.875, macroF1: 0.8, loss: 0.3, count: 8 } },
    trainableParams: 1234,
    totalParams: 100000,
    trainablePercent: 1.234,
    msPerStep: 12.345,
    inferenceMsPerExample: 0.5,
    wallMs: 4200,
  };
  const rows: MetricsRow[] = [
    {
      label: 'adapter:mood',
      id: '2026-12-05T10-00-00-tiny-adapter-mood',
      experiment: 'tiny',
      attempt: 2,
      status: 'completed',
      summary,
      validation: { mood: { best: 0.9, final: 0.85 } },
    },
    { label: 'full', id: '2026-12-05T10-00-00-tiny-full', experiment: 'tiny', attempt: 1, status: 'running', validation: {} },
  ];
  const table = metricsTable(rows);
  assert.deepEqual(table.head.slice(0, 6), ['run', 'status', 'mood test acc', 'mood test F1', 'mood best val acc', 'mood final val acc']);
  assert.deepEqual(table.rows[0], ['adapter:mood', 'completed', '87.5%', '80.0%', '90.0%', '85.0%', '1.2k', '1.23%', '12.3', '0.50', '4.2']);
  assert.deepEqual(table.rows[1], ['full', 'running', '–', '–', '–', '–', '–', '–', '–', '–', '–']);
  // For CSV: numbers a spreadsheet reads as numbers, empty cells for missing values, the run id and experiment.
  const data = metricsTable(rows, 'data');
  assert.deepEqual(data.head.slice(0, 5), ['run', 'run id', 'experiment', 'attempt', 'status']);
  assert.deepEqual(data.rows[0], [
    'adapter:mood',
    '2026-12-05T10-00-00-tiny-adapter-mood',
    'tiny',
    '2',
    'completed',
    '0.875',
    '0.8',
    '0.9',
    '0.85',
    '1234',
    '0.01234',
    '12.345',
    '0.5',
    '4.2',
  ]);
  assert.deepEqual(data.rows[1].slice(3), ['1', 'running', '', '', '', '', '', '', '', '', '']);
  for (const cell of data.rows[0].slice(5)) assert.ok(Number.isFinite(Number(cell)), `${cell} reads as a number`);
});

test('CSV quotes what needs quoting; Markdown escapes pipes; joined tables keep one run column', () => {
  const left = { head: ['run', 'x'], rows: [['a,b', 'say "hi"']] };
  const right = { head: ['run', 'y'], rows: [['a,b', 'p|q']] };
  const joined = joinTables(left, right);
  assert.deepEqual(joined.head, ['run', 'x', 'y']);
  assert.equal(toCsv(joined), 'run,x,y\n"a,b","say ""hi""",p|q\n');
  assert.equal(toMarkdown(joined), '| run | x | y |\n| --- | --- | --- |\n| a,b | say "hi" | p\\|q |\n');
});

test('the shown table: each cell a value to sort by, the best of each column marked (ties all; none when there is nothing to beat)', () => {
  const summary = (accuracy: number, trainableParams: number) => ({
    test: { mood: { accuracy, macroF1: accuracy, loss: 0.3, count: 8 } },
    trainableParams,
    totalParams: 2_000_000,
    trainablePercent: (100 * trainableParams) / 2_000_000,
    msPerStep: 10,
    inferenceMsPerExample: 0.5,
    wallMs: 1000,
  });
  const rows: MetricsRow[] = [
    { label: 'full', id: 'f', experiment: 'tiny', attempt: 1, status: 'completed', summary: summary(0.9, 1_471_109), validation: {} },
    { label: 'adapter:mood', id: 'a', experiment: 'tiny', attempt: 1, status: 'completed', summary: summary(0.85, 12_000), validation: {} },
    { label: 'head-only', id: 'h', experiment: 'tiny', attempt: 1, status: 'completed', summary: summary(0.9, 500), validation: {} },
  ];
  const table = metricsTable(rows);
  const cells = metricsCells(rows);
  const column = (head: string) => table.head.indexOf(head);
  assert.equal(table.rows[0][column('trainable params')], '1.47M', 'short, like the CLI');
  assert.equal(cells[0][column('trainable params')].value, 1_471_109, 'sorted by the number, not the text');
  assert.deepEqual(
    cells.map((row) => row[column('mood test acc')].best),
    [true, false, true],
    'higher accuracy is better; ties are all marked',
  );
  assert.deepEqual(
    cells.map((row) => row[column('trainable params')].best),
    [false, false, true],
    'fewer parameters are better',
  );
  assert.deepEqual(
    cells.map((row) => row[column('train ms/step')].best),
    [false, false, false],
    'all the same: nothing marked',
  );
  assert.deepEqual(
    cells.map((row) => row[column('mood best val acc')].best),
    [false, false, false],
    'nothing to beat',
  );
  assert.equal(cells[2][column('mood best val acc')].value, undefined);
});
