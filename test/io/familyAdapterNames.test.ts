// Adapters trained on a RoBERTa, DistilBERT or ELECTRA base are saved under the tensor names AdapterHub's `adapters`
// gives them in that model type, with that model type and class in adapter_config.json, and load back unchanged.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAdapter } from '../../src/core/adapters/modules/index';
import { loadAdapter } from '../../src/core/adapters/load';
import type { AdapterSpec, AdapterSpecOf } from '../../src/core/config/types';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, saveAdapter, saveFusion } from '../../src/core/io/adapterhub';
import { readSafetensorsFile } from '../../src/core/io/safetensors';
import { FusionLayer } from '../../src/core/composition/fusion';
import { FAMILIES } from '../../src/core/io/hfFamilies';
import { bertWeightShapes } from '../../src/core/model/shapes';
import { TINY, adapterSpec, backendReady } from '../helpers/tiny';

before(backendReady);

const dims = { hiddenSize: TINY.hiddenSize, intermediateSize: TINY.intermediateSize, layers: TINY.layers };
const common = { task: 't', leaveOut: [] as number[] };
const lora: AdapterSpecOf<'lora'> = {
  ...common,
  name: 'lo',
  method: 'lora',
  r: 2,
  alpha: 4,
  attnMatrices: ['q', 'v'],
  intermediateLora: true,
  outputLora: true,
};
const prefix: AdapterSpecOf<'prefix'> = {
  ...common,
  name: 'pr',
  method: 'prefix',
  prefixLength: 3,
  bottleneckSize: 5,
  nonLinearity: 'tanh',
  dropout: 0,
  flat: false,
};

function savedNames(spec: AdapterSpec, modelType: string): { names: string[]; config: Record<string, unknown>; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'family-names-'));
  const module = createAdapter(spec, dims, 3);
  saveAdapter(dir, module, { modelName: 'tiny', hiddenSize: dims.hiddenSize, modelType });
  module.weights.dispose();
  const names = [...readSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_FILE)).tensors.keys()].sort();
  return { names, config: JSON.parse(fs.readFileSync(path.join(dir, ADAPTER_CONFIG_FILE), 'utf8')), dir };
}

test('DistilBERT: bottleneck adapters in attention_adapters / output_adapters, LoRA inside q_lin … ffn.lin2, prefix under distilbert.', () => {
  // adapters src/adapters/models/distilbert/mixin_distilbert.py: DistilBertTransfomerBlockAdaptersMixin.init_adapters
  // sets self.attention_adapters = BottleneckLayer("mh_adapter"), self.output_adapters = BottleneckLayer("output_adapter"),
  // wraps ffn.lin1 / ffn.lin2 with LoRALinear; DistilBertMultiHeadSelfAttentionMixin wraps q_lin, k_lin, v_lin.
  const houlsby = savedNames(adapterSpec({ name: 'ho', method: 'houlsby' }), 'distilbert');
  assert.ok(houlsby.names.includes('distilbert.transformer.layer.0.attention_adapters.adapters.ho.adapter_down.0.weight'), houlsby.names.join());
  assert.ok(houlsby.names.includes('distilbert.transformer.layer.1.output_adapters.adapters.ho.adapter_up.bias'), houlsby.names.join());
  assert.deepEqual(
    houlsby.names.filter((n) => !n.startsWith('distilbert.transformer.layer.')),
    [],
  );
  assert.equal(houlsby.config.model_type, 'distilbert');
  assert.equal(houlsby.config.model_class, 'DistilBertAdapterModel');

  const lo = savedNames(lora, 'distilbert');
  for (const linear of ['attention.q_lin', 'attention.v_lin', 'ffn.lin1', 'ffn.lin2']) {
    assert.ok(lo.names.includes(`distilbert.transformer.layer.0.${linear}.loras.lo.lora_A`), `${linear}: ${lo.names.join()}`);
  }
  assert.ok(savedNames(prefix, 'distilbert').names.every((n) => n.startsWith('distilbert.prefix_tuning.prefix_tunings.pr.')));
});

