// `adapter-lab export <run> --to peft`: a LoRA, IA³ or prefix-tuning adapter as the folder PEFT's
// `PeftModel.from_pretrained` reads — adapter_config.json with PEFT's fields and adapter_model.safetensors with the
// keys `get_peft_model_state_dict` writes (test/interop/peftExport.test.ts cites the source lines). The head goes
// with it as PEFT's `modules_to_save` (the pooler and the classifier of HF's sequence-classification model).
// Bottleneck adapters, VeRA's shared projections and compositions have no PEFT form and are refused with the reason.
import * as fs from 'fs';
import * as path from 'path';
import { ADAPTER_WEIGHTS_FILE, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE } from '../io/adapterhub';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import { METRICS_FILE, RUN_FILE, SUMMARY_FILE } from '../io/runStore';
import { type TensorToWrite, readSafetensorsFile, writeSafetensorsFile } from '../io/safetensors';
import { type ExportedFiles, RUN_RECORD_DIR, listFiles, meanPooledTasks } from './adapterhubExport';
import { type ModelTypeNames, headActivationNote, modelTypeNames } from './modelTypes';
import { ExportError, type HubConfigFile, type RunFiles, methodOfHubConfig } from './runFiles';

export const PEFT_CONFIG_FILE = 'adapter_config.json';
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';
/** The adapter's AdapterHub config, kept in adapter_lab/ of a PEFT export for `adapter-lab import`. */
export const HUB_CONFIG_COPY = 'adapterhub_config.json';

/** What PEFT needs of the base that the adapter files do not say. */
export interface BaseInfo {
  layers: number;
  heads: number;
  hiddenSize: number;
  /** PEFT's base_model_name_or_path: a hub id or a folder. */
  nameOrPath: string;
}

type Tensor = { shape: number[]; data: Float32Array };

export class NotExportable extends ExportError {}

/** Why the run's adapter has no PEFT form, or undefined when it has one. */
export function peftRefusal(run: RunFiles): string | undefined {
  if (run.adapters.length !== 1 || run.fusions.length > 0)
    return `${run.record.name} combines ${run.adapters.length} adapters${run.fusions.length ? ' with Fuse' : ''}; PEFT has no composition blocks (Stack, Fuse, Parallel, …) or learned fusion: export each adapter's own run, or use --to adapterhub`;
  const method = methodOfHubConfig(run.adapters[0].hubConfig.config);
  if (method === 'houlsby' || method === 'pfeiffer' || method === 'parallel')
    return `adapter "${run.adapters[0].name}" is a bottleneck adapter (${method}); PEFT has no bottleneck adapters (huggingface/peft#244): use --to adapterhub`;
  if (method === 'vera') return `adapter "${run.adapters[0].name}" is VeRA; its frozen shared projections are drawn differently in PEFT: use --to adapterhub`;
  return undefined;
}

const layerOf = (name: string): number => Number(/\.layer\.(\d+)\./.exec(name)?.[1]);

/** The keys and tensors of a LoRA or IA³ adapter under PEFT's names: base_model.model.<module>.lora_A.weight, ….ia3_l. */
function lowRankTensors(tensors: ReadonlyMap<string, Tensor>, adapter: string, ia3: boolean, alpha: number): Record<string, TensorToWrite> {
  const out: Record<string, TensorToWrite> = {};
  for (const [name, t] of tensors) {
    const match = new RegExp(`^(.*)\\.loras\\.${adapter}\\.(lora_A|lora_B)$`).exec(name);
    if (!match) throw new ExportError(`tensor "${name}" is not a LoRA tensor of adapter "${adapter}"`);
    const [, module, part] = match;
    if (ia3) {
      // PEFT's IA³ vector ia3_l [out, 1] scales a layer's output (tuners/ia3/layer.py); ours scales it by alpha·l.
      out[`base_model.model.${module}.ia3_l`] = { dtype: 'F32', shape: [t.data.length, 1], data: alpha === 1 ? t.data : t.data.map((v) => v * alpha) };
    } else {
      out[`base_model.model.${module}.${part}.weight`] = { dtype: 'F32', shape: t.shape, data: t.data };
    }
  }
  return out;
}

/** PEFT's target_modules: the short names when they pick exactly the layers adapted, else one regular expression (full match). */
export function targetModules(modules: string[], layerPath: string, layers: number[], allLayers: number): string | string[] {
  const inLayer = [...new Set(modules.map((m) => m.replace(/^.*\.layer\.\d+\./, '')))];
  // PEFT matches a name by its end: "output.dense" would also pick attention.output.dense, and a left-out layer
  // needs the layer numbers in the pattern.
  if (!inLayer.includes('output.dense') && layers.length === allLayers) return inLayer.map((m) => m.replace(/^attention\.(self\.)?(?=\w+$)/, ''));
  return `${layerPath.replace(/\./g, '\\.')}\\.(${layers.join('|')})\\.(${inLayer.map((m) => m.replace(/\./g, '\\.')).join('|')})`;
}

