// A Hugging Face BERT folder's config.json as a BertConfig, checked. Without TensorFlow.js, so the extension host can
// count parameters from the shape of a built-in or local base.
import * as fs from 'fs';
import * as path from 'path';
import type { BertConfig } from '../model/shapes';

export class CheckpointError extends Error {}

export function readBertConfig(dir: string): BertConfig {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new CheckpointError(`${dir}: no config.json (expected a Hugging Face model folder)`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (raw.model_type !== 'bert') throw new CheckpointError(`${file}: model_type is ${JSON.stringify(raw.model_type)}; only "bert" checkpoints can be loaded`);
  const act = raw.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new CheckpointError(`${file}: hidden_act ${JSON.stringify(act)} is not supported (only "gelu")`);
  if ((raw.position_embedding_type ?? 'absolute') !== 'absolute') throw new CheckpointError(`${file}: only absolute position embeddings are supported`);
  const int = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new CheckpointError(`${file}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const config: BertConfig = {
    hiddenSize: int('hidden_size'),
    layers: int('num_hidden_layers'),
    heads: int('num_attention_heads'),
    intermediateSize: int('intermediate_size'),
    vocabSize: int('vocab_size'),
    maxPositions: int('max_position_embeddings'),
    typeVocabSize: int('type_vocab_size', 2),
    layerNormEps: typeof raw.layer_norm_eps === 'number' ? raw.layer_norm_eps : 1e-12,
  };
  if (config.hiddenSize % config.heads !== 0)
    throw new CheckpointError(`${file}: hidden_size ${config.hiddenSize} is not divisible by num_attention_heads ${config.heads}`);
  return config;
}
