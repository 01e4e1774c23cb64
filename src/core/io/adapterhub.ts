// Weights on disk in the layouts Python users already load:
//   adapter folder (AdapterHub `save_adapter`): adapter_config.json + adapter.safetensors, and the task's head beside
//     it as head_config.json + model_head.safetensors;
//   fusion folder (AdapterHub `save_adapter_fusion`): adapter_fusion_config.json + model_adapter_fusion.safetensors;
//   base model (Hugging Face `save_pretrained`): config.json + model.safetensors.
// Tensor names are AdapterHub's / HF's for the base's model type (io/hfFamilies.ts; BERT's inside Adapter Lab);
// Linear weights are written [out, in] as PyTorch keeps them.
import * as fs from 'fs';
import * as path from 'path';
import type { FusionSpec } from '../config/types';
import type { BertConfig } from '../model/shapes';
import { type Weights, isLinearWeight } from '../model/weights';
import { writeJsonAtomic } from './atomic';
import { type TensorToWrite, writeSafetensorsFile } from './safetensors';
import { type EncoderFamily, familyOf } from './hfFamilies';
import { GPT2_ADAPTER_MODEL_CLASS, fromGpt2AdapterName, toGpt2AdapterName } from './gpt2AdapterNames';

export const ADAPTERS_VERSION = 'adapters.1.1.0';
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter.safetensors';
export const HEAD_CONFIG_FILE = 'head_config.json';
export const HEAD_WEIGHTS_FILE = 'model_head.safetensors';
export const FUSION_CONFIG_FILE = 'adapter_fusion_config.json';
export const FUSION_WEIGHTS_FILE = 'model_adapter_fusion.safetensors';

export interface SavedModelInfo {
  modelName: string; // what base the weights belong to, e.g. "adapter-lab/random-2x128"
  hiddenSize: number;
  modelType?: string; // config.json's model_type of the base; absent: "bert"
}

function familyOfType(modelType: string | undefined) {
  const family = familyOf(modelType);
  if (!family) throw new Error(`unknown model type ${JSON.stringify(modelType)}`);
  return family;
}

/** How adapter files name tensors for a model type: an encoder family's names, or GPT-2's (a decoder, no family). */
function namesOfType(modelType: string | undefined): Pick<EncoderFamily, 'modelClass' | 'toFamilyName' | 'fromFamilyName'> {
  if (modelType === 'gpt2') return { modelClass: GPT2_ADAPTER_MODEL_CLASS, toFamilyName: toGpt2AdapterName, fromFamilyName: fromGpt2AdapterName };
  return familyOfType(modelType);
}

/** Tensors under the names AdapterHub gives them in a model of this type. */
export function inFamilyNames<T>(tensors: Record<string, T>, modelType: string | undefined): Record<string, T> {
  const family = namesOfType(modelType);
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [family.toFamilyName(name), t]));
}

/** The model_type an AdapterHub config file (adapter, head or fusion) was saved for; absent or unreadable: "bert". */
export function savedModelType(configFile: string): string | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { model_type?: unknown };
    return typeof saved.model_type === 'string' ? saved.model_type : undefined;
  } catch {
    return undefined;
  }
}

/** The inverse of inFamilyNames, for files saved from a model of this type. */
export function fromFamilyNames<T>(tensors: ReadonlyMap<string, T>, modelType: string | undefined): Map<string, T> {
  const family = namesOfType(modelType);
  return new Map([...tensors].map(([name, t]) => [family.fromFamilyName(name), t]));
}

/** Tensors ready to write: Linear weights transposed from our [in, out] to PyTorch's [out, in]. */
export function toTorchLayout(weights: Weights): Record<string, TensorToWrite> {
  const out: Record<string, TensorToWrite> = {};
  for (const [name, { shape, data }] of weights.snapshot()) {
    out[name] = isLinearWeight(name, shape)
      ? { dtype: 'F32', shape: [shape[1], shape[0]], data: transpose2d(data, shape[0], shape[1]) }
      : { dtype: 'F32', shape, data };
  }
  return out;
}

/**
 * The inverse of toTorchLayout for the weights a module holds: every one must be present with the right shape.
 * Throws an Error naming the first tensor that is missing or has another shape.
 */
export function fromTorchLayout(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>, weights: Weights): Map<string, { data: Float32Array }> {
  const out = new Map<string, { data: Float32Array }>();
  for (const [name, variable] of weights.entries()) {
    const shape = [...variable.shape] as number[];
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`tensor "${name}" is missing`);
    const linear = isLinearWeight(name, shape);
    const expected = linear ? [shape[1], shape[0]] : shape;
    if (tensor.shape.join() !== expected.join()) throw new Error(`tensor "${name}" has shape [${tensor.shape}], expected [${expected}]`);
    out.set(name, { data: linear ? transpose2d(tensor.data, expected[0], expected[1]) : tensor.data });
  }
  return out;
}