/** Our prefix as PEFT's prompt_embeddings [P, layers·2·d] (the order AdapterHub and PEFT both view it in). */
export function flatPrefix(tensors: ReadonlyMap<string, Tensor>, config: HubConfigFile['config'], width: number): Float32Array {
  const flat = [...tensors].find(([n]) => n.endsWith('.self_prefix.control_trans'));
  if (flat) return flat[1].data;
  const get = (suffix: string): Tensor => {
    const found = [...tensors].find(([n]) => n.endsWith(`.self_prefix.${suffix}`));
    if (!found) throw new ExportError(`the prefix has no tensor "….self_prefix.${suffix}"`);
    return found[1];
  };
  const [wte, w0, b0, w2, b2] = ['wte.weight', 'control_trans.0.weight', 'control_trans.0.bias', 'control_trans.2.weight', 'control_trans.2.bias'].map(get);
  const [P, d] = wte.shape;
  const b = w0.shape[0];
  const act = activation(String(config.non_linearity ?? 'tanh'));
  const out = new Float32Array(P * width);
  const hidden = new Float64Array(b);
  for (let p = 0; p < P; p++) {
    // Linear weights are [out, in] (PyTorch): h = act(W0·e + b0), kv = W2·h + b2.
    for (let j = 0; j < b; j++) {
      let s = b0.data[j];
      for (let i = 0; i < d; i++) s += w0.data[j * d + i] * wte.data[p * d + i];
      hidden[j] = act(s);
    }
    for (let k = 0; k < width; k++) {
      let s = b2.data[k];
      for (let j = 0; j < b; j++) s += w2.data[k * b + j] * hidden[j];
      out[p * width + k] = s;
    }
  }
  return out;
}

function activation(name: string): (x: number) => number {
  switch (name) {
    case 'tanh':
      return Math.tanh;
    case 'relu':
      return (x) => Math.max(0, x);
    case 'swish':
      return (x) => x / (1 + Math.exp(-x));
    case 'gelu':
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    default:
      throw new ExportError(`the prefix's non_linearity "${name}" is not one Adapter Lab trains`);
  }
}

/** erf from Numerical Recipes' Chebyshev fit of erfc (relative error below 1.2e-7, under float32's rounding). */
function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

/** The head as PEFT's modules_to_save tensors: heads.{task}.1 → HF's d → d layer (BERT: the pooler), heads.{task}.4 → its classifier. */
function headTensors(file: string, task: string, names: ModelTypeNames, keyPrefix: string): Record<string, TensorToWrite> {
  const out: Record<string, TensorToWrite> = {};
  const layers: Record<string, string> = { 1: names.head.dense, 4: names.head.classifier };
  for (const [name, t] of readSafetensorsFile(file).tensors) {
    const match = new RegExp(`^heads\\.${task}\\.(1|4)\\.(weight|bias)$`).exec(name);
    if (!match) throw new ExportError(`${file}: tensor "${name}" is not part of a two-layer classification head "${task}"`);
    out[`${keyPrefix}${layers[match[1]]}.${match[2]}`] = { dtype: 'F32', shape: t.shape, data: t.data as Float32Array };
  }
  return out;
}

