// Knowledge runs (K-Adapter, Wang et al. 2021): a K-adapter with `knowledge` is trained on that knowledge with the
// base frozen, as its run adapter:<name>; compositions then load it by name and train a head for their task on
// [base; K-adapter]. Built-in knowledge:
//   pos — part of speech of every word of the Brown corpus (coarse tags), a tagging head on [base; K-adapter] at
//         each word's first piece (AdapterHub's TaggingHead naming: heads.pos.1). The Brown sentences are shuffled
//         with the experiment's seed; the first 1,000 are validation, the next 1,000 test, the next
//         `knowledgeExamples` training sentences.
//   wordnet — the relation of a word to another (hypernym, hyponym, antonym, meronym, synonym, unrelated) in the
//         context of the first word's gloss, from WordNet 3.1 (data/wordnet.ts), labelled at the second word's first
//         piece with the same tagging head. Synsets of the downstream set `wordnet-relations` never occur; validation
//         and test pairs (1,000 each, classes balanced) have first synsets no training pair has.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { TaskMetrics } from '../../common/events';
import type { KnowledgeSource } from '../adapters/methods/kAdapter';
import { KAdapter, type KAdapterSpec } from '../adapters/modules/kAdapter';
import type { ExperimentConfig, TrainOptions } from '../config/types';
import { POS_TAGS, loadBrown, type LabelledSentence } from '../data/corpora';
import { createRng, shuffleInPlace } from '../data/random';
import { WORDNET_RELATIONS, type WordPair, wordnetKnowledge } from '../data/wordnet';
import { WordPieceTokenizer } from '../data/tokenizer';
import { type SavedModelInfo, saveAdapter, toTorchLayout } from '../io/adapterhub';
import { writeJsonAtomic } from '../io/atomic';
import { folderBytes } from '../io/runStore';
import { writeSafetensorsFile } from '../io/safetensors';
import { BertEncoder } from '../model/bert';
import { normalValues, seedFor } from '../model/init';
import { dense, dropout } from '../model/ops';
import { denseWeightShape } from '../model/shapes';
import { Weights } from '../model/weights';
import { type PretrainExample, buildExamples } from '../pretrain/examples';
import { maskedCrossEntropy } from '../pretrain/model';
import type { TokenObjective } from '../pretrain/objectives';
import { AdamW, decays } from '../train/adamw';
import { bucketedBatches, lengthSortedBatches } from '../train/batches';
import { classificationMetrics } from '../train/metrics';
import { linearWarmupDecay } from '../train/schedule';
import { optimizerStep } from '../train/step';
import type { BaseModel } from './experiment';
import { writeTrainedSummary } from './trainedSummary';
import type { RunPlan } from './plan';
import { type RunHooks, type RunResult, recordingHooks } from './runHooks';
import { type TrainHooks, type TrainOutcome } from '../train/loop';
import { StepTimes } from '../train/stepTimes';

const HELD_OUT = 1000;

export interface KnowledgeData {
  labels: readonly string[];
  train: PretrainExample[];
  validation: PretrainExample[];
  test: PretrainExample[];
}

function objectiveOf(source: KnowledgeSource): TokenObjective {
  const labels = source === 'pos' ? POS_TAGS : WORDNET_RELATIONS;
  const index = new Map<string, number>(labels.map((t, i) => [t, i]));
  const labelOf = (s: LabelledSentence, w: number) => {
    const label = source === 'pos' ? s.pos?.[w] : s.wordLabels?.wordnet[w];
    return label ? (index.get(label) ?? -1) : -1;
  };
  return { type: 'token-classification', name: source, weight: 1, labels, labelOf };
}

/** Brown sentences for pos; for wordnet, word pairs as sentences labelled at the second word. */
function knowledgeSplits(source: KnowledgeSource, seed: number, trainExamples: number): Record<'train' | 'validation' | 'test', LabelledSentence[]> {
  if (source === 'wordnet') {
    const pairs = wordnetKnowledge(seed, trainExamples, HELD_OUT);
    const sentences = (part: WordPair[]) =>
      part.map((p) => ({ words: p.words, wordLabels: { wordnet: p.words.map((_, i) => (i === p.second ? p.relation : null)) } }));
    return { train: sentences(pairs.train), validation: sentences(pairs.validation), test: sentences(pairs.test) };
  }
  const sentences: LabelledSentence[] = shuffleInPlace(loadBrown(), createRng(seedFor(seed, `knowledge:${source}`)));
  return {
    validation: sentences.slice(0, HELD_OUT),
    test: sentences.slice(HELD_OUT, 2 * HELD_OUT),
    train: sentences.slice(2 * HELD_OUT, 2 * HELD_OUT + trainExamples),
  };
}

