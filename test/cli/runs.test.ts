// Finding runs from the command line as the README trains them (runs folder next to the config, the command run
// from the folder above): `runs`, `compare`, `drop` take a run id or a folder and say where they looked.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readRunFile, readSummary, writeRun, writeSummary } from '../../src/core/io/runStore';
import { requireBuild, runCli, syntheticRows, tinyConfig } from '../helpers/workspace';

let root: string;
let runDir: string;
let runId: string;

before(() => {
  requireBuild();
  // root/experiments/tiny.adapterlab.json with its data; runs go to root/experiments/.adapterlab/runs.
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-runs-'));
  const experiments = path.join(root, 'experiments');
  fs.mkdirSync(experiments);
  fs.mkdirSync(path.join(experiments, 'data-not-runs')); // a folder beside the config that is no run
  fs.writeFileSync(
    path.join(experiments, 'data.jsonl'),
    syntheticRows()
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  fs.writeFileSync(path.join(experiments, 'tiny.adapterlab.json'), JSON.stringify(tinyConfig(), null, 2));
  const r = runCli(['train', 'experiments/tiny.adapterlab.json', '--only', 'adapter:mood'], root);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const runsDir = path.join(experiments, '.adapterlab/runs');
  [runId] = fs.readdirSync(runsDir);
  runDir = path.join(runsDir, runId);
});

test('runs, from the folder above the config, lists the runs next to the config', () => {
  const r = runCli(['runs'], root);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${runId}.*completed`), r.stdout);
  assert.equal(r.stderr, '');
});

test('runs <folder of configs> lists their runs without warnings about folders that are not runs', () => {
  const r = runCli(['runs', 'experiments'], root);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(runId));
  assert.equal(r.stderr, '', 'no ENOENT for data-not-runs/ or .adapterlab/');
  const inRunsFolder = runCli(['runs', 'experiments/.adapterlab/runs'], root);
  assert.match(inRunsFolder.stdout, new RegExp(runId), 'a runs folder itself still works');
  const byConfig = runCli(['runs', 'experiments/tiny.adapterlab.json'], root);
  assert.match(byConfig.stdout, new RegExp(runId), 'and so does a config');
});

test('compare and drop take a run id, found the same way', () => {
  const compare = runCli(['compare', runId], root);
  assert.equal(compare.status, 0, compare.stderr);
  assert.match(compare.stdout, /adapter:mood/);
  const drop = runCli(['drop', runId, '--repeats', '1', '--json'], root);
  assert.equal(drop.status, 0, drop.stderr);
  assert.equal(JSON.parse(drop.stdout).run, 'adapter:mood');
  const byFolder = runCli(['compare', path.relative(root, runDir)], root);
  assert.equal(byFolder.status, 0, 'a run folder still works');
});

test('nothing found: each command says what it searched', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-empty-'));
  const runs = runCli(['runs'], empty);
  assert.equal(runs.status, 0, runs.stderr);
  assert.match(runs.stdout, /No runs/);
  assert.match(runs.stdout, /\*\.adapterlab\.json/, 'names what it looked for');
  assert.ok(runs.stdout.includes(empty), runs.stdout);

  for (const command of [
    ['compare', 'no-such-run'],
    ['drop', 'no-such-run'],
  ]) {
    const r = runCli(command, root);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no run "no-such-run"/, r.stderr);
    assert.ok(r.stderr.includes(path.join(root, 'experiments', '.adapterlab', 'runs')), `${command[0]} names the runs folders it searched: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /ENOENT/);
  }
});

test('compare tells two runs with the same name apart', () => {
  const copyId = `${runId}-copy`;
  const copy = path.join(path.dirname(runDir), copyId);
  fs.cpSync(runDir, copy, { recursive: true });
  const record = readRunFile(runDir);
  writeRun(copy, { ...record, id: copyId, createdAt: new Date(Date.parse(record.createdAt) + 3_600_000).toISOString() });
  writeSummary(copy, { ...readSummary(runDir)!, id: copyId });
  try {
    const r = runCli(['compare', runDir, copy, '--markdown'], root);
    assert.equal(r.status, 0, r.stderr);
    const labels = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('| adapter:mood'))
      .map((l) => l.split('|')[1].trim());
    assert.equal(labels.length, 2, r.stdout);
    assert.notEqual(labels[0], labels[1], `two rows, one label: ${labels[0]}`);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
