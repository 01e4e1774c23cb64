// The CLI end to end on a tiny synthetic experiment: real trainer processes, real files.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensorsFile } from '../../src/core/io/safetensors';
import { readMetrics, readRun, readSummary } from '../../src/core/io/runStore';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

function runDirs(dir: string): Map<string, string> {
  const runsDir = path.join(dir, '.adapterlab/runs');
  return new Map(fs.readdirSync(runsDir).map((id) => [readRun(path.join(runsDir, id)).name, path.join(runsDir, id)]));
}

test('train: every run completes, the comparison is printed and the run folders hold AdapterHub files', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig());
  const r = runCli(['train', configFile, '--parallel', '2'], dir);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Test-set results/);
  for (const name of ['adapter:mood', 'adapter:topic', 'full', 'head-only']) assert.match(r.stdout, new RegExp(`│ ${name}`));
  assert.match(r.stdout, /randomly initialised/);

  const runs = runDirs(dir);
  assert.deepEqual([...runs.keys()].sort(), ['adapter:mood', 'adapter:topic', 'full', 'head-only']);
  for (const [name, runDir] of runs) {
    const record = readRun(runDir);
    assert.equal(record.status, 'completed', `${name}: ${record.reason}`);
    assert.match(record.backend ?? '', /^(wasm|tensorflow|cpu)/);
    const metrics = readMetrics(runDir);
    assert.ok(
      metrics.some((m) => m.kind === 'progress' && m.step === 2),
      `${name}: progress lines`,
    );
    assert.equal(metrics.filter((m) => m.kind === 'eval' && m.split === 'validation').length, 2, `${name}: one validation per epoch`);
    const summary = readSummary(runDir)!;
    assert.equal(summary.status, 'completed');
    assert.ok(summary.msPerStep > 0 && summary.inferenceMsPerExample > 0);
    assert.ok(fs.existsSync(path.join(runDir, 'adapter_setup.json')));
  }

  const adapterDir = path.join(runs.get('adapter:mood')!, 'adapters/mood');
  const adapterConfig = JSON.parse(fs.readFileSync(path.join(adapterDir, 'adapter_config.json'), 'utf8'));
  for (const key of ['config', 'hidden_size', 'model_class', 'model_name', 'model_type', 'name', 'version']) assert.ok(key in adapterConfig, key);
  assert.equal(adapterConfig.config.mh_adapter, true);
  const tensors = readSafetensorsFile(path.join(adapterDir, 'adapter.safetensors')).tensors;
  const down = tensors.get('bert.encoder.layer.0.output.adapters.mood.adapter_down.0.weight');
  assert.deepEqual(down?.shape, [4, 16], 'Linear weights are saved [out, in] as in PyTorch');
  assert.ok(tensors.has('bert.encoder.layer.1.attention.output.adapters.mood.adapter_up.bias'));
  const head = readSafetensorsFile(path.join(adapterDir, 'model_head.safetensors')).tensors;
  assert.deepEqual(head.get('heads.mood.4.weight')?.shape, [2, 16]);
  assert.ok(fs.existsSync(path.join(adapterDir, 'head_config.json')));

  const pfeiffer = readSafetensorsFile(path.join(runs.get('adapter:topic')!, 'adapters/topic/adapter.safetensors')).tensors;
  assert.ok(![...pfeiffer.keys()].some((k) => k.includes('attention.output.adapters')), 'pfeiffer has no adapter after attention');

  const fullDir = runs.get('full')!;
  const model = readSafetensorsFile(path.join(fullDir, 'model/model.safetensors')).tensors;
  assert.deepEqual(model.get('bert.encoder.layer.0.intermediate.dense.weight')?.shape, [32, 16]);
  assert.equal(JSON.parse(fs.readFileSync(path.join(fullDir, 'model/config.json'), 'utf8')).model_type, 'bert');
  assert.ok(fs.existsSync(path.join(fullDir, 'heads/topic/model_head.safetensors')));

  const adapterSummary = readSummary(runs.get('adapter:mood')!)!;
  const fullSummary = readSummary(fullDir)!;
  assert.ok(adapterSummary.trainableParams < fullSummary.trainableParams / 4);
  assert.ok(adapterSummary.bytesPerTask.mood < fullSummary.bytesPerTask.mood);

  const compare = runCli(['compare', ...runs.values(), '--markdown'], dir);
  assert.equal(compare.status, 0, compare.stderr);
  assert.equal(compare.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| run') && !l.startsWith('| ---')).length, 4);
});

test('train: a config error exits 2 and names file:line:column', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig());
  const text = fs.readFileSync(configFile, 'utf8').replace('"method": "pfeiffer"', '"method": "pfeifer"');
  fs.writeFileSync(configFile, text);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('"pfeifer"')) + 1;
  const column = lines[line - 1].indexOf('"pfeifer"') + 1;
  const r = runCli(['train', configFile], dir);
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes(`${configFile}:${line}:${column}: error:`), r.stderr);
  assert.match(r.stderr, /houlsby/);
  assert.ok(!fs.existsSync(path.join(dir, '.adapterlab')), 'nothing is started or written');
});

test('train: bad data rows are reported with their line numbers, exit 2, before any run starts', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig());
  fs.appendFileSync(path.join(dir, 'data.jsonl'), '{"text": "no labels here"}\n{not json}\n');
  const r = runCli(['train', configFile], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /data\.jsonl:81: missing label field "mood"/);
  assert.match(r.stderr, /data\.jsonl:82: .*JSON/);
  assert.ok(!fs.existsSync(path.join(dir, '.adapterlab')));
});

test('train: a diverging run (loss NaN) stops, is marked failed with the reason, and keeps its metrics', () => {
  const { dir, configFile } = makeWorkspace(
    tinyConfig({
      adapters: {},
      baselines: ['full'],
      train: { batchSize: 8, maxLength: 16, logEvery: 1, epochs: 3, maxGradNorm: 0, warmupRatio: 0, full: { learningRate: 1e30 } },
    }),
  );
  const r = runCli(['train', configFile], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const [runDir] = runDirs(dir).values();
  const record = readRun(runDir);
  assert.equal(record.status, 'failed');
  assert.match(record.reason ?? '', /loss became (NaN|Infinity|-Infinity) at step \d+/);
  assert.match(r.stderr, /loss became/);
  assert.ok(readMetrics(runDir).length >= 1, 'steps before the divergence are kept');
});
