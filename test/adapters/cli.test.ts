// Every adapter method trains through the CLI and saves AdapterHub files; inspect prints each method's count.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensorsFile } from '../../src/core/io/safetensors';
import { readRun, readSummary } from '../../src/core/io/runStore';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

test('lora, ia3, arc and prefix adapters train, save AdapterHub files, and compose with Parallel', () => {
  const { dir, configFile } = makeWorkspace(
    tinyConfig({
      adapters: {
        lo: { method: 'lora', task: 'mood', r: 2 },
        ia: { method: 'ia3', task: 'topic' },
        ar: { method: 'arc', task: 'mood', bottleneckSize: 3, adapterDrop: { mode: 'specialised', layers: 1 } },
        pr: { method: 'prefix', task: 'mood', prefixLength: 4, bottleneckSize: 8 },
      },
      compositions: { both: { setup: 'Parallel(lo, ia)' }, prefixed: { setup: 'Parallel(pr, ia)' } },
      baselines: [],
      train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 1, adapter: { learningRate: 0.01 } },
    }),
  );
  const inspect = runCli(['inspect', configFile], dir);
  assert.equal(inspect.status, 0, inspect.stderr);
  assert.match(inspect.stdout, /│ lo\s+│ lora/);
  assert.match(inspect.stdout, /composition:both {2}Parallel\(lo, ia\) {2}→ mood, topic/);

  const r = runCli(['train', configFile], dir);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const runsDir = path.join(dir, '.adapterlab/runs');
  const runs = new Map(fs.readdirSync(runsDir).map((id) => [readRun(path.join(runsDir, id)).name, path.join(runsDir, id)]));
  const tensors = (run: string, adapter: string) => readSafetensorsFile(path.join(runs.get(run)!, 'adapters', adapter, 'adapter.safetensors')).tensors;
  assert.deepEqual(tensors('adapter:lo', 'lo').get('bert.encoder.layer.1.attention.self.value.loras.lo.lora_A')?.shape, [2, 16]);
  assert.deepEqual(tensors('adapter:ia', 'ia').get('bert.encoder.layer.0.intermediate.dense.loras.ia.lora_B')?.shape, [32, 1]);
  assert.deepEqual(tensors('adapter:ar', 'ar').get('bert.arc.ar.attention.down_projection')?.shape, [16, 3]);
  assert.deepEqual(tensors('adapter:pr', 'pr').get('bert.prefix_tuning.prefix_tunings.pr.self_prefix.control_trans.2.weight')?.shape, [2 * 2 * 16, 8]);
  assert.deepEqual(
    tensors('composition:prefixed', 'pr').get('bert.prefix_tuning.prefix_tunings.pr.self_prefix.control_trans')?.shape,
    [4 * 2 * 2 * 16],
    'frozen in a composition: ejected, flat',
  );
  const config = JSON.parse(fs.readFileSync(path.join(runs.get('adapter:lo')!, 'adapters/lo/adapter_config.json'), 'utf8'));
  assert.deepEqual([config.config.architecture, config.config.r, config.config.attn_matrices], ['lora', 2, ['q', 'v']]);
  // trainable parameters: adapter + head, by the methods' formulas (d = 16, ff = 32, L = 2, head 16·16+16+16·2+2)
  const head = 16 * 16 + 16 + 16 * 2 + 2;
  assert.equal(readSummary(runs.get('adapter:lo')!)!.trainableParams, 2 * 2 * 2 * (16 + 16) + head);
  assert.equal(readSummary(runs.get('adapter:ia')!)!.trainableParams, 2 * (16 + 16 + 32) + head);
  assert.equal(readSummary(runs.get('adapter:ar')!)!.trainableParams, 2 * 16 * 3 + 2 * 2 * (3 + 16) + head);
  // prefix (AdapterHub): wte P·d + control_trans.0 d·b + b + control_trans.2 b·n·2d + n·2d
  assert.equal(readSummary(runs.get('adapter:pr')!)!.trainableParams, 4 * 16 + 16 * 8 + 8 + 8 * 2 * 2 * 16 + 2 * 2 * 16 + head);
  const both = readSummary(runs.get('composition:both')!)!;
  for (const [task, adapter] of [
    ['mood', 'lo'],
    ['topic', 'ia'],
  ]) {
    assert.equal(both.test[task].accuracy, readSummary(runs.get(`adapter:${adapter}`)!)!.test[task].accuracy);
  }
  assert.equal(readSummary(runs.get('composition:prefixed')!)!.test.mood.accuracy, readSummary(runs.get('adapter:pr')!)!.test.mood.accuracy);
});
