// `export --to peft`: the folder PEFT's PeftModel.from_pretrained reads. Names checked against huggingface/peft:
//   src/peft/utils/save_and_load.py (commit 000b5847), get_peft_model_state_dict: LoRA keeps keys holding "lora_";
//     remove_adapter_name turns "….lora_A.default.weight" into "….lora_A.weight"; prompt learning saves
//     "prompt_embeddings"; the key prefix is "base_model." for prompt learning and "base_model.model." otherwise
//     (the TP branch spells both out).
//   src/peft/utils/other.py, ModulesToSaveWrapper.adapter_state_dict: a module in modules_to_save is saved under its
//     own name ("….classifier.weight").
//   src/peft/tuners/ia3/layer.py, Linear: ia3_l is [out_features, 1] unless is_feedforward ([1, in_features]), and
//     scales the base layer's output.
//   src/peft/tuners/prefix_tuning/model.py + peft_model.py get_prompt: past_key_values.view(batch, P, layers·2,
//     heads, head_dim).permute([2, 0, 3, 1, 4]).split(2) — AdapterHub's PrefixTuning views control_trans the same.
//   docs/source/developer_guides/checkpoint.md: adapter_model.safetensors + adapter_config.json.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { createAdapter } from '../../src/core/adapters/modules/index';
import type { PrefixAdapter } from '../../src/core/adapters/modules/prefix';
import type { AdapterSpec } from '../../src/core/config/types';
import { readRunFiles, type HubConfigFile } from '../../src/core/interop/runFiles';
import { exportPeft, flatPrefix, NotExportable, peftRefusal, targetModules } from '../../src/core/interop/peftExport';
import { saveAdapter } from '../../src/core/io/adapterhub';
import { TINY, adapterSpec, backendReady } from '../helpers/tiny';
import { BASE, INFO, adapterRun, fuseRun, lowRank, tempDir, tensorsOf } from './helpers';

before(backendReady);

function exported(spec: AdapterSpec) {
  const root = tempDir();
  const runDir = adapterRun(root, spec);
  const out = path.join(root, 'peft');
  const result = exportPeft(readRunFiles(runDir), BASE, out);
  return {
    runDir,
    result,
    config: JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8')) as Record<string, unknown>,
    tensors: tensorsOf(path.join(out, 'adapter_model.safetensors')),
    ours: tensorsOf(path.join(runDir, 'adapters', spec.name, 'adapter.safetensors')),
    head: tensorsOf(path.join(runDir, 'adapters', spec.name, 'model_head.safetensors')),
  };
}

test('LoRA: PEFT keys and shapes, the same numbers, the config PEFT reads, the head as modules_to_save', () => {
  const { config, tensors, ours, head, result } = exported(lowRank());
  const lora = [...tensors.keys()].filter((k) => k.includes('lora_')).sort();
  assert.deepEqual(lora, [
    'base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight',
    'base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.weight',
    'base_model.model.bert.encoder.layer.0.attention.self.value.lora_A.weight',
    'base_model.model.bert.encoder.layer.0.attention.self.value.lora_B.weight',
    'base_model.model.bert.encoder.layer.1.attention.self.query.lora_A.weight',
    'base_model.model.bert.encoder.layer.1.attention.self.query.lora_B.weight',
    'base_model.model.bert.encoder.layer.1.attention.self.value.lora_A.weight',
    'base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight',
  ]);
  // lora_A [r, in], lora_B [out, r] in both libraries: copied, not transposed.
  const a = tensors.get('base_model.model.bert.encoder.layer.1.attention.self.value.lora_A.weight')!;
  const ourA = ours.get('bert.encoder.layer.1.attention.self.value.loras.lo.lora_A')!;
  assert.deepEqual(a.shape, [2, TINY.hiddenSize]);
  assert.deepEqual([...a.data], [...ourA.data]);
  assert.deepEqual([...tensors.get('base_model.model.bert.pooler.dense.weight')!.data], [...head.get('heads.t.1.weight')!.data]);
  assert.deepEqual([...tensors.get('base_model.model.classifier.bias')!.data], [...head.get('heads.t.4.bias')!.data]);
  assert.equal(config.peft_type, 'LORA');
  assert.equal(config.task_type, 'SEQ_CLS');
  assert.equal(config.r, 2);
  assert.equal(config.lora_alpha, 4);
  assert.deepEqual(config.target_modules, ['query', 'value']);
  assert.deepEqual(config.modules_to_save, ['classifier', 'pooler']);
  assert.equal(config.base_model_name_or_path, 'base');
  assert.ok(result.files.includes('adapter_lab/run.json'));
});

