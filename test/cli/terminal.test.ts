// What `adapter-lab train` shows a person: the live progress on a terminal of 80 and 200 columns (replayed through a
// small terminal emulator), plain lines when stdout is not a terminal, a results table that fits, and --version.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { RunSummary } from '../../src/common/runRecord';
import { comparisonTable } from '../../src/cli/report';
import { replay } from '../helpers/screen';
import { CLI, ROOT, makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

const RUNS = ['adapter:mood', 'adapter:topic', 'full', 'head-only'];
const STEPS = 18; // 48 training rows, batch 8, 3 epochs
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function trainOnTerminal(columns: number, rows: number) {
  const { dir, configFile } = makeWorkspace(tinyConfig({ train: { ...(tinyConfig().train as object), epochs: 3, logEvery: 1 } }));
  const file = path.join(dir, 'terminal.out');
  const fd = fs.openSync(file, 'w');
  const r = spawnSync(process.execPath, ['--require', path.join(ROOT, 'test/helpers/fakeTty.cjs'), CLI, 'train', configFile, '--parallel', '2'], {
    cwd: dir,
    stdio: ['ignore', fd, fd], // stdout and stderr in the order they were written, as on a terminal
    env: { ...process.env, FAKE_TTY_COLUMNS: String(columns), FAKE_TTY_ROWS: String(rows) },
  });
  fs.closeSync(fd);
  const output = fs.readFileSync(file, 'utf8');
  assert.equal(r.status, 0, output);
  return { output, screen: replay(output, columns, rows) };
}

for (const columns of [80, 200]) {
  test(`live progress at ${columns} columns: one line per run, no fragments or repeats, step and ETA in view`, () => {
    const { output, screen } = trainOnTerminal(columns, 30);
    const text = screen.lines.join('\n');
    for (const name of RUNS) {
      const finalLines = screen.lines.filter((l) => l.startsWith(`${name} `) && /✓/.test(l));
      assert.equal(finalLines.length, 1, `${name} has one final line:\n${text}`);
      assert.match(finalLines[0], new RegExp(`${STEPS}/${STEPS}`), `${name}'s line keeps its steps:\n${text}`);
    }
    for (const line of screen.lines) {
      assert.ok(!/validation|test:/.test(line) || !/steps|ETA|✓/.test(line), `a progress fragment after a message: "${line}"`);
      assert.doesNotMatch(line, /ETA.*✓|✓.*ETA/, `a finished run shows no ETA: "${line}"`);
    }
    assert.doesNotMatch(output.replace(ANSI, ''), /0\/1 steps/, 'queued runs show as queued, not as a bar of one step');
    // While training, every run line that shows steps also shows the time left, within the width.
    const frames = output.replace(ANSI, '\n').split(/[\r\n]/);
    const training = frames.filter((l) => RUNS.some((n) => l.startsWith(`${n} `)) && /\d+\/18\b/.test(l) && !/✓/.test(l));
    assert.ok(training.length > 0, 'some progress was shown');
    for (const line of training) {
      assert.match(line, /ETA \d+:\d\d/, `no ETA in "${line}"`);
      assert.ok([...line].length < columns, `wider than the terminal: "${line}"`);
    }
    const table = output.slice(output.indexOf('Test-set results')).replace(ANSI, '').split('\n').slice(1);
    for (const line of table) assert.ok([...line].length <= columns, `the table is wider than ${columns} columns: "${line}"`);
    for (const name of RUNS)
      assert.ok(
        table.some((l) => l.includes(name)),
        `${name} in the table`,
      );
  });
}

test('plain progress when stdout is not a terminal (CI logs): whole lines, no cursor movement', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig({ train: { ...(tinyConfig().train as object), epochs: 3, logEvery: 1 } }));
  const r = runCli(['train', configFile, '--parallel', '2'], dir);
  assert.equal(r.status, 0, r.stderr);
  // eslint-disable-next-line no-control-regex -- plain output has no escape sequences
  assert.doesNotMatch(r.stdout, /[\r\x1b]/);
  for (const name of RUNS) {
    assert.match(r.stdout, new RegExp(`^${name} +started`, 'm'));
    assert.match(r.stdout, new RegExp(`^${name} +step \\d+/${STEPS}\\b.*ETA`, 'm'));
    assert.match(r.stdout, new RegExp(`^${name} +completed`, 'm'));
  }
});

test('inspect fits a terminal of 80 columns too (its table shared out over two)', () => {
  const r = spawnSync(
    process.execPath,
    ['--require', path.join(ROOT, 'test/helpers/fakeTty.cjs'), CLI, 'inspect', path.join(ROOT, 'examples/reviews-methods.adapterlab.json')],
    {
      encoding: 'utf8',
      env: { ...process.env, FAKE_TTY_COLUMNS: '80' },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  for (const line of r.stdout.split('\n')) assert.ok([...line].length <= 80, `wider than 80 columns: "${line}"`);
  const wide = runCli(['inspect', path.join(ROOT, 'examples/reviews-methods.adapterlab.json')], ROOT).stdout;
  const values = (text: string) => new Set(text.match(/\d[\d.]*(k|M|%| KB| MB)?/g));
  assert.deepEqual(values(r.stdout), values(wide), 'every figure of the wide table is still shown');
});

test('--version prints the version from package.json', () => {
  const r = runCli(['--version'], ROOT);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
});

function summary(name: string, type: RunSummary['type'], test: RunSummary['test'], trainable: number): RunSummary {
  return {
    id: name,
    name,
    type,
    status: 'completed',
    backend: 'wasm',
    base: 'builtin:lab-base',
    test,
    validation: {},
    bestEpoch: 3,
    steps: 990,
    totalParams: 1_490_000,
    trainableParams: trainable,
    trainablePercent: (100 * trainable) / 1_490_000,
    bytesOnDisk: 0,
    bytesPerTask: Object.fromEntries(Object.keys(test).map((t) => [t, trainable * 4])),
    msPerStep: 26,
    inferenceMsPerExample: 0.9,
    paddingShare: 0,
    wallMs: 1,
  };
}

test('the results table fits 80 and 120 columns without losing a value', () => {
  const m = (accuracy: number) => ({ accuracy, macroF1: accuracy - 0.001, loss: 0, count: 450 });
  const rows = [
    { label: 'adapter:sentiment', summary: summary('adapter:sentiment', 'adapter', { sentiment: m(0.842) }, 41_600) },
    { label: 'adapter:domain', summary: summary('adapter:domain', 'adapter', { domain: m(0.804) }, 41_700) },
    { label: 'full', summary: summary('full', 'full', { sentiment: m(0.847), domain: m(0.818) }, 1_470_000) },
    { label: 'head-only', summary: summary('head-only', 'head-only', { sentiment: m(0.822), domain: m(0.627) }, 33_700) },
  ];
  const wide = comparisonTable(rows);
  const values = ['84.2 / 84.1', '80.4 / 80.3', '81.8 / 81.7', '62.7 / 62.6', '41.6k (2.79%)', '1.47M (98.66%)', '100.0%', '162.5 KB', '5.61 MB', '0.90'];
  for (const v of values) assert.ok(wide.includes(v), `${v} in the wide table`);
  for (const width of [80, 120]) {
    const table = comparisonTable(rows, { width });
    for (const line of table.split('\n')) assert.ok([...line].length <= width, `${width}: "${line}" is ${[...line].length} wide`);
    for (const v of values) assert.ok(table.includes(v), `${width}: ${v} is still shown\n${table}`);
    for (const name of ['adapter:sentiment', 'adapter:domain', 'full', 'head-only']) assert.ok(table.includes(name));
  }
});
