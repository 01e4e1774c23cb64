// Composition and merge runs end to end: they wait for the adapter runs, load what those saved, and write
// AdapterHub files; a Parallel run reproduces each adapter's own test results in one pass.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensorsFile } from '../../src/core/io/safetensors';
import { readRun, readSummary } from '../../src/core/io/runStore';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

const COMPOSED = tinyConfig({
  adapters: { mood: { method: 'houlsby', bottleneckSize: 4, adapterDrop: { mode: 'robust' } }, topic: { method: 'houlsby', bottleneckSize: 4 } },
  baselines: [],
  compositions: {
    fuse: { setup: 'Fuse(mood, topic)', task: 'mood' },
    both: { setup: 'Parallel(mood, topic)' },
    stacked: { setup: { Stack: ['topic', 'mood'] }, task: 'mood' },
    avg: { setup: 'Average(mood, topic, weights=[3, 1])', task: 'mood' },
  },
  merges: { blend: { adapters: ['mood', 'topic'], weights: [1.5, -0.5] } },
  train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 2, adapter: { learningRate: 0.01 }, composition: { learningRate: 0.01, epochs: 1 } },
});

function runDirs(dir: string): Map<string, string> {
  const runsDir = path.join(dir, '.adapterlab/runs');
  return new Map(fs.readdirSync(runsDir).map((id) => [readRun(path.join(runsDir, id)).name, path.join(runsDir, id)]));
}

