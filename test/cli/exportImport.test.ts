// `adapter-lab export` and `import` end to end on runs the CLI trained: AdapterHub and PEFT exports listed and
// imported back byte for byte; ARC exported merged into the base; bottleneck adapters refused for PEFT (exit 2);
// and a config exported to Python.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readRun } from '../../src/core/io/runStore';
import { filesOf } from '../interop/helpers';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

test('export → import round trips trained runs; ARC goes merged into the base; PEFT refuses a bottleneck adapter', () => {
  const adapters = {
    lo: { method: 'lora', task: 'mood', r: 2, alpha: 4 },
    ar: { method: 'arc', task: 'mood', bottleneckSize: 3 },
    ho: { method: 'houlsby', task: 'topic', bottleneckSize: 4 },
  };
  const config = tinyConfig({ adapters, baselines: [], train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 1, adapter: { learningRate: 0.05 } } });
  const { dir, configFile } = makeWorkspace(config);
  const trained = runCli(['train', configFile], dir);
  assert.equal(trained.status, 0, trained.stderr + trained.stdout);
  const runsDir = path.join(dir, '.adapterlab/runs');
  const runs = new Map(fs.readdirSync(runsDir).map((id) => [readRun(path.join(runsDir, id)).name, path.join(runsDir, id)]));

  for (const [run, to] of [
    ['adapter:lo', 'peft'],
    ['adapter:ho', 'adapterhub'],
  ] as const) {
    const out = path.join(dir, `${to}-out`);
    const exported = runCli(['export', runs.get(run)!, '--to', to, '--out', out], dir);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, to === 'peft' ? /adapter_model\.safetensors/ : /adapters\/ho\/adapter\.safetensors/);
    const imported = runCli(['import', out, '--runs-dir', path.join(dir, `back-${to}`)], dir);
    assert.equal(imported.status, 0, imported.stderr);
    const back = path.join(dir, `back-${to}`, path.basename(runs.get(run)!));
    const original = filesOf(runs.get(run)!);
    for (const [file, bytes] of filesOf(back)) assert.ok(bytes.equals(original.get(file)!), `${run} ${file} came back changed`);
    assert.equal(filesOf(back).size, original.size);
  }

  const refused = runCli(['export', runs.get('adapter:ho')!, '--to', 'peft'], dir);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /PEFT has no bottleneck adapters/);

  const arc = runCli(['export', runs.get('adapter:ar')!, '--to', 'adapterhub', '--out', path.join(dir, 'arc')], dir);
  assert.equal(arc.status, 0, arc.stderr);
  assert.match(arc.stdout, /ARC has no AdapterHub format, so it is exported merged into the base/);
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'heads/mood/model_head.safetensors'])
    assert.ok(fs.existsSync(path.join(dir, 'arc', f)), f);

  const python = runCli(['export', configFile, '--to', 'python', '--out', path.join(dir, 'py')], dir);
  assert.equal(python.status, 0, python.stderr);
  assert.match(python.stdout, /"ar" is ARC/);
  assert.ok(fs.existsSync(path.join(dir, 'py', 'train.py')));
});
