// A Hugging Face GPT-2 folder's config.json (`model_type: gpt2`) as a Gpt2Config, checked. Without TensorFlow.js.
import * as fs from 'fs';
import * as path from 'path';
import type { Gpt2Activation, Gpt2Config } from '../model/gpt2Shapes';
import { CheckpointError } from './hfConfig';

const ACTIVATIONS: Record<string, Gpt2Activation> = { gelu_new: 'gelu_new', gelu_pytorch_tanh: 'gelu_new', gelu: 'gelu', relu: 'relu' };

/** The parsed config.json of a model folder, or a CheckpointError naming the file. */
export function readConfigJson(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new CheckpointError(`${dir}: no config.json (expected a Hugging Face model folder)`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${e instanceof Error ? e.message : e})`);
  }
}

export function readGpt2Config(dir: string): Gpt2Config {
  const file = path.join(dir, 'config.json');
  const raw = readConfigJson(dir);
  if (raw.model_type !== 'gpt2') throw new CheckpointError(`${file}: model_type is ${JSON.stringify(raw.model_type)}; a "gpt2" decoder is expected`);
  const act = String(raw.activation_function ?? 'gelu_new');
  const activation = ACTIVATIONS[act];
  if (!activation) throw new CheckpointError(`${file}: activation_function ${JSON.stringify(act)} is not supported (${Object.keys(ACTIVATIONS).join(', ')})`);
  const int = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new CheckpointError(`${file}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const hiddenSize = int('n_embd');
  const config: Gpt2Config = {
    hiddenSize,
    layers: int('n_layer'),
    heads: int('n_head'),
    intermediateSize: raw.n_inner == null ? 4 * hiddenSize : int('n_inner'),
    vocabSize: int('vocab_size'),
    maxPositions: int('n_positions', typeof raw.n_ctx === 'number' ? raw.n_ctx : undefined),
    layerNormEps: typeof raw.layer_norm_epsilon === 'number' ? raw.layer_norm_epsilon : 1e-5,
    activation,
    eosTokenId: typeof raw.eos_token_id === 'number' ? raw.eos_token_id : null,
  };
  if (hiddenSize % config.heads !== 0) throw new CheckpointError(`${file}: n_embd ${hiddenSize} is not divisible by n_head ${config.heads}`);
  if (raw.tie_word_embeddings === false) throw new CheckpointError(`${file}: tie_word_embeddings is false; only tied input/output embeddings are supported`);
  return config;
}

/** config.json for a Gpt2Config, as GPT2LMHeadModel.save_pretrained writes its fields. */
export function gpt2ConfigJson(c: Gpt2Config): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    n_embd: c.hiddenSize,
    n_layer: c.layers,
    n_head: c.heads,
    n_inner: c.intermediateSize === 4 * c.hiddenSize ? null : c.intermediateSize,
    vocab_size: c.vocabSize,
    n_positions: c.maxPositions,
    layer_norm_epsilon: c.layerNormEps,
    activation_function: c.activation,
    bos_token_id: c.eosTokenId,
    eos_token_id: c.eosTokenId,
    tie_word_embeddings: true,
  };
}