/** Writes the PEFT export of an adapter or merge run of LoRA, IA³ or prefix tuning. */
export function exportPeft(run: RunFiles, base: BaseInfo, out: string): ExportedFiles {
  const refusal = peftRefusal(run);
  if (refusal) throw new NotExportable(refusal);
  const [adapter] = run.adapters;
  const hub = adapter.hubConfig;
  const config = hub.config;
  const names = modelTypeNames(hub.model_type);
  const method = methodOfHubConfig(config);
  const tensors = readSafetensorsFile(path.join(adapter.dir, ADAPTER_WEIGHTS_FILE)).tensors as ReadonlyMap<string, Tensor>;
  const task = run.record.tasks[0];
  const common = {
    base_model_name_or_path: base.nameOrPath,
    revision: null,
    task_type: 'SEQ_CLS',
    inference_mode: true,
    modules_to_save: names.head.modulesToSave,
  };
  let peftConfig: Record<string, unknown>;
  let weights: Record<string, TensorToWrite>;
  let keyPrefix = 'base_model.model.';
  const leaveOut = (config.leave_out as number[] | undefined) ?? [];
  if (method === 'lora' || method === 'ia3') {
    const modules = [...new Set([...tensors.keys()].map((n) => n.replace(/\.loras\..*$/, '')))];
    const layers = [...new Set(modules.map(layerOf))].sort((a, b) => a - b);
    const target = targetModules(modules, names.layerPath, layers, base.layers);
    weights = lowRankTensors(tensors, adapter.name, method === 'ia3', Number(config.alpha));
    peftConfig =
      method === 'lora'
        ? {
            ...common,
            peft_type: 'LORA',
            r: config.r,
            lora_alpha: config.alpha,
            lora_dropout: config.dropout ?? 0,
            target_modules: target,
            bias: 'none',
            fan_in_fan_out: false,
            use_rslora: false,
            use_dora: false,
            init_lora_weights: true,
          }
        : { ...common, peft_type: 'IA3', target_modules: target, feedforward_modules: [], fan_in_fan_out: false, init_ia3_weights: true };
  } else if (method === 'prefix') {
    if (leaveOut.length)
      throw new NotExportable(
        `adapter "${adapter.name}" leaves out layers ${leaveOut.join(', ')}; PEFT's prefix tuning acts in every layer: use --to adapterhub`,
      );
    const width = base.layers * 2 * base.hiddenSize;
    const prefixLength = Number(config.prefix_length);
    keyPrefix = 'base_model.'; // prompt-learning models keep the HF model directly under base_model (save_and_load.py)
    weights = { prompt_embeddings: { dtype: 'F32', shape: [prefixLength, width], data: flatPrefix(tensors, config, width) } };
    peftConfig = {
      ...common,
      peft_type: 'PREFIX_TUNING',
      num_virtual_tokens: prefixLength,
      token_dim: base.hiddenSize,
      num_transformer_submodules: 1,
      num_attention_heads: base.heads,
      num_layers: base.layers,
      encoder_hidden_size: config.bottleneck_size,
      prefix_projection: false,
    };
  } else {
    throw new NotExportable(`adapter "${adapter.name}" (${method}) has no PEFT form here`);
  }
  const headFile = path.join(adapter.dir, HEAD_WEIGHTS_FILE);
  if (fs.existsSync(headFile)) Object.assign(weights, headTensors(headFile, task, names, keyPrefix));
  writeJsonAtomic(path.join(out, PEFT_CONFIG_FILE), peftConfig);
  writeSafetensorsFile(path.join(out, PEFT_WEIGHTS_FILE), weights, { format: 'pt' });
  for (const file of [RUN_FILE, SUMMARY_FILE, METRICS_FILE])
    if (fs.existsSync(path.join(run.dir, file))) writeFileAtomic(path.join(out, RUN_RECORD_DIR, file), fs.readFileSync(path.join(run.dir, file)));
  // The AdapterHub config rides along so `adapter-lab import` restores the adapter exactly (PEFT ignores the folder).
  writeJsonAtomic(path.join(out, RUN_RECORD_DIR, HUB_CONFIG_COPY), hub);
  if (fs.existsSync(path.join(adapter.dir, HEAD_CONFIG_FILE)))
    writeFileAtomic(path.join(out, RUN_RECORD_DIR, HEAD_CONFIG_FILE), fs.readFileSync(path.join(adapter.dir, HEAD_CONFIG_FILE)));
  writeFileAtomic(path.join(out, 'README.md'), peftReadme(run, names, base));
  const notes = meanPooledTasks(run).map(
    (t) =>
      `task ${t} pooled the mean of the tokens here; HF's ${names.sequenceClassification} pools the first token ([CLS]), so the head gives other outputs in Python until retrained there`,
  );
  const activation = headActivationNote(names);
  if (activation && fs.existsSync(headFile)) notes.push(activation);
  if (method === 'ia3' && Number(config.alpha) !== 1) notes.push(`IA³ alpha ${config.alpha} is folded into ia3_l (PEFT has no alpha for IA³)`);
  if (method === 'prefix') notes.push('the prefix is written flat (prefix_projection false): the output of its MLP, as AdapterHub ejects it for inference');
  return { out, files: listFiles(out), notes };
}

function peftReadme(run: RunFiles, names: ModelTypeNames, base: BaseInfo): string {
  return [
    `# ${run.record.name} (${run.record.experiment}), exported by Adapter Lab for PEFT`,
    '',
    '```python',
    `from transformers import ${names.sequenceClassification}`,
    'from peft import PeftModel',
    `base = ${names.sequenceClassification}.from_pretrained(${JSON.stringify(base.nameOrPath)}, num_labels=<labels>)`,
    'model = PeftModel.from_pretrained(base, "<this folder>")',
    '```',
    '',
    'adapter_lab/ holds the run record; `adapter-lab import <this folder>` brings the run back.',
    '',
  ].join('\n');
}
