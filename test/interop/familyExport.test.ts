// Export of adapters trained on RoBERTa, XLM-R, DistilBERT and ELECTRA bases: AdapterHub's model class, PEFT's keys
// under the family's module names, and HF's own classification head of the family. Names checked against
// huggingface/transformers (v4.46 modeling files):
//   modeling_roberta.py / modeling_xlm_roberta.py: <Type>ForSequenceClassification keeps `self.roberta` (no pooler:
//     add_pooling_layer=False) and `self.classifier = <Type>ClassificationHead` = dense (d, d) → tanh → out_proj
//     (d, labels) on features[:, 0, :].
//   modeling_electra.py: `self.electra`, ElectraClassificationHead = dense → get_activation("gelu") → out_proj.
//   modeling_distilbert.py: `self.distilbert`, pre_classifier (d, d) → nn.ReLU → classifier; the layers are
//     distilbert.transformer.layer.{i}.attention.{q,k,v,out}_lin and ffn.lin1 / ffn.lin2.
// and against huggingface/peft src/peft/peft_model.py PeftModelForSequenceClassification: modules_to_save is
// extended with ["classifier", "score"] only, so DistilBERT's pre_classifier must be listed; tuners_utils.py
// check_target_module_exists: a string list matches a module name's end (`key.endswith(f".{target_key}")`).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { exportAdapterHub } from '../../src/core/interop/adapterhubExport';
import { importFolder } from '../../src/core/interop/importFolder';
import { EXPORT_MODEL_TYPES, modelTypeNames } from '../../src/core/interop/modelTypes';
import { exportPeft } from '../../src/core/interop/peftExport';
import { readRunFiles } from '../../src/core/interop/runFiles';
import { MODEL_TYPES } from '../../src/core/io/hfFamilies';
import { listRuns } from '../../src/core/io/runStore';
import { backendReady } from '../helpers/tiny';
import { BASE, adapterRun, filesOf, lowRank, tempDir, tensorsOf } from './helpers';

const lora = lowRank({ intermediateLora: true });

before(backendReady);

interface Expected {
  loraKey: string; // layer 1's value projection, lora_A
  target: string[];
  modulesToSave: string[];
  dense: string;
  classifier: string;
  activationNote: RegExp | undefined;
}

// XLM-R is RoBERTa's layout under RoBERTa's module names.
const ROBERTA: Expected = {
  loraKey: 'base_model.model.roberta.encoder.layer.1.attention.self.value.lora_A.weight',
  target: ['query', 'value', 'intermediate.dense'],
  modulesToSave: ['classifier'],
  dense: 'classifier.dense',
  classifier: 'classifier.out_proj',
  activationNote: undefined,
};

const EXPECTED: Record<string, Expected> = {
  roberta: ROBERTA,
  'xlm-roberta': ROBERTA,
  electra: {
    loraKey: 'base_model.model.electra.encoder.layer.1.attention.self.value.lora_A.weight',
    target: ['query', 'value', 'intermediate.dense'],
    modulesToSave: ['classifier'],
    dense: 'classifier.dense',
    classifier: 'classifier.out_proj',
    activationNote: /GELU between classifier\.dense and classifier\.out_proj/,
  },
  distilbert: {
    loraKey: 'base_model.model.distilbert.transformer.layer.1.attention.v_lin.lora_A.weight',
    target: ['q_lin', 'v_lin', 'ffn.lin1'],
    modulesToSave: ['pre_classifier', 'classifier'],
    dense: 'pre_classifier',
    classifier: 'classifier',
    activationNote: /RELU between pre_classifier and classifier/,
  },
};

test('every family Adapter Lab loads has export names', () => {
  assert.deepEqual([...EXPORT_MODEL_TYPES].sort(), [...MODEL_TYPES].sort());
  assert.equal(modelTypeNames('distilbert').layerPath, 'distilbert.transformer.layer');
  assert.equal(modelTypeNames('xlm-roberta').adapterModelClass, 'XLMRobertaAdapterModel');
});

