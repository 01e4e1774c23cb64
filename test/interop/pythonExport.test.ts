// `export --to python`: train.py and tune.py compile, experiment.json holds every run Adapter Lab would train with
// AdapterHub configs whose fields are the library's, the split is the one Adapter Lab trains on, and a sweep's
// points are the ones `adapter-lab train` expands. Fields checked against adapter-hub/adapters
// src/adapters/configuration/adapter_config.py (BnConfig, LoRAConfig, PrefixTuningConfig dataclasses) and
// adapter_fusion_config.py (AdapterFusionConfig); `AdapterConfig.load(dict)` picks the class by "architecture".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { exportPython } from '../../src/core/interop/pythonExport';
import { loadBase, loadExperimentData } from '../../src/core/run/experiment';
import { planRuns } from '../../src/core/run/plan';
import { loadExperiment } from '../../src/core/sweep/check';
import { makeWorkspace, tinyConfig } from '../helpers/workspace';

const FIELDS: Record<string, string[]> = {
  bottleneck: [
    'architecture',
    'mh_adapter',
    'output_adapter',
    'reduction_factor',
    'non_linearity',
    'original_ln_before',
    'original_ln_after',
    'ln_before',
    'ln_after',
    'init_weights',
    'is_parallel',
    'scaling',
    'use_gating',
    'residual_before_ln',
    'adapter_residual_before_ln',
    'inv_adapter',
    'inv_adapter_reduction_factor',
    'cross_adapter',
    'leave_out',
    'dropout',
  ],
  lora: [
    'architecture',
    'selfattn_lora',
    'intermediate_lora',
    'output_lora',
    'leave_out',
    'r',
    'alpha',
    'dropout',
    'attn_matrices',
    'composition_mode',
    'init_weights',
    'init_weights_seed',
    'use_gating',
    'vera_d',
    'vera_b',
    'dtype',
  ],
  prefix_tuning: [
    'architecture',
    'encoder_prefix',
    'cross_prefix',
    'leave_out',
    'flat',
    'prefix_length',
    'bottleneck_size',
    'non_linearity',
    'dropout',
    'use_gating',
    'shared_gating',
    'init_weights_seed',
  ],
};
const FUSION_FIELDS = [
  'key',
  'query',
  'value',
  'query_before_ln',
  'regularization',
  'residual_before',
  'temperature',
  'value_before_softmax',
  'value_initialized',
  'dropout_prob',
];

function exported(over: Record<string, unknown>) {
  const { dir, configFile } = makeWorkspace(tinyConfig(over));
  const loaded = loadExperiment(configFile);
  assert.deepEqual(loaded.problems, []);
  const config = loaded.config!;
  const data = loadExperimentData(config);
  const out = path.join(dir, 'python');
  const points = loaded.sweep?.points.map((p) => ({ name: p.name, config: p.config! }));
  const result = exportPython(config, loadBase(config, data), data, out, { points });
  const experiment = JSON.parse(fs.readFileSync(path.join(out, 'experiment.json'), 'utf8'));
  return { config, data, out, result, experiment };
}

const ADAPTERS = {
  mood: { method: 'houlsby', bottleneckSize: 4, adapterDrop: { mode: 'robust' } },
  topic: { method: 'pfeiffer', bottleneckSize: 4 },
  lo: { method: 'lora', task: 'mood', r: 2, alpha: 4 },
  sc: { method: 'ia3', task: 'mood' },
  pre: { method: 'prefix', task: 'mood', prefixLength: 2, bottleneckSize: 4 },
  arc: { method: 'arc', task: 'mood', bottleneckSize: 2 },
};

