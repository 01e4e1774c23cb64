// Weights on disk in the layouts Python users already load:
//   adapter folder (AdapterHub `save_adapter`): adapter_config.json + adapter.safetensors, and the task's head beside
//     it as head_config.json + model_head.safetensors;
//   base model (Hugging Face `save_pretrained`): config.json + model.safetensors.
// Tensor names are AdapterHub's / HF's for a BERT model; Linear weights are written [out, in] as PyTorch keeps them.
import * as path from 'path';
import type { BottleneckAdapterSpec } from '../config/types';
import type { BertConfig } from '../model/bert';
import { type Weights, isLinearWeight } from '../model/weights';
import { writeJsonAtomic } from './atomic';
import { type TensorToWrite, writeSafetensorsFile } from './safetensors';

export const ADAPTERS_VERSION = 'adapters.1.1.0';
export const MODEL_CLASS = 'BertAdapterModel';

export interface SavedModelInfo {
  modelName: string; // what base the weights belong to, e.g. "adapter-lab/random-2x128"
  hiddenSize: number;
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

/** [rows, cols] row-major → [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** AdapterHub's adapter_config.json for a bottleneck adapter (field names as in `BnConfig`). */
export function adapterConfigJson(spec: BottleneckAdapterSpec, size: number, info: SavedModelInfo): object {
  return {
    config: {
      architecture: 'bottleneck',
      mh_adapter: spec.method === 'houlsby',
      output_adapter: true,
      reduction_factor: info.hiddenSize / size,
      non_linearity: spec.nonLinearity,
      original_ln_before: spec.method !== 'houlsby',
      original_ln_after: true,
      residual_before_ln: true,
      ln_before: false,
      ln_after: false,
      init_weights: 'bert',
      is_parallel: spec.method === 'parallel',
      scaling: spec.scaling,
      use_gating: false,
      leave_out: spec.leaveOut,
    },
    hidden_size: info.hiddenSize,
    model_class: MODEL_CLASS,
    model_name: info.modelName,
    model_type: 'bert',
    name: spec.name,
    version: ADAPTERS_VERSION,
  };
}

export function headConfigJson(name: string, labels: string[], info: SavedModelInfo): object {
  return {
    config: {
      head_type: 'classification',
      num_labels: labels.length,
      layers: 2,
      activation_function: 'tanh',
      label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
      use_pooler: false,
      bias: true,
    },
    hidden_size: info.hiddenSize,
    model_class: MODEL_CLASS,
    model_name: info.modelName,
    model_type: 'bert',
    name,
    version: ADAPTERS_VERSION,
  };
}

export function saveAdapter(dir: string, spec: BottleneckAdapterSpec, size: number, weights: Weights, info: SavedModelInfo): void {
  writeJsonAtomic(path.join(dir, 'adapter_config.json'), adapterConfigJson(spec, size, info));
  writeSafetensorsFile(path.join(dir, 'adapter.safetensors'), toTorchLayout(weights), { format: 'pt' });
}

export function saveHead(dir: string, name: string, labels: string[], weights: Weights, info: SavedModelInfo): void {
  writeJsonAtomic(path.join(dir, 'head_config.json'), headConfigJson(name, labels, info));
  writeSafetensorsFile(path.join(dir, 'model_head.safetensors'), toTorchLayout(weights), { format: 'pt' });
}

/** HF `config.json` of a BertModel. */
export function bertConfigJson(c: BertConfig): object {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    intermediate_size: c.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    vocab_size: c.vocabSize,
    layer_norm_eps: c.layerNormEps,
    initializer_range: 0.02,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  };
}

export function saveBertModel(dir: string, config: BertConfig, weights: Weights): void {
  writeJsonAtomic(path.join(dir, 'config.json'), bertConfigJson(config));
  writeSafetensorsFile(path.join(dir, 'model.safetensors'), toTorchLayout(weights), { format: 'pt' });
}