export function knowledgeData(source: KnowledgeSource, tokenizer: WordPieceTokenizer, maxLength: number, seed: number, trainExamples: number): KnowledgeData {
  const objective = objectiveOf(source);
  const splits = knowledgeSplits(source, seed, trainExamples);
  const examples = (part: LabelledSentence[]) => buildExamples(part, tokenizer, [objective], maxLength);
  return { labels: objective.labels, validation: examples(splits.validation), test: examples(splits.test), train: examples(splits.train) };
}

interface TokenBatch {
  input: { ids: tf.Tensor2D; typeIds: tf.Tensor2D; mask: tf.Tensor2D };
  labels: tf.Tensor1D; // [B·T], -1 = no label
}

function tokenBatch(examples: PretrainExample[], indices: number[], source: string, padId: number): TokenBatch {
  const length = Math.max(...indices.map((i) => examples[i].ids.length));
  const ids = new Int32Array(indices.length * length).fill(padId);
  const mask = new Float32Array(indices.length * length);
  const labels = new Int32Array(indices.length * length).fill(-1);
  indices.forEach((e, row) => {
    ids.set(examples[e].ids, row * length);
    mask.fill(1, row * length, row * length + examples[e].ids.length);
    labels.set(examples[e].tokenLabels[source], row * length);
  });
  return {
    input: {
      ids: tf.tensor2d(ids, [indices.length, length], 'int32'),
      typeIds: tf.zeros([indices.length, length], 'int32') as tf.Tensor2D,
      mask: tf.tensor2d(mask, [indices.length, length]),
    },
    labels: tf.tensor1d(labels, 'int32'),
  };
}

/** The frozen base, the K-adapter and a tagging head on [base; K-adapter] per token. */
export class KnowledgeTagger {
  readonly head = new Weights();

  constructor(
    readonly encoder: BertEncoder,
    readonly adapter: KAdapter,
    readonly source: string,
    readonly labels: readonly string[],
    seed: number,
  ) {
    const inputs = 2 * encoder.config.hiddenSize;
    this.head.set(
      `heads.${source}.1.weight`,
      denseWeightShape(inputs, labels.length),
      normalValues(inputs * labels.length, 0.02, seedFor(seed, `heads.${source}`)),
    );
    this.head.set(`heads.${source}.1.bias`, [labels.length], new Float32Array(labels.length));
  }

  trainable(): [string, tf.Variable][] {
    return [...this.adapter.weights.entries(), ...this.head.entries()];
  }

  /** Logits [B·T, labels]; dropoutSeed null = inference. */
  logits(input: TokenBatch['input'], dropoutRate: number, dropoutSeed: number | null): tf.Tensor2D {
    const states: tf.Tensor2D[] = [];
    const last = this.encoder.forward(input, { trainBase: false, dropoutRate, dropoutSeed, hiddenStates: (i, h) => (states[i] = h) });
    const plugIn = this.adapter.output((i) => states[i], { mask: input.mask, trainable: true, dropoutRate, dropoutSeed });
    const features = dropout(tf.concat([last, plugIn], 1) as tf.Tensor2D, dropoutRate, dropoutSeed === null ? null : seedFor(dropoutSeed, 'tagging'));
    const w = (n: string) => this.head.get(`heads.${this.source}.1.${n}`);
    return dense(features, w('weight') as tf.Tensor2D, w('bias') as tf.Tensor1D, true);
  }
}

/** Token accuracy and macro-F1 over the labelled tokens of `examples`, and the mean loss per labelled token. */
export function evaluateTagger(model: KnowledgeTagger, examples: PretrainExample[], batchSize: number, padId: number): TaskMetrics {
  const predicted: number[] = [];
  const actual: number[] = [];
  let loss = 0;
  for (const indices of lengthSortedBatches(
    examples.map((e) => e.ids.length),
    batchSize,
  )) {
    const batch = tokenBatch(examples, indices, model.source, padId);
    const [argmax, batchLoss] = tf.tidy(() => {
      const logits = model.logits(batch.input, 0, null);
      return [tf.argMax(logits, -1), maskedCrossEntropy(logits, batch.labels)];
    });
    const labels = batch.labels.dataSync();
    const guesses = argmax.dataSync();
    let labelled = 0;
    labels.forEach((label, i) => {
      if (label < 0) return;
      labelled++;
      predicted.push(guesses[i]);
      actual.push(label);
    });
    loss += batchLoss.dataSync()[0] * labelled;
    tf.dispose([argmax, batchLoss, batch.input.ids, batch.input.typeIds, batch.input.mask, batch.labels]);
  }
  return { ...classificationMetrics(predicted, actual, model.labels.length), loss: loss / Math.max(1, actual.length) };
}