for (const [type, expected] of Object.entries(EXPECTED)) {
  test(`${type}: PEFT keys under the family's modules, HF's head of the family, and back byte for byte`, () => {
    const root = tempDir();
    const runDir = adapterRun(root, lora, 'cls', type);
    const out = path.join(root, 'peft');
    const result = exportPeft(readRunFiles(runDir), BASE, out);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    const tensors = tensorsOf(path.join(out, 'adapter_model.safetensors'));
    const ours = tensorsOf(path.join(runDir, 'adapters', 'lo', 'adapter.safetensors'));
    const head = tensorsOf(path.join(runDir, 'adapters', 'lo', 'model_head.safetensors'));

    assert.ok(tensors.has(expected.loraKey), `no ${expected.loraKey} in ${[...tensors.keys()].join(', ')}`);
    // Every low-rank tensor sits under the family's layer list and holds the numbers of the adapter file.
    const layerPath = modelTypeNames(type).layerPath;
    const lowRank = [...tensors.keys()].filter((k) => k.includes('lora_'));
    assert.equal(lowRank.length, 2 * 2 * 3); // layers × (A, B) × (q, v, intermediate)
    for (const key of lowRank) {
      assert.ok(key.startsWith(`base_model.model.${layerPath}.`), key);
      const module = key.replace(/^base_model\.model\./, '').replace(/\.(lora_[AB])\.weight$/, '');
      const part = /lora_[AB]/.exec(key)![0];
      assert.deepEqual([...tensors.get(key)!.data], [...ours.get(`${module}.loras.lo.${part}`)!.data], key);
    }
    assert.deepEqual(config.target_modules, expected.target);
    assert.deepEqual(config.modules_to_save, expected.modulesToSave);
    assert.deepEqual([...tensors.get(`base_model.model.${expected.dense}.weight`)!.data], [...head.get('heads.t.1.weight')!.data]);
    assert.deepEqual([...tensors.get(`base_model.model.${expected.classifier}.bias`)!.data], [...head.get('heads.t.4.bias')!.data]);
    const note = result.notes.find((n) => /applies/.test(n));
    if (expected.activationNote) assert.match(note ?? '', expected.activationNote);
    else assert.equal(note, undefined);

    // Back as a run: the same adapter and head files.
    const back = importFolder(out, path.join(root, 'runs'));
    const original = filesOf(path.join(runDir, 'adapters'));
    const imported = filesOf(path.join(back.runDir, 'adapters'));
    for (const [file, bytes] of original) assert.ok(bytes.equals(imported.get(file)!), `${file} differs after the round trip`);
  });

  test(`${type}: a PEFT folder trained in Python (no adapter_lab/ record) is read as ${type}`, () => {
    const root = tempDir();
    const out = path.join(root, 'peft');
    exportPeft(readRunFiles(adapterRun(root, lora, 'cls', type)), BASE, out);
    fs.rmSync(path.join(out, 'adapter_lab'), { recursive: true });
    const back = importFolder(out, path.join(root, 'runs'));
    const hub = JSON.parse(fs.readFileSync(path.join(back.runDir, 'adapters', 'peft', 'adapter_config.json'), 'utf8')) as {
      model_type: string;
      model_class: string;
      config: Record<string, unknown>;
    };
    // XLM-R keeps RoBERTa's module names: nothing in the keys tells the two apart, and they load alike.
    assert.equal(hub.model_type, type === 'xlm-roberta' ? 'roberta' : type);
    assert.deepEqual(hub.config.attn_matrices, ['q', 'v']);
    assert.equal(hub.config.intermediate_lora, true);
    assert.equal(hub.config.output_lora, false);
    assert.deepEqual(hub.config.leave_out, []);
    assert.equal(listRuns(path.join(root, 'runs')).runs.length, 1);
    const head = tensorsOf(path.join(back.runDir, 'adapters', 'peft', 'model_head.safetensors'));
    assert.deepEqual([...head.keys()].sort(), ['heads.task.1.bias', 'heads.task.1.weight', 'heads.task.4.bias', 'heads.task.4.weight']);
  });

  test(`${type}: AdapterHub export names the family's model class`, () => {
    const root = tempDir();
    const out = path.join(root, 'hub');
    exportAdapterHub(readRunFiles(adapterRun(root, lora, 'cls', type)), out);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'adapters', 'lo', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.model_class, modelTypeNames(type).adapterModelClass);
    assert.equal(config.model_type, type);
    assert.match(fs.readFileSync(path.join(out, 'README.md'), 'utf8'), new RegExp(`from adapters import ${modelTypeNames(type).adapterModelClass}`));
  });
}
