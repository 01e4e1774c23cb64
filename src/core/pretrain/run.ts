// Pre-training of a base model on several objectives at once (./objectives), with checkpoints every few hundred steps
// so that an interrupted run resumes where it stopped and replays exactly: batch order, masking and dropout are all
// seeded by the epoch or step number, never by how many steps this process happened to run.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { TaskMetrics } from '../../common/events';
import type { LabelledSentence } from '../data/corpora';
import { createRng } from '../data/random';
import { type TokenizerJson, WordPieceTokenizer, trainWordPieceVocab } from '../data/tokenizer';
import { encoderConfigJson, toTorchLayout } from '../io/adapterhub';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import { writeSafetensorsFile } from '../io/safetensors';
import { readWeightsFile } from '../io/weightsFile';
import { BertEncoder, initBertWeights } from '../model/bert';
import { type BertConfig } from '../model/shapes';
import { bertWeightShapes } from '../model/shapes';
import { seedFor } from '../model/init';
import { Weights } from '../model/weights';
import { AdamW, decays } from '../train/adamw';
import { optimizerStep } from '../train/step';
import { lengthSortedBatches } from '../train/batches';
import type { PretrainConfig } from './config';
import type { PretrainCorpus } from './corpus';
import { type PretrainBatch, type PretrainExample, buildExamples, disposePretrainBatch, makePretrainBatch } from './examples';
import { type PretrainHooks, type PretrainOutcome, runPretrainSteps } from './loop';

export type { PretrainHooks } from './loop';
import { PretrainModel } from './model';
import { type Objective, resolveObjectives } from './objectives';
import { isUserCorpus } from './spec';

export interface CheckpointState {
  step: number;
  elapsedMs: number;
  labels?: Record<string, string[]>; // of the user's objectives: their heads' shapes depend on them
}

const CHECKPOINT = 'checkpoint';

/** `corpus` is loadPretrainCorpus(config)'s, loaded first so that bad rows are reported before a run folder exists. */
export async function pretrain(
  config: PretrainConfig,
  corpus: PretrainCorpus,
  runDir: string,
  backend: string,
  hooks: PretrainHooks,
): Promise<PretrainOutcome> {
  const checkpointDir = path.join(runDir, CHECKPOINT);
  const { tokenizer, resuming } = checkpointTokenizer(
    checkpointDir,
    (json) => new WordPieceTokenizer(json as TokenizerJson),
    () => WordPieceTokenizer.fromVocab(trainWordPieceVocab(corpus.texts, config.shape.vocabSize)),
  );
  const bert: BertConfig = { ...config.shape, vocabSize: tokenizer.vocabSize, typeVocabSize: 2, layerNormEps: 1e-12 };

  // Texts become words through the tokenizer's own normaliser and pre-tokeniser.
  const asWords = (s: LabelledSentence) => (s.text === undefined ? s : { ...s, words: tokenizer.words(s.text) });
  const objectives = resolveObjectives(config, corpus);
  const train = buildExamples(corpus.train.map(asWords), tokenizer, objectives, config.maxLength);
  const heldOut = buildExamples(corpus.heldOut.map(asWords), tokenizer, objectives, config.maxLength);
  hooks.log(
    `corpus: ${train.length} training sentences, ${heldOut.length} held out; vocabulary ${tokenizer.vocabSize}; objectives ${Object.keys(config.objectives).join(', ')}`,
  );
  for (const o of objectives)
    if ((o.type === 'token-classification' || o.type === 'text-classification') && corpus.labels.has(o.name)) hooks.log(describeObjective(o, train));

  const { model, trainable, optimizer } = newPretrainModel(config, bert, objectives);
  let state: CheckpointState = { step: 0, elapsedMs: 0 };
  if (resuming) {
    state = loadCheckpoint(checkpointDir, trainable, optimizer, corpus.labels);
    hooks.log(`resumed from the checkpoint at step ${state.step}`);
  }

  const firstRegularId = 5; // after [PAD] [UNK] [CLS] [SEP] [MASK]
  const bagOfWords = objectives.some((o) => o.type === 'bag-of-words');
  const lengths = train.map((e) => e.ids.length);
  const variables = trainable.map(([, v]) => v);
  try {
    const outcome = await runPretrainSteps(config, state, hooks, {
      lengths,
      step(indices, step, learningRate) {
        const mask = createRng(seedFor(config.seed, `mask${step}`));
        const batch = makePretrainBatch(train, indices, tokenizer, config.maskProbability, mask, firstRegularId, bagOfWords);
        const result = optimizerStep(() => pretrainLoss(model, batch, config, step), variables, optimizer, config.maxGradNorm, learningRate);
        disposePretrainBatch(batch);
        return { result, tokens: indices.reduce((n, i) => n + lengths[i], 0) };
      },
      evaluate() {
        const metrics = evaluateHeldOut(model, heldOut, tokenizer, config, firstRegularId);
        return { metrics, score: metrics.pos?.accuracy ?? metrics.mlm?.accuracy ?? metrics[objectives[0].name]?.accuracy ?? 0 };
      },
      saveCheckpoint(step, elapsedMs) {
        const labels = corpus.labels.size ? { labels: Object.fromEntries(corpus.labels) } : {};
        saveCheckpointFiles(checkpointDir, trainable, optimizer, { step, elapsedMs, ...labels });
      },
    });
    if (outcome.status !== 'completed') return outcome;
    writeBaseModel(config.output, bert, model.encoder.weights, tokenizer, pretrainRecord(config, outcome.step, outcome.elapsedMs, backend, outcome.heldOut));
    return outcome;
  } finally {
    optimizer.dispose();
  }
}