test('compositions and merges run after their adapters and save AdapterHub files', () => {
  const { dir, configFile } = makeWorkspace(COMPOSED);
  const r = runCli(['train', configFile, '--parallel', '2'], dir);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const runs = runDirs(dir);
  assert.deepEqual([...runs.keys()].sort(), [
    'adapter:mood',
    'adapter:topic',
    'composition:avg',
    'composition:both',
    'composition:fuse',
    'composition:stacked',
    'merge:blend',
  ]);
  const finished = Math.max(...['adapter:mood', 'adapter:topic'].map((n) => Date.parse(readRun(runs.get(n)!).finishedAt!)));
  for (const [name, runDir] of runs) {
    const record = readRun(runDir);
    assert.equal(record.status, 'completed', `${name}: ${record.reason}`);
    if (!name.startsWith('adapter:')) assert.ok(Date.parse(record.startedAt!) >= finished, `${name} started after the adapters finished`);
  }

  // Fuse trains the fusion layers (and the head); saved as AdapterHub's fusion layout.
  const fuse = runs.get('composition:fuse')!;
  assert.ok(readSummary(fuse)!.steps > 0);
  const fusionDir = path.join(fuse, 'fusion/mood,topic');
  const fusionConfig = JSON.parse(fs.readFileSync(path.join(fusionDir, 'adapter_fusion_config.json'), 'utf8'));
  assert.equal(fusionConfig.name, 'mood,topic');
  assert.equal(fusionConfig.config.value_initialized, true);
  const fusion = readSafetensorsFile(path.join(fusionDir, 'model_adapter_fusion.safetensors')).tensors;
  for (const layer of [0, 1]) {
    for (const m of ['query', 'key', 'value']) {
      assert.deepEqual(fusion.get(`bert.encoder.layer.${layer}.output.adapter_fusion_layer.mood,topic.${m}.weight`)?.shape, [16, 16]);
      assert.ok(
        fusion.has(`bert.encoder.layer.${layer}.attention.output.adapter_fusion_layer.mood,topic.${m}.bias`),
        'houlsby adapters: fusion after attention too',
      );
    }
  }
  assert.ok(fs.existsSync(path.join(fuse, 'adapters/topic/adapter.safetensors')), 'the fused adapters are saved beside the fusion');
  assert.ok(fs.existsSync(path.join(fuse, 'heads/mood/model_head.safetensors')));
  assert.equal(JSON.parse(fs.readFileSync(path.join(fuse, 'adapter_setup.json'), 'utf8')).adapter_setup, 'Fuse(mood, topic)');

  // Parallel: evaluated without training, one output per branch, each exactly its adapter's own result.
  const both = readSummary(runs.get('composition:both')!)!;
  assert.equal(both.steps, 0);
  for (const task of ['mood', 'topic']) {
    const alone = readSummary(runs.get(`adapter:${task}`)!)!.test[task];
    assert.equal(both.test[task].accuracy, alone.accuracy, `${task}: Parallel = the adapter alone`);
    assert.ok(Math.abs(both.test[task].loss - alone.loss) < 1e-4);
  }
  for (const name of ['composition:stacked', 'composition:avg', 'merge:blend']) assert.equal(readSummary(runs.get(name)!)!.steps, 0, `${name} only evaluates`);

  // The merged adapter is saved like any adapter, under its own name.
  const blend = readSafetensorsFile(path.join(runs.get('merge:blend')!, 'adapters/blend/adapter.safetensors')).tensors;
  assert.ok(blend.has('bert.encoder.layer.1.output.adapters.blend.adapter_up.weight'));
  const mood = readSafetensorsFile(path.join(runs.get('adapter:mood')!, 'adapters/mood/adapter.safetensors')).tensors;
  const topic = readSafetensorsFile(path.join(runs.get('adapter:topic')!, 'adapters/topic/adapter.safetensors')).tensors;
  const name = (a: string) => `bert.encoder.layer.0.attention.output.adapters.${a}.adapter_down.0.weight`;
  const [b, m, t] = [blend.get(name('blend'))!.data, mood.get(name('mood'))!.data, topic.get(name('topic'))!.data] as Float32Array[];
  b.forEach((v, i) => assert.ok(Math.abs(v - (1.5 * m[i] - 0.5 * t[i])) < 1e-5, 'Σ wᵢ·θᵢ with a negative weight'));

  // The same merge from the command line, on the saved folders: the same numbers under another name.
  const folders = ['mood', 'topic'].map((a) => path.join(runs.get(`adapter:${a}`)!, 'adapters', a));
  const merged = runCli(['merge', ...folders, '--name', 'cli-blend', '--weights', '1.5,-0.5', '--out', path.join(dir, 'cli-blend')], dir);
  assert.equal(merged.status, 0, merged.stderr);
  const cli = readSafetensorsFile(path.join(dir, 'cli-blend/adapter.safetensors')).tensors;
  assert.deepEqual([...cli.keys()].sort(), [...blend.keys()].map((k) => k.replace('.blend.', '.cli-blend.')).sort());
  (cli.get(name('cli-blend'))!.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'cli-blend/adapter_config.json'), 'utf8')).name, 'cli-blend');
  assert.ok(fs.existsSync(path.join(dir, 'cli-blend/head_config.json')), 'the first adapter’s head comes along');
  const refused = runCli(['merge', folders[0], path.join(runs.get('composition:fuse')!, 'fusion/mood,topic'), '--name', 'x'], dir);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /no adapter_config\.json/);

  // AdapterDrop at inference, at every n, on a composition run and on an adapter run.
  const drop = runCli(['drop', runs.get('composition:both')!, '--json', '--repeats', '1'], dir);
  assert.equal(drop.status, 0, drop.stderr);
  const sweep = JSON.parse(drop.stdout) as { points: { skipped: number; metrics: Record<string, { accuracy: number }>; msPerExample: number }[] };
  assert.deepEqual(
    sweep.points.map((p) => p.skipped),
    [0, 1, 2],
  );
  assert.equal(sweep.points[0].metrics.mood.accuracy, both.test.mood.accuracy, 'n = 0 is the run as trained');
  assert.ok(sweep.points.every((p) => p.msPerExample > 0));
  const table = runCli(['drop', runs.get('adapter:mood')!], dir);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /AdapterDrop on adapter:mood/);
  assert.match(table.stdout, /0–1\s*│\s*none/);
  assert.equal(runCli(['drop', path.join(dir, 'nowhere')], dir).status, 2);

  // A composition alone reuses the trained adapters on disk.
  const again = runCli(['train', configFile, '--only', 'composition:stacked'], dir);
  assert.equal(again.status, 0, again.stderr + again.stdout);
});

test('a composition alone, before its adapters were ever trained, is refused up front (exit 2)', () => {
  const { dir, configFile } = makeWorkspace(COMPOSED);
  const r = runCli(['train', configFile, '--only', 'composition:fuse'], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /composition:fuse needs adapter:mood, adapter:topic, which has no completed run/);
  assert.ok(!fs.existsSync(path.join(dir, '.adapterlab')));
});
