// Loads a local Hugging Face GPT-2-family folder (config.json with model_type "gpt2", model.safetensors, tokenizer.json
// or vocab.json + merges.txt), e.g. distilgpt2 or the decoder base this project pre-trains. Every tensor is checked by
// name and shape before anything is built; the error names the tensor and the file. Conv1D weights are [in, out] on
// disk and here, so a checkpoint with a transposed square matrix passes the shape check: only a forward pass against
// a reference can tell (test/model/hfGpt2Import.test.ts does).
import * as fs from 'fs';
import * as path from 'path';
import { type BpeTokenizerJson, ByteLevelBpeTokenizer } from '../data/bpeTokenizer';
import { type Gpt2Config, gpt2WeightShapes } from '../model/gpt2Shapes';
import { CheckpointError } from './hfConfig';
import { gpt2ConfigJson, readGpt2Config } from './hfGpt2Config';
import { type TensorToWrite, readSafetensorsFile, writeSafetensorsFile } from './safetensors';
import { nonFiniteProblem } from './weightsFile';

export interface LoadedGpt2 {
  config: Gpt2Config;
  values: Map<string, { shape: number[]; data: Float32Array }>;
  tokenizer: ByteLevelBpeTokenizer;
}

/** The tokenizer of a GPT-2 folder: its tokenizer.json (BPE), or vocab.json + merges.txt. */
export function readGpt2Tokenizer(dir: string): ByteLevelBpeTokenizer {
  const jsonFile = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(jsonFile)) {
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as BpeTokenizerJson;
    if (json.model?.type !== 'BPE')
      throw new CheckpointError(`${jsonFile}: model type ${JSON.stringify(json.model?.type)}; a byte-level BPE tokenizer is expected`);
    return new ByteLevelBpeTokenizer(json);
  }
  const vocabFile = path.join(dir, 'vocab.json');
  const mergesFile = path.join(dir, 'merges.txt');
  if (!fs.existsSync(vocabFile) || !fs.existsSync(mergesFile)) throw new CheckpointError(`${dir}: neither tokenizer.json nor vocab.json + merges.txt found`);
  try {
    return ByteLevelBpeTokenizer.fromVocabAndMerges(JSON.parse(fs.readFileSync(vocabFile, 'utf8')), fs.readFileSync(mergesFile, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`${dir}: vocab.json + merges.txt unreadable (${e instanceof Error ? e.message : e})`);
  }
}

export function loadGpt2Checkpoint(dir: string): LoadedGpt2 {
  const config = readGpt2Config(dir);
  const weightsFile = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(weightsFile)) {
    const hint = fs.existsSync(path.join(dir, 'pytorch_model.bin')) ? ' (only pytorch_model.bin is there: save it with safe_serialization=True)' : '';
    throw new CheckpointError(`${dir}: no model.safetensors${hint}`);
  }
  const { tensors } = readSafetensorsFile(weightsFile);
  // GPT2LMHeadModel saves "transformer.…"; GPT2Model saves the same names without the prefix.
  const find = (name: string) => tensors.get(name) ?? tensors.get(name.replace(/^transformer\./, ''));
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const problems: string[] = [];
  for (const [name, expected] of gpt2WeightShapes(config)) {
    const t = find(name);
    if (!t) {
      problems.push(`missing tensor "${name}" (shape [${expected}])`);
      continue;
    }
    if (t.shape.length !== expected.length || t.shape.some((n, i) => n !== expected[i])) {
      const transposed = t.shape.length === 2 && t.shape[0] === expected[1] && t.shape[1] === expected[0];
      const hint = transposed ? ': transposed — Conv1D weights are [in, out]; a Linear [out, in] must be transposed before saving' : ' from config.json';
      problems.push(`tensor "${name}" has shape [${t.shape}], expected [${expected}]${hint}`);
      continue;
    }
    if (!(t.data instanceof Float32Array)) {
      problems.push(`tensor "${name}" has dtype ${t.dtype}; floating point (F32, F16, BF16) is expected`);
      continue;
    }
    const nonFinite = nonFiniteProblem(t.data);
    if (nonFinite) {
      problems.push(`tensor "${name}": ${nonFinite}`);
      continue;
    }
    values.set(name, { shape: expected, data: t.data });
  }
  const head = tensors.get('lm_head.weight');
  if (head && head.data instanceof Float32Array && values.has('transformer.wte.weight') && !sameValues(head.data, values.get('transformer.wte.weight')!.data))
    problems.push('tensor "lm_head.weight" differs from "transformer.wte.weight": only tied input/output embeddings are supported');
  if (problems.length) throw new CheckpointError(`${weightsFile}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  const tokenizer = readGpt2Tokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize)
    throw new CheckpointError(`${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocabSize}`);
  return { config, values, tokenizer };
}

/** Writes a decoder as a Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer.json). */
export function writeGpt2Checkpoint(
  dir: string,
  config: Gpt2Config,
  values: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  tokenizer: ByteLevelBpeTokenizer,
): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors: Record<string, TensorToWrite> = {};
  for (const name of gpt2WeightShapes(config).keys()) {
    const v = values.get(name);
    if (!v) throw new Error(`decoder has no weight "${name}"`);
    tensors[name] = { dtype: 'F32', shape: v.shape, data: v.data };
  }
  writeSafetensorsFile(path.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  fs.writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(gpt2ConfigJson(config), null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.json));
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