/** [rows, cols] row-major → [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** What saving needs of an adapter (every adapters/modules/ AdapterModule has it). */
export interface SavableAdapter {
  readonly name: string;
  hubConfig(hiddenSize: number): Record<string, unknown>;
  exportTensors(): Record<string, TensorToWrite>;
}

/** What every AdapterHub config file carries besides its own `config`: the model it belongs to, a name, a version. */
function hubConfigFile(config: object, name: string, info: SavedModelInfo): object {
  const modelType = info.modelType ?? 'bert';
  const model_class = namesOfType(modelType).modelClass;
  return { config, hidden_size: info.hiddenSize, model_class, model_name: info.modelName, model_type: modelType, name, version: ADAPTERS_VERSION };
}

/** AdapterHub's adapter_config.json: the method's config fields, the model it belongs to, and the adapter's name. */
export function adapterConfigJson(adapter: SavableAdapter, info: SavedModelInfo): object {
  return hubConfigFile(adapter.hubConfig(info.hiddenSize), adapter.name, info);
}

export function headConfigJson(name: string, labels: string[], info: SavedModelInfo): object {
  const config = {
    head_type: 'classification',
    num_labels: labels.length,
    layers: 2,
    activation_function: 'tanh',
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    use_pooler: false,
    bias: true,
  };
  return hubConfigFile(config, name, info);
}

export function saveAdapter(dir: string, adapter: SavableAdapter, info: SavedModelInfo): void {
  writeJsonAtomic(path.join(dir, ADAPTER_CONFIG_FILE), adapterConfigJson(adapter, info));
  writeSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_FILE), inFamilyNames(adapter.exportTensors(), info.modelType), { format: 'pt' });
}

export function saveHead(dir: string, name: string, labels: string[], weights: Weights, info: SavedModelInfo): void {
  writeJsonAtomic(path.join(dir, HEAD_CONFIG_FILE), headConfigJson(name, labels, info));
  writeSafetensorsFile(path.join(dir, HEAD_WEIGHTS_FILE), toTorchLayout(weights), { format: 'pt' });
}

/** AdapterHub's adapter_fusion_config.json ("dynamic" AdapterFusionConfig fields, with this fusion's options). */
export function fusionConfigJson(name: string, spec: FusionSpec, info: SavedModelInfo): object {
  const config = {
    key: true,
    query: true,
    query_before_ln: false,
    regularization: spec.regularization,
    residual_before: false,
    temperature: spec.temperature,
    value: true,
    value_before_softmax: true,
    value_initialized: spec.valueInitialized,
  };
  return hubConfigFile(config, name, info);
}

/** AdapterHub's `save_adapter_fusion` layout; tensors (for BERT) `bert.encoder.layer.{i}.output.adapter_fusion_layer.{name}.…`. */
export function saveFusion(dir: string, name: string, spec: FusionSpec, weights: Weights, info: SavedModelInfo): void {
  writeJsonAtomic(path.join(dir, FUSION_CONFIG_FILE), fusionConfigJson(name, spec, info));
  writeSafetensorsFile(path.join(dir, FUSION_WEIGHTS_FILE), inFamilyNames(toTorchLayout(weights), info.modelType), { format: 'pt' });
}

/** HF `config.json` of the encoder's base model class (BertModel, RobertaModel, …). */
export function encoderConfigJson(c: BertConfig): object {
  return familyOfType(c.modelType).configJson(c);
}

/**
 * The encoder as `save_pretrained` of its family writes it: config.json and model.safetensors under the family's
 * names, without the pooler a family does not have; RoBERTa's position table gets back the rows before padding_idx + 1 that no token reads (zeros, as
 * nn.Embedding keeps its padding row).
 */
export function saveEncoderModel(dir: string, config: BertConfig, weights: Weights): void {
  const family = familyOfType(config.modelType);
  const json = family.configJson(config) as { max_position_embeddings: number };
  const tensors = toTorchLayout(weights);
  if (!family.pooler) for (const name of Object.keys(tensors)) if (name.startsWith('bert.pooler.')) delete tensors[name];
  const positions = tensors['bert.embeddings.position_embeddings.weight'];
  const unused = json.max_position_embeddings - config.maxPositions;
  if (unused > 0) {
    const data = new Float32Array((config.maxPositions + unused) * positions.shape[1]);
    data.set(positions.data as Float32Array, unused * positions.shape[1]);
    tensors['bert.embeddings.position_embeddings.weight'] = { dtype: 'F32', shape: [config.maxPositions + unused, positions.shape[1]], data };
  }
  writeJsonAtomic(path.join(dir, 'config.json'), json);
  writeSafetensorsFile(path.join(dir, 'model.safetensors'), inFamilyNames(tensors, config.modelType), { format: 'pt' });
}