/** A new model of `bert` with the objectives' heads, initialised by the config's seed, and AdamW over what it trains. */
export function newPretrainModel(
  config: PretrainConfig,
  bert: BertConfig,
  objectives: Objective[],
): { model: PretrainModel; trainable: [string, tf.Variable][]; optimizer: AdamW } {
  const shapes = bertWeightShapes(bert);
  const initial = new Map([...initBertWeights(bert, config.seed)].map(([n, data]) => [n, { shape: shapes.get(n) as number[], data }]));
  const model = new PretrainModel(new BertEncoder(bert, new Weights(initial)), objectives, config.seed);
  const trainable = model.trainable();
  const optimizer = new AdamW(
    trainable.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    config.weightDecay,
  );
  return { model, trainable, optimizer };
}

/** pretraining.json: how a base was made (the command, the config with paths relative to it, steps, time, held-out scores). */
export function pretrainRecord(config: PretrainConfig, steps: number, elapsedMs: number, backend: string, heldOut?: Record<string, TaskMetrics>): object {
  return {
    command: `adapter-lab pretrain ${path.relative(process.cwd(), config.file) || config.file}`,
    config: {
      ...config,
      file: path.basename(config.file),
      output: path.basename(config.output),
      runsDir: undefined,
      corpora: config.corpora.map((c) => (isUserCorpus(c) ? { ...c, path: path.relative(path.dirname(config.file), c.path) } : c)),
    },
    steps,
    wallMinutes: Math.round(elapsedMs / 600) / 100,
    backend,
    heldOut,
    finishedAt: new Date().toISOString(),
  };
}