/** The knowledge adapter a run trains, when it is a knowledge run. */
export function knowledgeAdapterOf(config: ExperimentConfig, plan: RunPlan): (KAdapterSpec & { knowledge: KnowledgeSource }) | undefined {
  const spec = plan.adapter ? config.adapters.find((a) => a.name === plan.adapter) : undefined;
  return spec?.method === 'k-adapter' && spec.knowledge ? { ...spec, knowledge: spec.knowledge } : undefined;
}

/** What a knowledge run trains on, for its log. */
export function describeKnowledge(spec: KAdapterSpec & { knowledge: KnowledgeSource }): string {
  return spec.knowledge === 'wordnet'
    ? `knowledge wordnet: WordNet 3.1 word relations, ${spec.knowledgeExamples} training pairs / ${HELD_OUT} validation / ${HELD_OUT} test (held-out synsets)`
    : `knowledge ${spec.knowledge}: Brown corpus, ${spec.knowledgeExamples} training sentences / ${HELD_OUT} validation / ${HELD_OUT} test`;
}

/** Trains a knowledge adapter (its run adapter:<name>) and writes the run folder as any adapter run does. */
export async function runKnowledge(
  config: ExperimentConfig,
  plan: RunPlan,
  spec: KAdapterSpec & { knowledge: KnowledgeSource },
  base: BaseModel,
  run: { id: string; dir: string; backend: string },
  hooks: RunHooks,
): Promise<RunResult> {
  const started = performance.now();
  const options: TrainOptions = plan.options;
  const encoder = new BertEncoder(base.config, new Weights(base.values));
  const adapter = new KAdapter(spec, base.config, seedFor(config.seed, `adapter:${spec.name}`));
  // Tagging labels words, and only the WordPiece tokenizer here says which word each token belongs to.
  if (!(base.tokenizer instanceof WordPieceTokenizer))
    throw new Error(
      `the "${spec.knowledge}" knowledge adapter tags words and needs a base with a WordPiece tokenizer (BERT, DistilBERT, ELECTRA); ${base.modelName} has another`,
    );
  const data = knowledgeData(spec.knowledge, base.tokenizer, options.maxLength, config.seed, spec.knowledgeExamples);
  const model = new KnowledgeTagger(encoder, adapter, spec.knowledge, data.labels, seedFor(config.seed, `head:${plan.name}`));
  const info: SavedModelInfo = { modelName: base.modelName, hiddenSize: base.config.hiddenSize };
  const adapterDir = path.join(run.dir, 'adapters', spec.name);
  const save = () => {
    saveAdapter(adapterDir, adapter, info);
    writeJsonAtomic(path.join(adapterDir, 'head_config.json'), taggingHeadConfig(spec.knowledge, data.labels, info));
    writeSafetensorsFile(path.join(adapterDir, 'model_head.safetensors'), toTorchLayout(model.head), { format: 'pt' });
    writeJsonAtomic(path.join(run.dir, 'adapter_setup.json'), { adapter_setup: spec.name, head_setup: spec.knowledge });
  };
  try {
    const outcome = await trainTagger(model, data, options, seedFor(config.seed, plan.name), base.tokenizer.padId, recordingHooks(run.dir, hooks, save));
    if (outcome.status === 'completed') save();
    const baseParams = encoder.weights.size();
    const totalParams = baseParams + outcome.trainableParams;
    const summary = writeTrainedSummary({ ...run, name: plan.name, type: plan.type, base: base.description, startedMs: started }, outcome, totalParams, {
      [spec.knowledge]: folderBytes(adapterDir),
    });
    return { outcome, summary };
  } finally {
    encoder.weights.dispose();
    adapter.weights.dispose();
    model.head.dispose();
  }
}

/** AdapterHub's TaggingHead config: one Linear on every token, here of [base; K-adapter]. */
function taggingHeadConfig(name: string, labels: readonly string[], info: SavedModelInfo): object {
  return {
    config: {
      head_type: 'tagging',
      num_labels: labels.length,
      layers: 1,
      label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
      input: 'concat(base, k_adapter)',
    },
    hidden_size: info.hiddenSize,
    model_name: info.modelName,
    name,
  };
}

