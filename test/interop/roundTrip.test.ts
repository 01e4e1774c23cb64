// export → import gives back the run: its weights, record, summary and metrics byte for byte (AdapterHub and PEFT,
// every method PEFT has), and a folder trained in Python (no adapter_lab/ record) becomes a run `listRuns` reads.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { AdapterSpec } from '../../src/core/config/types';
import { exportAdapterHub } from '../../src/core/interop/adapterhubExport';
import { importFolder } from '../../src/core/interop/importFolder';
import { exportPeft } from '../../src/core/interop/peftExport';
import { readRunFiles } from '../../src/core/interop/runFiles';
import { listRuns } from '../../src/core/io/runStore';
import { writeJsonAtomic } from '../../src/core/io/atomic';
import { TINY, adapterSpec, backendReady } from '../helpers/tiny';
import { BASE, adapterRun, filesOf, fuseRun, lowRank, tempDir, tensorsOf } from './helpers';

const lora = lowRank({ leaveOut: [1], outputLora: true });

before(backendReady);

const ia3 = {
  name: 'sc',
  method: 'ia3',
  task: 't',
  leaveOut: [],
  r: 1,
  alpha: 1,
  attnMatrices: ['k', 'v'],
  intermediateLora: true,
  outputLora: false,
} as AdapterSpec;
const flatPrefix = {
  name: 'p',
  method: 'prefix',
  task: 't',
  leaveOut: [],
  prefixLength: 3,
  bottleneckSize: 5,
  nonLinearity: 'tanh',
  dropout: 0,
  flat: true,
} as AdapterSpec;

function assertSameFolders(original: string, back: string): void {
  const a = filesOf(original);
  const b = filesOf(back);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [file, bytes] of a) assert.ok(bytes.equals(b.get(file)!), `${file} differs after the round trip`);
}

for (const [label, make] of [
  ['a LoRA run (a layer left out, output.dense adapted)', (root: string) => adapterRun(root, lora)],
  ['an IA³ run', (root: string) => adapterRun(root, ia3)],
  ['a flat prefix-tuning run', (root: string) => adapterRun(root, flatPrefix)],
  ['a Houlsby run', (root: string) => adapterRun(root, adapterSpec({ name: 'h' }))],
  ['a Fuse composition', (root: string) => fuseRun(root, adapterSpec({ name: 'x' }), adapterSpec({ name: 'y', method: 'pfeiffer' }))],
] as const) {
  test(`${label}: export --to adapterhub, import: the same run folder, byte for byte`, () => {
    const root = tempDir();
    const runDir = make(root);
    exportAdapterHub(readRunFiles(runDir), path.join(root, 'hub'));
    const back = importFolder(path.join(root, 'hub'), path.join(root, 'runs'));
    assert.equal(back.restored, true);
    assert.equal(path.basename(back.runDir), path.basename(runDir));
    assertSameFolders(runDir, back.runDir);
  });
}

for (const [label, spec] of [
  ['LoRA', lora],
  ['IA³', ia3],
  ['flat prefix tuning', flatPrefix],
] as const) {
  test(`${label}: export --to peft, import: the same run folder, byte for byte`, () => {
    const root = tempDir();
    const runDir = adapterRun(root, spec);
    exportPeft(readRunFiles(runDir), BASE, path.join(root, 'peft'));
    const back = importFolder(path.join(root, 'peft'), path.join(root, 'runs'));
    assert.equal(back.format, 'peft');
    assertSameFolders(runDir, back.runDir);
  });
}

test('importing twice into one runs folder gives the second run its own id', () => {
  const root = tempDir();
  const runDir = adapterRun(root, lora);
  exportAdapterHub(readRunFiles(runDir), path.join(root, 'hub'));
  const first = importFolder(path.join(root, 'hub'), path.join(root, 'runs'));
  const second = importFolder(path.join(root, 'hub'), path.join(root, 'runs'));
  assert.notEqual(first.runDir, second.runDir);
  assert.equal(listRuns(path.join(root, 'runs')).runs.length, 2);
});

test('a PEFT folder trained in Python (no adapter_lab/) becomes a run: method, layers and head read from its tensors, results.json as its summary', () => {
  const root = tempDir();
  const runDir = adapterRun(root, lora);
  const peft = path.join(root, 'peft');
  exportPeft(readRunFiles(runDir), BASE, peft);
  fs.rmSync(path.join(peft, 'adapter_lab'), { recursive: true });
  // The base beside it, as export --to peft copies a built-in one: its config says how many layers there are.
  writeJsonAtomic(path.join(peft, 'base', 'config.json'), { model_type: 'bert', num_hidden_layers: TINY.layers, hidden_size: TINY.hiddenSize });
  const metrics = { accuracy: 0.8, macroF1: 0.79, loss: 0.4, count: 10 };
  writeJsonAtomic(path.join(peft, 'results.json'), {
    experiment: 'e',
    test: { task: metrics },
    validation: { task: metrics },
    trainableParams: 100,
    totalParams: 1000,
    steps: 50,
    bestEpoch: 2,
    trainSeconds: 5,
    evalSecondsPerExample: 0.002,
  });
  const back = importFolder(peft, path.join(root, 'runs'), { name: 'lo' });
  assert.equal(back.restored, false);
  const [run] = listRuns(path.join(root, 'runs')).runs;
  assert.equal(run.record.name, 'adapter:lo');
  assert.equal(run.record.status, 'completed');
  assert.deepEqual(run.record.tasks, ['task']);
  assert.equal(run.summary?.test.task.accuracy, 0.8);
  assert.equal(run.summary?.msPerStep, 100);
  assert.equal(run.summary?.bestEpoch, 2);
  const config = JSON.parse(fs.readFileSync(path.join(back.runDir, 'adapters/lo/adapter_config.json'), 'utf8'));
  assert.deepEqual(config.config.attn_matrices, ['q', 'v']);
  assert.equal(config.config.output_lora, true);
  assert.deepEqual(config.config.leave_out, [1]);
  assert.equal(config.config.alpha, 4);
  assert.equal(config.hidden_size, TINY.hiddenSize);
  // The weights under AdapterHub's names, equal to the original ones.
  const original = tensorsOf(path.join(runDir, 'adapters/lo/adapter.safetensors'));
  const imported = tensorsOf(path.join(back.runDir, 'adapters/lo/adapter.safetensors'));
  assert.deepEqual([...imported.keys()].sort(), [...original.keys()].sort());
  for (const [name, t] of original) assert.deepEqual([...imported.get(name)!.data], [...t.data], name);
});