test('IA³: ia3_l [out, 1] on the layers it scales, alpha folded in', () => {
  const { config, tensors, ours } = exported(
    lowRank({ method: 'ia3', r: 1, alpha: 2, attnMatrices: ['k', 'v'], intermediateLora: true } as Partial<AdapterSpec>),
  );
  const l = tensors.get('base_model.model.bert.encoder.layer.0.intermediate.dense.ia3_l')!;
  assert.deepEqual(l.shape, [TINY.intermediateSize, 1]);
  const ourL = ours.get('bert.encoder.layer.0.intermediate.dense.loras.lo.lora_B')!;
  assert.deepEqual(
    [...l.data],
    [...(ourL.data as Float32Array)].map((v) => Math.fround(v * 2)),
  );
  assert.equal(config.peft_type, 'IA3');
  assert.deepEqual(config.target_modules, ['key', 'value', 'intermediate.dense']);
  assert.deepEqual(config.feedforward_modules, []);
});

test('target_modules is a full-match pattern when a short name would pick more (output.dense) or a layer is left out', () => {
  const all = [0, 1].flatMap((i) =>
    ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'intermediate.dense', 'output.dense'].map(
      (m) => `bert.encoder.layer.${i}.${m}`,
    ),
  );
  const picked = (target: string | string[]) =>
    all.filter((m) => (typeof target === 'string' ? new RegExp(`^(?:${target})$`).test(m) : target.some((t) => m === t || m.endsWith(`.${t}`))));
  const out = ['bert.encoder.layer.0.output.dense', 'bert.encoder.layer.1.output.dense'];
  assert.deepEqual(picked(targetModules(out, 'bert.encoder.layer', [0, 1], 2)), out);
  const one = ['bert.encoder.layer.1.attention.self.query'];
  assert.deepEqual(picked(targetModules(one, 'bert.encoder.layer', [1], 2)), one);
  assert.deepEqual(targetModules(['bert.encoder.layer.0.attention.self.query', 'bert.encoder.layer.1.attention.self.query'], 'bert.encoder.layer', [0, 1], 2), [
    'query',
  ]);
});

test('prefix tuning: prompt_embeddings [P, layers·2·d] equal to the prefix the MLP computes (AdapterHub eject)', () => {
  const spec = {
    name: 'p',
    method: 'prefix',
    task: 't',
    leaveOut: [],
    prefixLength: 3,
    bottleneckSize: 5,
    nonLinearity: 'tanh',
    dropout: 0,
    flat: false,
  } as AdapterSpec;
  const { config, tensors } = exported(spec);
  const width = TINY.layers * 2 * TINY.hiddenSize;
  const embeddings = tensors.get('prompt_embeddings')!;
  assert.deepEqual(embeddings.shape, [3, width]);
  assert.ok(tensors.has('base_model.classifier.weight'), 'prompt-learning models keep the head under base_model.');
  assert.equal(config.peft_type, 'PREFIX_TUNING');
  assert.equal(config.num_virtual_tokens, 3);
  assert.equal(config.num_layers, TINY.layers);
  assert.equal(config.num_attention_heads, TINY.heads);
  assert.equal(config.token_dim, TINY.hiddenSize);
  assert.equal(config.prefix_projection, false);
  // flatPrefix on the saved MLP against the module's own eject (TensorFlow.js), for every activation.
  for (const nonLinearity of ['tanh', 'relu', 'gelu', 'swish'] as const) {
    const module = createAdapter({ ...spec, nonLinearity } as AdapterSpec, TINY, 3) as PrefixAdapter;
    const dir = tempDir();
    saveAdapter(dir, module, INFO);
    const hub = JSON.parse(fs.readFileSync(path.join(dir, 'adapter_config.json'), 'utf8')) as HubConfigFile;
    const flat = flatPrefix(tensorsOf(path.join(dir, 'adapter.safetensors')) as never, hub.config, width);
    module.eject();
    const ejected = module.weights.get('bert.prefix_tuning.prefix_tunings.p.self_prefix.control_trans').dataSync();
    module.weights.dispose();
    assert.equal(flat.length, ejected.length);
    const worst = Math.max(...flat.map((v, i) => Math.abs(v - ejected[i])));
    assert.ok(worst < 1e-5, `${nonLinearity}: largest difference ${worst}`);
  }
});

test('bottleneck adapters, VeRA, compositions and a prefix that leaves out layers are refused with the reason', () => {
  const root = tempDir();
  const refusal = (runDir: string) => peftRefusal(readRunFiles(runDir));
  assert.match(refusal(adapterRun(root, adapterSpec({ name: 'h' })))!, /no bottleneck adapters \(huggingface\/peft#244\)/);
  assert.match(refusal(fuseRun(tempDir(), adapterSpec({ name: 'x' }), adapterSpec({ name: 'y' })))!, /no composition blocks/);
  assert.match(refusal(adapterRun(tempDir(), lowRank({ method: 'vera', veraD: 0.1, veraB: 0 } as Partial<AdapterSpec>)))!, /VeRA/);
  const prefixRun = adapterRun(tempDir(), {
    name: 'p',
    method: 'prefix',
    task: 't',
    leaveOut: [0],
    prefixLength: 2,
    bottleneckSize: 3,
    nonLinearity: 'tanh',
    dropout: 0,
    flat: false,
  } as AdapterSpec);
  assert.throws(
    () => exportPeft(readRunFiles(prefixRun), BASE, path.join(tempDir(), 'o')),
    (e: Error) => e instanceof NotExportable && /every layer/.test(e.message),
  );
});