test('RoBERTa, XLM-R and ELECTRA keep BERT layout under their own prefix and name their model class', () => {
  // adapters: RobertaAdapterModel / XLMRobertaAdapterModel (base_model_prefix "roberta"), ElectraAdapterModel ("electra")
  for (const [modelType, prefixName, modelClass] of [
    ['roberta', 'roberta', 'RobertaAdapterModel'],
    ['xlm-roberta', 'roberta', 'XLMRobertaAdapterModel'],
    ['electra', 'electra', 'ElectraAdapterModel'],
  ]) {
    const saved = savedNames(lora, modelType);
    assert.ok(saved.names.includes(`${prefixName}.encoder.layer.1.attention.self.query.loras.lo.lora_B`), saved.names.join());
    assert.deepEqual([saved.config.model_type, saved.config.model_class], [modelType, modelClass]);
  }
});

test('every family maps each base weight name there and back (base checkpoints and AdapterHub files share the map)', () => {
  const config = { ...TINY, typeVocabSize: 0, embeddingSize: 4 };
  const ours = [
    ...bertWeightShapes(config).keys(),
    'bert.encoder.layer.1.attention.self.arc.a.scale',
    'bert.encoder.layer.0.output.adapter_fusion_layer.f.query.weight',
  ];
  for (const family of FAMILIES) {
    for (const name of ours) assert.equal(family.fromFamilyName(family.toFamilyName(name)), name, `${family.modelTypes[0]}: ${name}`);
  }
  const distil = FAMILIES.find((f) => f.modelTypes.includes('distilbert'))!;
  assert.equal(distil.toFamilyName('bert.encoder.layer.1.attention.output.dense.weight'), 'distilbert.transformer.layer.1.attention.out_lin.weight');
  assert.equal(distil.toFamilyName('bert.encoder.layer.1.output.LayerNorm.bias'), 'distilbert.transformer.layer.1.output_layer_norm.bias');
});

test('every method saved for a DistilBERT base loads back with identical values', () => {
  for (const spec of [adapterSpec({ name: 'ho', method: 'houlsby' }), adapterSpec({ name: 'pa', method: 'parallel' }), lora, prefix] as AdapterSpec[]) {
    const { dir } = savedNames(spec, 'distilbert');
    const original = readSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_FILE)).tensors;
    const loaded = loadAdapter(dir, spec, dims);
    const again = fs.mkdtempSync(path.join(os.tmpdir(), 'family-names-'));
    saveAdapter(again, loaded, { modelName: 'tiny', hiddenSize: dims.hiddenSize, modelType: 'distilbert' });
    loaded.weights.dispose();
    const reread = readSafetensorsFile(path.join(again, ADAPTER_WEIGHTS_FILE)).tensors;
    assert.deepEqual([...reread.keys()].sort(), [...original.keys()].sort());
    for (const [name, t] of original) assert.deepEqual(reread.get(name)!.data, t.data, `${spec.method}: ${name}`);
  }
});

test("a fusion on DistilBERT is saved in output_adapters.adapter_fusion_layer, as AdapterHub's BottleneckLayer holds it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'family-fusion-'));
  const fusion = new FusionLayer(
    'a,b',
    { temperature: false, regularization: true, valueInitialized: true },
    dims.hiddenSize,
    [{ layer: 1, position: 'output' }],
    1,
  );
  saveFusion(dir, 'a,b', fusion.spec, fusion.weights, { modelName: 'tiny', hiddenSize: dims.hiddenSize, modelType: 'distilbert' });
  fusion.weights.dispose();
  const names = [...readSafetensorsFile(path.join(dir, 'model_adapter_fusion.safetensors')).tensors.keys()];
  assert.ok(names.includes('distilbert.transformer.layer.1.output_adapters.adapter_fusion_layer.a,b.query.weight'), names.join());
});