test('train.py compiles; experiment.json has every run with AdapterHub config fields, the split as JSONL, the base', () => {
  const { config, data, out, result, experiment } = exported({
    adapters: ADAPTERS,
    compositions: { fuse: { setup: 'Fuse(mood, topic)', task: 'mood' }, both: { setup: 'Parallel(mood, topic)' } },
    merges: { avg: { adapters: ['lo', 'lo'], weights: [0.5, 0.5], task: 'mood' } },
  });
  const compiled = spawnSync('python3', ['-m', 'py_compile', path.join(out, 'train.py')], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr);
  // Every run but ARC's (AdapterHub has no ARC), in Adapter Lab's order.
  assert.deepEqual(
    experiment.runs.map((r: { name: string }) => r.name),
    planRuns(config)
      .map((p) => p.name)
      .filter((n) => n !== 'adapter:arc'),
  );
  assert.match(result.notes.join('\n'), /"arc" is ARC/);
  for (const run of experiment.runs.filter((r: { adapter?: unknown }) => r.adapter)) {
    const hub = run.adapter.hub_config as Record<string, unknown>;
    const fields = FIELDS[hub.architecture as string];
    assert.ok(fields, `architecture ${hub.architecture}`);
    for (const key of Object.keys(hub)) assert.ok(fields.includes(key), `${run.name}: "${key}" is not a ${hub.architecture} config field`);
  }
  const mood = experiment.runs.find((r: { name: string }) => r.name === 'adapter:mood');
  assert.deepEqual(mood.adapter.adapterDrop, { mode: 'robust' });
  assert.equal(mood.train.learningRate, 0.01);
  const fuse = experiment.runs.find((r: { name: string }) => r.name === 'composition:fuse');
  assert.equal(fuse.composition.setup, 'Fuse("mood", "topic")');
  assert.deepEqual(fuse.composition.adapters, ['mood', 'topic']);
  for (const key of Object.keys(fuse.composition.fusion)) assert.ok(FUSION_FIELDS.includes(key), `fusion field ${key}`);
  assert.deepEqual(experiment.runs.find((r: { name: string }) => r.name === 'composition:both').composition.tasks, ['mood', 'topic']);
  assert.deepEqual(experiment.runs.find((r: { name: string }) => r.name === 'merge:avg').merge.weights, [0.5, 0.5]);
  // The split: the same rows in the same order, with every task's field.
  for (const part of ['train', 'validation', 'test'] as const) {
    const rows = fs
      .readFileSync(path.join(out, 'data', `${part}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r) => r.text),
      data.rows[part].map((r) => r.text),
    );
    assert.deepEqual(
      rows.map((r) => r.mood),
      data.rows[part].map((r) => r.labels.mood),
    );
  }
  assert.deepEqual(
    experiment.tasks.map((t: { labels: string[] }) => t.labels),
    config.tasks.map((t) => data.labels.get(t.name)),
  );
  // A random base: its config and vocabulary, initialised in Python.
  assert.deepEqual(experiment.base, { path: 'base', random_init: true });
  const baseConfig = JSON.parse(fs.readFileSync(path.join(out, 'base', 'config.json'), 'utf8'));
  assert.equal(baseConfig.num_hidden_layers, 2);
  assert.ok(fs.existsSync(path.join(out, 'base', 'tokenizer.json')));
  assert.ok(!fs.existsSync(path.join(out, 'tune.py')), 'no sweep, no tune.py');
});

test('a sweep: tune.py compiles and points/ holds one experiment per point Adapter Lab expands, with its values', () => {
  const { out, experiment } = exported({
    adapters: { lo: { method: 'lora', task: 'mood', r: 2 } },
    baselines: [],
    sweep: { grid: { 'adapters.lo.r': [2, 4] }, seeds: [1, 2] },
  });
  const compiled = spawnSync('python3', ['-m', 'py_compile', path.join(out, 'tune.py'), path.join(out, 'train.py')], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr);
  const points = fs.readdirSync(path.join(out, 'points')).sort();
  assert.equal(points.length, 4);
  const seen = points.map((p) => {
    const e = JSON.parse(fs.readFileSync(path.join(out, 'points', p), 'utf8'));
    return `${e.runs[0].adapter.hub_config.r}/${e.seed}`;
  });
  assert.deepEqual(seen.sort(), ['2/1', '2/2', '4/1', '4/2']);
  assert.equal(experiment.runs[0].adapter.hub_config.r, 2);
});
