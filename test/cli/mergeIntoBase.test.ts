// `adapter-lab merge-into-base`: LoRA, IA³ and ARC runs folded into the base; the written Hugging Face folder, loaded
// as a plain encoder, gives what the unmerged adapter gives (checked here independently of the command's own check),
// and a config can use it as its base. A bottleneck adapter is refused with the methods that can be merged.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadAdapter } from '../../src/core/adapters/load';
import type { ExperimentConfig } from '../../src/core/config/types';
import { loadBase, loadExperimentData } from '../../src/core/run/experiment';
import { loadEncoderCheckpoint } from '../../src/core/io/hfEncoder';
import { readRun } from '../../src/core/io/runStore';
import { AdapterSetup } from '../../src/core/composition/setup';
import { BertEncoder } from '../../src/core/model/bert';
import { Weights } from '../../src/core/model/weights';
import { backendReady } from '../helpers/tiny';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(async () => {
  requireBuild();
  await backendReady();
});

test('lora, ia3 and arc merged into the base give the adapter’s outputs; the folder works as a base; houlsby is refused', () => {
  const adapters = {
    lo: { method: 'lora', task: 'mood', r: 2, alpha: 4, attnMatrices: ['q', 'k', 'v'], intermediateLora: true },
    ia: { method: 'ia3', task: 'topic' },
    ar: { method: 'arc', task: 'mood', bottleneckSize: 3 },
    ho: { method: 'houlsby', task: 'mood', bottleneckSize: 4 },
  };
  const config = tinyConfig({ adapters, baselines: [], train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 2, adapter: { learningRate: 0.05 } } });
  const { dir, configFile } = makeWorkspace(config);
  const trained = runCli(['train', configFile], dir);
  assert.equal(trained.status, 0, trained.stderr + trained.stdout);
  const runsDir = path.join(dir, '.adapterlab/runs');
  const runs = new Map(fs.readdirSync(runsDir).map((id) => [readRun(path.join(runsDir, id)).name, path.join(runsDir, id)]));

  for (const name of ['lo', 'ia', 'ar']) {
    const runDir = runs.get(`adapter:${name}`)!;
    const out = path.join(dir, `merged-${name}`);
    const r = runCli(['merge-into-base', runDir, '--out', out, '--json', '--repeats', '1'], dir);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.ok(report.maxLogitDifference < 1e-5, `${name}: the command's own check, ${report.maxLogitDifference}`);
    assert.equal(report.accuracy.merged, report.accuracy.adapter);
    assert.ok(report.msPerExample.merged > 0 && report.msPerExample.adapter > 0);
    assert.ok(fs.existsSync(path.join(out, 'heads', adapters[name as 'lo'].task, 'model_head.safetensors')));

    // Independently: the saved folder as a plain encoder vs the base + the run's adapter file.
    const merged = loadEncoderCheckpoint(out);
    const snapshot = readRun(runDir).config as ExperimentConfig;
    const spec = snapshot.adapters.find((a) => a.name === name)!;
    // The experiment's random base, rebuilt from the run's config snapshot (seeded).
    const base = new BertEncoder(merged.config, new Weights(loadBase(snapshot, loadExperimentData(snapshot)).values));
    const adapter = loadAdapter(path.join(runDir, 'adapters', name), spec, merged.config);
    const ids = tf.tensor2d(
      [
        [2, 7, 9, 11, 3, 0],
        [2, 12, 5, 3, 0, 0],
      ],
      undefined,
      'int32',
    );
    const input = { ids, typeIds: tf.zerosLike(ids) as tf.Tensor2D, mask: tf.cast(tf.greater(ids, 0), 'float32') as tf.Tensor2D };
    const plain = new BertEncoder(merged.config, new Weights(merged.values)).forward(input, { trainBase: false, dropoutRate: 0, dropoutSeed: null });
    const withAdapter = base.forward(input, {
      trainBase: false,
      dropoutRate: 0,
      dropoutSeed: null,
      ...AdapterSetup.single(adapter, merged.config.layers).forwardOptions(0, null),
    });
    const unchanged = base.forward(input, { trainBase: false, dropoutRate: 0, dropoutSeed: null });
    assert.ok(tf.max(tf.abs(tf.sub(plain, withAdapter))).dataSync()[0] < 1e-5, `${name}: merged = base + adapter`);
    assert.ok(tf.max(tf.abs(tf.sub(plain, unchanged))).dataSync()[0] > 1e-4, `${name}: the adapter trained and changes the output`);
  }

  // The folder is a base like any other: a config naming it checks and trains a head-only run on it.
  const onMerged = makeWorkspace({ ...config, base: { path: path.join(dir, 'merged-lo') }, adapters: {}, baselines: ['head-only'], tasks: { mood: {} } });
  const headOnly = runCli(['train', onMerged.configFile], onMerged.dir);
  assert.equal(headOnly.status, 0, headOnly.stderr + headOnly.stdout);

  const refused = runCli(['merge-into-base', runs.get('adapter:ho')!], dir);
  assert.equal(refused.status, 2);
  assert.match(
    refused.stderr,
    /adapter "ho" \(houlsby\) is not a linear change of the frozen weights, so it cannot be merged into them; lora, ia3 and arc adapters can/,
  );
});