export async function trainTagger(
  model: KnowledgeTagger,
  data: KnowledgeData,
  options: TrainOptions,
  seed: number,
  padId: number,
  hooks: TrainHooks,
): Promise<TrainOutcome> {
  const trainable = model.trainable();
  const variables = trainable.map(([, v]) => v);
  const optimizer = new AdamW(
    trainable.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    options.weightDecay,
  );
  const lengths = data.train.map((e) => e.ids.length);
  const stepsPerEpoch = Math.ceil(data.train.length / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const warmupSteps = Math.round(totalSteps * options.warmupRatio);
  const started = performance.now();
  const stepTimes = new StepTimes();
  let tokens = 0;
  let step = 0;
  let best = -Infinity;
  let bestEpoch = 0;
  let bestValues: Map<string, Float32Array> | null = null;
  let bestValidation: Record<string, TaskMetrics> | undefined;
  const trainableParams = variables.reduce((n, v) => n + v.size, 0);
  const outcome = (status: TrainOutcome['status'], reason?: string, test?: Record<string, TaskMetrics>): TrainOutcome => ({
    status,
    reason,
    steps: step,
    bestEpoch,
    validation: bestValidation,
    test,
    msPerStep: stepTimes.medianMs(),
    speedThreads: stepTimes.threads,
    inferenceMsPerExample: 0,
    trainableParams,
    optimizerStateParams: optimizer.stateSize(),
    paddingShare: 0,
    tokensPerSec: stepTimes.perSecond(tokens),
  });
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      for (const indices of bucketedBatches(lengths, options.batchSize, seedFor(seed, `epoch${epoch}`))) {
        if (hooks.cancelled()) return outcome('cancelled', 'cancelled by the user');
        const t0 = performance.now();
        const batch = tokenBatch(data.train, indices, model.source, padId);
        const lr = linearWarmupDecay(step, totalSteps, warmupSteps, options.learningRate);
        const result = optimizerStep(
          () => {
            const loss = maskedCrossEntropy(model.logits(batch.input, options.dropout, seedFor(seed, `step${step}`)), batch.labels);
            return { total: loss, parts: { [model.source]: loss } };
          },
          variables,
          optimizer,
          options.maxGradNorm,
          lr,
        );
        tf.dispose([batch.input.ids, batch.input.typeIds, batch.input.mask, batch.labels]);
        if (result.diverged) return outcome('diverged', `loss became ${result.loss} at step ${step + 1}; lower the learning rate (was ${lr.toExponential(2)})`);
        step++;
        stepTimes.add(performance.now() - t0);
        tokens += indices.reduce((n, i) => n + data.train[i].ids.length, 0);
        if (step % options.logEvery === 0 || step === totalSteps) {
          const elapsedMs = performance.now() - started;
          hooks.progress({
            step,
            totalSteps,
            epoch: epoch - 1 + (((step - 1) % stepsPerEpoch) + 1) / stepsPerEpoch,
            loss: result.loss,
            lossPerTask: result.parts,
            learningRate: lr,
            gradNorm: result.gradNorm,
            elapsedMs,
            examplesPerSec: (step * options.batchSize * 1000) / elapsedMs,
            tokensPerSec: (tokens * 1000) / elapsedMs,
          });
        }
        await new Promise((resolve) => setImmediate(resolve)); // lets a cancel message in
      }
      const metrics = { [model.source]: evaluateTagger(model, data.validation, options.batchSize, padId) };
      const score = metrics[model.source].accuracy;
      const improved = score > best;
      hooks.evaluated({ epoch, step, split: 'validation', metrics, score, best: improved, elapsedMs: performance.now() - started });
      if (improved) {
        best = score;
        bestEpoch = epoch;
        bestValidation = metrics;
        bestValues = new Map(trainable.map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));
        hooks.improved(epoch);
      }
    }
    if (bestValues) for (const [name, v] of trainable) tf.tidy(() => v.assign(tf.tensor(bestValues!.get(name)!, v.shape, 'float32')));
    const test = { [model.source]: evaluateTagger(model, data.test, options.batchSize, padId) };
    hooks.evaluated({
      epoch: bestEpoch,
      step,
      split: 'test',
      metrics: test,
      score: test[model.source].accuracy,
      best: true,
      elapsedMs: performance.now() - started,
    });
    return outcome('completed', undefined, test);
  } finally {
    optimizer.dispose();
  }
}