/** Held-out accuracy per objective with a fixed masking seed, so evaluations are comparable across steps. */
function evaluateHeldOut(
  model: PretrainModel,
  examples: PretrainExample[],
  tokenizer: WordPieceTokenizer,
  config: PretrainConfig,
  firstRegularId: number,
): Record<string, TaskMetrics> {
  const sums = new Map<string, { correct: number; count: number; loss: number; batches: number }>();
  const add = (name: string, correct: number, count: number, loss: number) => {
    const s = sums.get(name) ?? { correct: 0, count: 0, loss: 0, batches: 0 };
    s.correct += correct;
    s.count += count;
    s.loss += loss;
    s.batches++;
    sums.set(name, s);
  };
  const rng = createRng(seedFor(config.seed, 'held-out-masking'));
  for (const indices of lengthSortedBatches(
    examples.map((e) => e.ids.length),
    config.batchSize,
  )) {
    const batch = makePretrainBatch(
      examples,
      indices,
      tokenizer,
      config.maskProbability,
      rng,
      firstRegularId,
      model.objectives.some((o) => o.type === 'bag-of-words'),
    );
    const results = tf.tidy(() => {
      const out = model.forward(batch, 0, null);
      return model.objectives.map((objective) => {
        const o = out[objective.name];
        const labels = o.labels();
        const valid = tf.greaterEqual(labels, 0);
        const hits = tf.logicalAnd(tf.equal(tf.argMax(o.logits, -1), labels), valid);
        const extra: tf.Tensor[] = [];
        if ((objective.type === 'token-classification' || objective.type === 'text-classification') && objective.recallExcept !== undefined) {
          // Recall on the other classes (polarity: polar words; tone: polar sentences), where one class dominates and
          // accuracy says little.
          const other = tf.logicalAnd(valid, tf.notEqual(labels, objective.recallExcept));
          extra.push(tf.sum(tf.cast(tf.logicalAnd(hits, other), 'int32')), tf.sum(tf.cast(other, 'int32')));
        }
        return [objective.name, tf.sum(tf.cast(hits, 'int32')), tf.sum(tf.cast(valid, 'int32')), o.loss, ...extra] as const;
      });
    });
    for (const [name, hits, count, loss, ...extra] of results) {
      add(name, hits.dataSync()[0], count.dataSync()[0], loss.dataSync()[0]);
      if (extra.length) add(`${name}-recall`, extra[0].dataSync()[0], extra[1].dataSync()[0], 0);
      tf.dispose([hits, count, loss, ...extra]);
    }
    disposePretrainBatch(batch);
  }
  const metrics: Record<string, TaskMetrics> = {};
  for (const [name, s] of sums) {
    const accuracy = s.count ? s.correct / s.count : 0;
    metrics[name] = { accuracy, macroF1: accuracy, loss: s.loss / Math.max(1, s.batches), count: s.count };
  }
  return metrics;
}

/** "topic (text-classification): 3 labels (a, b, c) on 120 of 130 training sentences" — what a head will learn. */
function describeObjective(o: Extract<Objective, { type: 'token-classification' | 'text-classification' }>, train: PretrainExample[]): string {
  const labelled = train.filter((e) => (o.type === 'text-classification' ? e.textLabels[o.name] >= 0 : e.tokenLabels[o.name].some((l) => l >= 0))).length;
  const shown = o.labels.length > 8 ? `${o.labels.slice(0, 8).join(', ')}, …` : o.labels.join(', ');
  return `${o.name} (${o.type}): ${o.labels.length} labels (${shown}) on ${labelled} of ${train.length} training sentences`;
}

/**
 * The tokenizer of a run: when resuming (its checkpoint has a state), the one the checkpoint holds; else a new one,
 * written into the checkpoint before any step so that a resumed run reads the same vocabulary.
 */
export function checkpointTokenizer<T extends { json: object }>(
  checkpointDir: string,
  read: (json: unknown) => T,
  train: () => T,
): { tokenizer: T; resuming: boolean } {
  const resuming = fs.existsSync(path.join(checkpointDir, 'state.json'));
  const file = path.join(checkpointDir, 'tokenizer.json');
  if (resuming) return { tokenizer: read(JSON.parse(fs.readFileSync(file, 'utf8'))), resuming };
  const tokenizer = train();
  writeJsonAtomic(file, tokenizer.json);
  return { tokenizer, resuming };
}

