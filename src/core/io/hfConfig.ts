// A Hugging Face encoder folder's config.json as a BertConfig, checked, for every family of hfFamilies.ts. Without
// TensorFlow.js, so the extension host can count parameters from the shape of a built-in or local base.
import * as fs from 'fs';
import * as path from 'path';
import type { BertConfig } from '../model/shapes';
import { type ConfigReader, type EncoderFamily, MODEL_TYPES, type RawConfig, familyOf } from './hfFamilies';

export class CheckpointError extends Error {}

export interface EncoderConfig {
  config: BertConfig;
  family: EncoderFamily;
  /** Leading rows of the checkpoint's position table no token reads (RoBERTa: padding_idx + 1). */
  positionOffset: number;
}

export function readBertConfig(dir: string): BertConfig {
  return readEncoderConfig(dir).config;
}

export function readEncoderConfig(dir: string): EncoderConfig {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new CheckpointError(`${dir}: no config.json (expected a Hugging Face model folder)`);
  let raw: RawConfig;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${file}: not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  const family = familyOf(typeof raw.model_type === 'string' ? raw.model_type : undefined);
  if (!family || raw.model_type === undefined)
    throw new CheckpointError(
      `${file}: model_type is ${JSON.stringify(raw.model_type)}; Adapter Lab loads ${MODEL_TYPES.map((t) => `"${t}"`).join(', ')} checkpoints as a base${raw.model_type === 'gpt2' ? ' (a GPT-2 decoder writes text: adapter-lab generate)' : ''}`,
    );
  // DistilBERT names its non-linearity "activation"; the others "hidden_act".
  const act = raw.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new CheckpointError(`${file}: hidden_act ${JSON.stringify(act)} is not supported (only "gelu")`);
  if ((raw.position_embedding_type ?? 'absolute') !== 'absolute') throw new CheckpointError(`${file}: only absolute position embeddings are supported`);
  const read: ConfigReader = {
    raw,
    int: (key, fallback) => integer(raw, key, fallback, 1),
    index: (key, fallback) => integer(raw, key, fallback, 0),
    num: (key, fallback) => (typeof raw[key] === 'number' ? (raw[key] as number) : fallback),
  };
  let shape;
  try {
    shape = family.shape(read);
  } catch (e) {
    throw new CheckpointError(`${file}: ${e instanceof Error ? e.message : e}`);
  }
  const { config } = shape;
  if (config.hiddenSize % config.heads !== 0)
    throw new CheckpointError(`${file}: hidden_size ${config.hiddenSize} is not divisible by num_attention_heads ${config.heads}`);
  return { ...shape, family };
}

function integer(raw: RawConfig, key: string, fallback: number | undefined, least: 0 | 1): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < least)
    throw new Error(`"${key}" must be a ${least ? 'positive' : 'non-negative'} integer, got ${JSON.stringify(v)}`);
  return v;
}
