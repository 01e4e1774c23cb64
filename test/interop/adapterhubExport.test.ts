// `export --to adapterhub`: the folders AdapterHub's load_adapter / load_head / load_adapter_fusion read. Names and
// fields checked against adapter-hub/adapters:
//   src/adapters/utils.py L45-53 (commit 00f4f1bc): CONFIG_NAME "adapter_config.json", SAFE_WEIGHTS_NAME
//     "adapter.safetensors", HEAD_CONFIG_NAME "head_config.json", SAFE_HEAD_WEIGHTS_NAME "model_head.safetensors",
//     ADAPTERFUSION_CONFIG_NAME "adapter_fusion_config.json", SAFE_ADAPTERFUSION_WEIGHTS_NAME
//     "model_adapter_fusion.safetensors"; and in later commits SETUP_CONFIG_NAME "adapter_setup.json".
//   src/adapters/loading.py, AdapterLoader._fix_backward_compat: MIN_VERSION = Version("1.1.0"); a LoRA config of a
//     file whose version "adapters.X" is below it gets alpha := r (PR #770).
//   src/adapters/loading.py, AdapterLoader.filter_func: keeps keys holding ".adapters.{name}.", ".loras.{name}.",
//     ".prefix_tunings.{name}.", ".refts.{name}.", ".prompt_tunings.{name}.", ".shared_parameters.{name}.".
//   src/adapters/configuration/adapter_config.py, build_full_config: config, hidden_size, model_class, model_name,
//     model_type, name, version.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkAdapterTensorNames, checkedHubConfig, exportAdapterHub, parseAdaptersVersion } from '../../src/core/interop/adapterhubExport';
import { ExportError, type HubConfigFile, readRunFiles } from '../../src/core/interop/runFiles';
import { setupAsPython } from '../../src/core/interop/setupSyntax';
import { writeSafetensorsFile } from '../../src/core/io/safetensors';
import { backendReady } from '../helpers/tiny';
import { adapterSpec } from '../helpers/tiny';
import { adapterRun, filesOf, fuseRun, lowRank, tempDir } from './helpers';

const lora = lowRank();

before(backendReady);

test('an adapter run exports as AdapterHub files: the names utils.py defines, build_full_config fields, the library version', () => {
  const root = tempDir();
  const run = readRunFiles(adapterRun(root, lora));
  const out = path.join(root, 'out');
  const result = exportAdapterHub(run, out);
  assert.deepEqual(
    result.files.filter((f) => !f.startsWith('adapter_lab/') && f !== 'README.md'),
    [
      'adapter_setup.json',
      'adapters/lo/adapter.safetensors',
      'adapters/lo/adapter_config.json',
      'adapters/lo/head_config.json',
      'adapters/lo/model_head.safetensors',
    ],
  );
  const config = JSON.parse(fs.readFileSync(path.join(out, 'adapters/lo/adapter_config.json'), 'utf8')) as HubConfigFile;
  assert.deepEqual(Object.keys(config).sort(), ['config', 'hidden_size', 'model_class', 'model_name', 'model_type', 'name', 'version']);
  assert.equal(config.model_class, 'BertAdapterModel');
  assert.equal(config.config.architecture, 'lora');
  assert.equal(config.config.alpha, 4);
  assert.ok(parseAdaptersVersion(config.version)![1] >= 1, `version ${config.version} is at least adapters.1.1.0`);
  // The weights are the run's, byte for byte.
  assert.deepEqual(fs.readFileSync(path.join(out, 'adapters/lo/adapter.safetensors')), fs.readFileSync(path.join(run.dir, 'adapters/lo/adapter.safetensors')));
  assert.deepEqual(result.notes, []);
});

test('a file from before adapters 1.1.0 is written with the current version, so AdapterHub keeps its LoRA alpha', () => {
  const old: HubConfigFile = {
    config: { architecture: 'lora', r: 8, alpha: 16 },
    hidden_size: 8,
    model_class: 'BertAdapterModel',
    model_name: 'm',
    model_type: 'bert',
    name: 'a',
    version: 'adapters.1.0.1',
  };
  assert.equal(checkedHubConfig(old, 'x').version, 'adapters.1.1.0');
  assert.equal(checkedHubConfig({ ...old, version: 'adapters.1.2.0' }, 'x').version, 'adapters.1.2.0');
  assert.equal(checkedHubConfig({ ...old, version: '3.2.1' }, 'x').version, 'adapters.1.1.0'); // adapter-transformers' numbering
  assert.throws(() => checkedHubConfig({ ...old, config: {} }, 'x'), /config.architecture/);
});

test('a tensor AdapterHub would not load for the adapter is refused, naming it', () => {
  const dir = tempDir();
  const file = path.join(dir, 'adapter.safetensors');
  const t = { dtype: 'F32' as const, shape: [1], data: new Float32Array(1) };
  writeSafetensorsFile(file, { 'bert.encoder.layer.0.output.adapters.a.adapter_up.weight': t });
  checkAdapterTensorNames(file, 'a', 'bert');
  writeSafetensorsFile(file, { 'bert.encoder.layer.0.output.adapters.b.adapter_up.weight': t });
  assert.throws(
    () => checkAdapterTensorNames(file, 'a', 'bert'),
    (e: Error) => e instanceof ExportError && /adapters\.b\.adapter_up/.test(e.message),
  );
});

test('a Fuse composition exports its adapters, fusion folder, head and adapter_setup.json', () => {
  const root = tempDir();
  const run = readRunFiles(fuseRun(root, adapterSpec({ name: 'x' }), adapterSpec({ name: 'y', method: 'pfeiffer' })));
  const out = path.join(root, 'out');
  exportAdapterHub(run, out);
  const files = [...filesOf(out).keys()].sort();
  for (const f of [
    'adapters/x/adapter_config.json',
    'adapters/y/adapter.safetensors',
    'fusion/x,y/adapter_fusion_config.json',
    'fusion/x,y/model_adapter_fusion.safetensors',
    'heads/t/head_config.json',
    'heads/t/model_head.safetensors',
    'adapter_setup.json',
  ])
    assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  assert.match(fs.readFileSync(path.join(out, 'README.md'), 'utf8'), /set_active_adapters\(Fuse\("x", "y"\)\)/);
});

test('mean-pooled tasks are flagged: AdapterHub heads read [CLS]', () => {
  const root = tempDir();
  const run = readRunFiles(adapterRun(root, lora, 'mean'));
  assert.match(exportAdapterHub(run, path.join(root, 'out')).notes.join(), /task t pooled the mean/);
});

test('ARC has no AdapterHub method and is refused here (the CLI merges it into the base)', () => {
  const root = tempDir();
  const run = readRunFiles(adapterRun(root, { name: 'r', method: 'arc', task: 't', leaveOut: [], reductionFactor: 2 }));
  assert.throws(() => exportAdapterHub(run, path.join(root, 'out')), /ARC/);
});

test('setup strings become adapters.composition expressions', () => {
  assert.equal(setupAsPython('Stack(domain, Fuse(sentiment, genre))'), 'Stack("domain", Fuse("sentiment", "genre"))');
  assert.equal(setupAsPython('Split(a-1, b, splits=[4, 60])'), 'Split("a-1", "b", splits=[4, 60])');
  assert.equal(setupAsPython('Average(a, b, weights=[0.7, 0.3])'), 'Average("a", "b", weights=[0.7, 0.3])');
  assert.equal(setupAsPython('sentiment'), '"sentiment"');
});
