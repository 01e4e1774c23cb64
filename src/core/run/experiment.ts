// An experiment from a validated config: its data (loaded, checked, split, tokenised), its base model, and the
// runs it holds — one per adapter (that adapter + its task's head on the frozen base), plus the baselines
// `full` (every weight, a head per task) and `head-only` (frozen base, heads only), all on the same split.
import * as path from 'path';
import type { EncoderShape, ExperimentConfig } from '../config/types';
import { BUILTIN_MODELS, builtinModelDir } from '../io/builtinModels';
import { loadEncoderCheckpoint } from '../io/hfEncoder';
import { CheckpointError } from '../io/hfConfig';
import { SafetensorsError } from '../io/safetensors';
import { DataReadError, type Row, checkRowsForTasks, formatProblems, loadRows } from '../data/load';
import { splitRows, stratifyByLabels } from '../data/split';
import { WordPieceTokenizer, trainWordPieceVocab } from '../data/tokenizer';
import type { SentenceTokenizer } from '../data/hfTokenizer';
import { initBertWeights } from '../model/bert';
import { type BertConfig } from '../model/shapes';
import { bertWeightShapes } from '../model/shapes';
import { encodeExamples } from '../train/batches';
import type { TrainData } from '../train/loop';

export class ExperimentInputError extends Error {}

export interface ExperimentData {
  rows: { train: Row[]; validation: Row[]; test: Row[] };
  labels: Map<string, string[]>; // task → label list
  source: string;
}

/** Loads, checks and splits the data; bad rows are an error listing each with its line. */
export function loadExperimentData(config: ExperimentConfig): ExperimentData {
  let loaded;
  try {
    loaded = loadRows(config.data);
  } catch (e) {
    if (e instanceof DataReadError) throw new ExperimentInputError(e.message);
    throw e;
  }
  const checked = checkRowsForTasks(loaded.rows, config.tasks, loaded.file);
  const problems = [...loaded.problems, ...checked.problems];
  if (problems.length) {
    throw new ExperimentInputError(`${problems.length} bad row(s) in the data; fix or remove them:\n${formatProblems(problems)}`);
  }
  for (const [task, labels] of checked.labels) {
    if (labels.length < 2)
      throw new ExperimentInputError(`task "${task}" has ${labels.length} distinct label(s) in ${loaded.file}; a classifier needs at least 2`);
  }
  const rows = splitRows(loaded.rows, config.split, stratifyByLabels(config.tasks.map((t) => t.field)));
  // Fractions are rounded per label combination: few rows can leave a split empty, and then "0.0 / 0.0" or a best
  // epoch chosen on nothing would be reported as a result.
  for (const part of ['train', 'validation', 'test'] as const) {
    if (rows[part].length > 0) continue;
    const fix = part === 'train' ? 'lower "split.validation" and "split.test"' : `raise "split.${part}"`;
    throw new ExperimentInputError(
      `the ${part} split of ${loaded.file} is empty: its ${loaded.rows.length} rows, split validation ${config.split.validation} / test ${config.split.test} per label combination, leave none for ${part}; ${fix}, or add rows`,
    );
  }
  return { rows, labels: checked.labels, source: loaded.file };
}

export interface BaseModel {
  config: BertConfig;
  tokenizer: SentenceTokenizer;
  values: Map<string, { shape: number[]; data: Float32Array }>;
  description: string; // for people: what this base is
  modelName: string; // for adapter_config.json's model_name
  pretrained: boolean;
}

/** The base model of the experiment. A random base gets a WordPiece vocabulary trained on the train split. */
export function loadBase(config: ExperimentConfig, data: ExperimentData): BaseModel {
  const base = config.base;
  if (base.kind === 'random') return randomBase(base.shape, config.seed, data);
  const dir = base.kind === 'path' ? base.path : builtinModelDir(base.name);
  if (!dir) throw new ExperimentInputError(`no built-in base "${base.kind === 'builtin' ? base.name : ''}"; built-in bases: ${BUILTIN_MODELS.join(', ')}`);
  let loaded;
  try {
    loaded = loadEncoderCheckpoint(dir, config.seed);
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof SafetensorsError) throw new ExperimentInputError(e.message);
    throw e;
  }
  const c = loaded.config;
  const name = base.kind === 'builtin' ? `builtin:${base.name}` : path.basename(dir);
  return {
    config: c,
    tokenizer: loaded.tokenizer,
    values: loaded.values,
    description: `${name}, pre-trained, ${c.layers} layers × ${c.hiddenSize}${loaded.notes.length ? ` (${loaded.notes.join('; ')})` : ''}`,
    modelName: base.kind === 'builtin' ? `adapter-lab/${base.name}` : name,
    pretrained: true,
  };
}

function randomBase(shape: EncoderShape, seed: number, data: ExperimentData): BaseModel {
  const tokenizer = WordPieceTokenizer.fromVocab(
    trainWordPieceVocab(
      data.rows.train.map((r) => r.text),
      shape.vocabSize,
    ),
  );
  const bert: BertConfig = { ...shape, vocabSize: tokenizer.vocabSize, typeVocabSize: 2, layerNormEps: 1e-12 };
  const shapes = bertWeightShapes(bert);
  const values = new Map([...initBertWeights(bert, seed)].map(([name, data]) => [name, { shape: shapes.get(name) as number[], data }]));
  return {
    config: bert,
    tokenizer,
    values,
    description: `random init, ${bert.layers} layers × ${bert.hiddenSize} (not pre-trained)`,
    modelName: `adapter-lab/random-${bert.layers}x${bert.hiddenSize}`,
    pretrained: false,
  };
}

/** Tokenised splits with label indices for the given tasks. */
export function trainData(data: ExperimentData, config: ExperimentConfig, taskNames: string[], tokenizer: SentenceTokenizer, maxLength: number): TrainData {
  const tasks = taskNames.map((name) => {
    const spec = config.tasks.find((t) => t.name === name);
    if (!spec) throw new Error(`unknown task ${name}`);
    return { name, field: spec.field, labels: data.labels.get(name) ?? [] };
  });
  const encode = (rows: Row[]) => encodeExamples(rows, tasks, tokenizer, maxLength);
  return {
    tasks: tasks.map(({ name, labels }) => ({ name, labels })),
    train: encode(data.rows.train),
    validation: encode(data.rows.validation),
    test: encode(data.rows.test),
    padId: tokenizer.padId,
  };
}
