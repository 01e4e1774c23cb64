// Bad inputs the CLI must refuse in words, with exit 2 (src/cli/exit.ts), before or instead of training on them:
// weights holding NaN or ±Infinity (base, adapter, head, fusion), damaged adapter files, names that are paths,
// merges of mis-shaped adapters.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensorsFile, writeSafetensorsFile, type TensorToWrite } from '../../src/core/io/safetensors';
import { readRun } from '../../src/core/io/runStore';
import { ROOT, makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

let dir = '';
let runDir = ''; // a completed adapter:mood run
let adapterDir = ''; // its adapters/mood/ folder

before(() => {
  requireBuild();
  const config = tinyConfig({
    adapters: { mood: { method: 'houlsby', bottleneckSize: 4 } },
    baselines: [],
    train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 1 },
  });
  ({ dir } = makeWorkspace(config));
  const configFile = path.join(dir, 'tiny.adapterlab.json');
  const r = runCli(['train', configFile], dir);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const runsDir = path.join(dir, '.adapterlab/runs');
  runDir = fs
    .readdirSync(runsDir)
    .map((id) => path.join(runsDir, id))
    .find((d) => readRun(d).name === 'adapter:mood')!;
  adapterDir = path.join(runDir, 'adapters/mood');
});

/** A copy of `from` (a folder) at `to`, with `change` applied to the tensors of its file `file`. */
function copyWith(
  from: string,
  to: string,
  file: string,
  change: (tensors: Map<string, { dtype: string; shape: number[]; data: Float32Array }>) => void,
): string {
  fs.cpSync(from, to, { recursive: true });
  const { tensors, metadata } = readSafetensorsFile(path.join(to, file));
  const copies = new Map([...tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: [...t.shape], data: Float32Array.from(t.data as Float32Array) }]));
  change(copies);
  writeSafetensorsFile(path.join(to, file), Object.fromEntries(copies) as Record<string, TensorToWrite>, metadata);
  return to;
}

const poison = (value: number, name?: RegExp) => (tensors: Map<string, { data: Float32Array }>) => {
  const [, t] = [...tensors].find(([n]) => !name || name.test(n))!;
  t.data[t.data.length - 1] = value;
};

test('a base with one NaN weight is refused before any run starts (exit 2), naming the tensor and the file', () => {
  const base = copyWith(
    path.join(ROOT, 'models/lab-base'),
    path.join(dir, 'nan-base'),
    'model.safetensors',
    poison(NaN, /layer\.1\.attention\.self\.query\.weight$/),
  );
  const config = tinyConfig({ base: { path: './nan-base' }, adapters: { mood: { method: 'houlsby', bottleneckSize: 4 } }, baselines: [], runsDir: 'nan-runs' });
  const configFile = path.join(dir, 'nan-base.adapterlab.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const r = runCli(['train', configFile], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.ok(r.stderr.includes(path.join(base, 'model.safetensors')), r.stderr);
  assert.match(r.stderr, /tensor "bert\.encoder\.layer\.1\.attention\.self\.query\.weight"[^\n]*NaN/);
  assert.doesNotMatch(r.stderr + r.stdout, /learning rate/);
  assert.ok(!fs.existsSync(path.join(dir, 'nan-runs')), 'no run folder was made');
});

test('merge refuses an adapter folder holding NaN or Infinity (exit 2), naming the tensor and the file', () => {
  for (const [label, value] of [
    ['nan', NaN],
    ['inf', -Infinity],
  ] as const) {
    const bad = copyWith(adapterDir, path.join(dir, `merge-${label}`), 'adapter.safetensors', poison(value, /adapter_up\.weight$/));
    const out = path.join(dir, `merged-${label}`);
    const r = runCli(['merge', adapterDir, bad, '--name', 'blend', '--out', out], dir);
    assert.equal(r.status, 2, `${label}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(path.join(bad, 'adapter.safetensors')), r.stderr);
    assert.match(r.stderr, /tensor "[^"]*adapter_up\.weight"[^\n]*(NaN|Infinity)/);
    assert.ok(!fs.existsSync(out), `${label}: nothing written`);
  }
});

test('drop refuses a run whose adapter or head holds NaN (exit 2), naming the tensor and the file', () => {
  for (const [file, pattern] of [
    ['adapter.safetensors', /adapter_down\.0\.weight$/],
    ['model_head.safetensors', /./],
  ] as const) {
    const run = path.join(path.dirname(runDir), `drop-nan-${file}`); // beside it: run.json's paths are relative to the run folder
    fs.cpSync(runDir, run, { recursive: true });
    fs.rmSync(path.join(run, 'adapters/mood'), { recursive: true });
    copyWith(adapterDir, path.join(run, 'adapters/mood'), file, poison(NaN, pattern));
    const r = runCli(['drop', run, '--repeats', '1'], dir);
    assert.equal(r.status, 2, `${file}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(path.join(run, 'adapters/mood', file)), r.stderr);
    assert.match(r.stderr, /tensor "[^"]+"[^\n]*NaN/);
  }
});

test('merge --name is a name, not a path: "../x" and "a/b" are refused (exit 2) and nothing is written', () => {
  const work = path.join(dir, 'name-check');
  fs.mkdirSync(work);
  for (const name of ['../x', 'a/b', '..', '']) {
    const r = runCli(['merge', adapterDir, adapterDir, '--name', name], work);
    assert.equal(r.status, 2, `${JSON.stringify(name)}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /--name/);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'x')), 'nothing written beside the working folder');
  assert.deepEqual(fs.readdirSync(work), []);
});

test('merge of a folder with a mis-shaped tensor blames that folder, in either order, never the good one', () => {
  const bad = copyWith(adapterDir, path.join(dir, 'misshaped'), 'adapter.safetensors', (tensors) => {
    const [name, t] = [...tensors].find(([n]) => /layer\.1\.output\.adapters\.mood\.adapter_up\.weight$/.test(n))!;
    tensors.set(name, { ...t, shape: [t.shape[0], t.shape[1] - 1], data: t.data.subarray(0, t.shape[0] * (t.shape[1] - 1)) });
  });
  for (const order of [
    [bad, adapterDir],
    [adapterDir, bad],
  ]) {
    const r = runCli(['merge', ...order, '--name', 'blend', '--out', path.join(dir, 'misshaped-out')], dir);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.ok(r.stderr.startsWith(bad), r.stderr);
    assert.match(r.stderr, /adapter_up\.weight/);
    assert.ok(!r.stderr.includes(`${adapterDir}:`), `the good folder is not blamed: ${r.stderr}`);
  }
});

test('drop on a damaged adapter file says the file is damaged, not that the config changed (exit 2)', () => {
  const run = path.join(path.dirname(runDir), 'drop-truncated');
  fs.cpSync(runDir, run, { recursive: true });
  const file = path.join(run, 'adapters/mood/adapter.safetensors');
  fs.truncateSync(file, fs.statSync(file).size - 10);
  const r = runCli(['drop', run, '--repeats', '1'], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.ok(r.stderr.includes(file), r.stderr);
  assert.doesNotMatch(r.stderr, /config changed/);
  assert.match(r.stderr, /damaged|data_offsets|past the end/);
});