export function saveCheckpointFiles(dir: string, trainable: [string, tf.Variable][], optimizer: AdamW, state: CheckpointState): void {
  const weights = Object.fromEntries(trainable.map(([name, v]) => [name, { dtype: 'F32' as const, shape: [...v.shape], data: v.dataSync() as Float32Array }]));
  const moments = optimizer.exportState();
  const opt = Object.fromEntries(
    trainable.flatMap(([name, v], i) => [
      [`m.${name}`, { dtype: 'F32' as const, shape: [...v.shape], data: moments.m[i] }],
      [`v.${name}`, { dtype: 'F32' as const, shape: [...v.shape], data: moments.v[i] }],
    ]),
  );
  writeSafetensorsFile(path.join(dir, 'weights.safetensors'), weights);
  writeSafetensorsFile(path.join(dir, 'optimizer.safetensors'), opt, { step: String(moments.step) });
  writeJsonAtomic(path.join(dir, 'state.json'), state); // last: a checkpoint counts only once its state is written
}

export function loadCheckpoint(dir: string, trainable: [string, tf.Variable][], optimizer: AdamW, labels: Map<string, string[]>): CheckpointState {
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as CheckpointState;
  for (const [name, now] of labels) {
    const then = state.labels?.[name];
    if (then && then.join('\n') !== now.join('\n')) {
      throw new Error(
        `${dir}: the labels of objective "${name}" changed since the checkpoint (${then.join(', ')} → ${now.join(', ')}); start over with --fresh`,
      );
    }
  }
  const weights = readWeightsFile(path.join(dir, 'weights.safetensors')).tensors;
  const opt = readWeightsFile(path.join(dir, 'optimizer.safetensors'));
  const get = (map: typeof weights, name: string) => {
    const t = map.get(name);
    if (!t || !(t.data instanceof Float32Array))
      throw new Error(`${dir}: the checkpoint has no tensor "${name}" (was the config changed? start over with --fresh)`);
    return t.data;
  };
  tf.tidy(() => trainable.forEach(([name, v]) => v.assign(tf.tensor(get(weights, name), v.shape))));
  optimizer.importState({
    step: Number(opt.metadata.step),
    m: trainable.map(([name]) => get(opt.tensors, `m.${name}`)),
    v: trainable.map(([name]) => get(opt.tensors, `v.${name}`)),
  });
  return state;
}

/** The Hugging Face folder of the base: config.json, model.safetensors (BERT weights only), tokenizer files. */
export function writeBaseModel(dir: string, bert: BertConfig, weights: Weights, tokenizer: WordPieceTokenizer, record: object): void {
  writeJsonAtomic(path.join(dir, 'config.json'), encoderConfigJson(bert));
  writeSafetensorsFile(path.join(dir, 'model.safetensors'), toTorchLayout(weights), { format: 'pt' });
  writeJsonAtomic(path.join(dir, 'tokenizer.json'), tokenizer.json);
  writeFileAtomic(path.join(dir, 'vocab.txt'), `${tokenizer.vocabList().join('\n')}\n`);
  writeJsonAtomic(path.join(dir, 'tokenizer_config.json'), { tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: bert.maxPositions });
  writeJsonAtomic(path.join(dir, 'special_tokens_map.json'), {
    unk_token: '[UNK]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    mask_token: '[MASK]',
  });
  writeJsonAtomic(path.join(dir, 'pretraining.json'), record);
}

/** The loss a pre-training step minimises: the objectives' losses weighted as the config says (summed in its order), and each. */
export function pretrainLoss(
  model: PretrainModel,
  batch: PretrainBatch,
  config: PretrainConfig,
  step: number,
): { total: tf.Scalar; parts: Record<string, tf.Scalar> } {
  const out = model.forward(batch, config.dropout, seedFor(config.seed, `step${step}`));
  const order = Object.keys(config.objectives); // the config's order, as the weighted sum has always been taken
  const weighted = order.map((o) => tf.mul(out[o].loss, config.objectives[o].weight));
  return { total: tf.addN(weighted) as tf.Scalar, parts: Object.fromEntries(order.map((o) => [o, out[o].loss])) };
}
