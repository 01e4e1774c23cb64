// The training loop of one run: AdamW with linear warm-up and decay, global-norm clipping, evaluation on the
// validation split after each epoch, the best epoch's weights kept, test metrics of those weights at the end.
// A NaN/Inf loss stops the run as "diverged" and keeps everything written so far.
import * as tf from '@tensorflow/tfjs';
import type { TrainOptions } from '../config/types';
import type { EvalEvent, ProgressEvent, TaskMetrics } from '../../common/events';
import type { Classifier } from '../classifier/classifier';
import { crossEntropy } from '../model/ops';
import { seedFor } from '../model/init';
import { AdamW, decays } from './adamw';
import { optimizerStep } from './step';
import { type Example, bucketedBatches, disposeBatch, lengthSortedBatches, makeBatch } from './batches';
import { DEFAULT_PREFIX_BUDGET_BYTES, FrozenPrefixCache } from './frozenPrefix';
import { type FrozenPrefixInfo } from '../../common/runRecord';
import { classificationMetrics } from './metrics';
import { linearWarmupDecay } from './schedule';
import { StepTimes } from './stepTimes';

export interface TrainData {
  tasks: { name: string; labels: string[] }[];
  train: Example[];
  validation: Example[];
  test: Example[];
  padId: number;
}

export interface TrainHooks {
  progress(e: ProgressEvent): void;
  evaluated(e: EvalEvent): void;
  /** Called when an epoch beats the best validation score so far: save the weights now. */
  improved(epoch: number): void;
  cancelled(): boolean;
}

export interface TrainOutcome {
  status: 'completed' | 'cancelled' | 'diverged';
  reason?: string;
  steps: number;
  bestEpoch: number;
  validation?: Record<string, TaskMetrics>;
  test?: Record<string, TaskMetrics>;
  msPerStep: number; // median
  /** The kernel threads msPerStep and inferenceMsPerExample were measured at (the run's when it started). */
  speedThreads?: number;
  inferenceMsPerExample: number;
  trainableParams: number;
  optimizerStateParams: number;
  paddingShare: number; // share of batch positions that were padding
  tokensPerSec?: number; // real (non-pad) training tokens per second of training steps
  frozenPrefix?: FrozenPrefixInfo;
}

/** How the engine trains, independent of the experiment's options. */
export interface EngineOptions {
  /** Cache the frozen prefix of the encoder (train/frozenPrefix.ts); default on. */
  frozenPrefixCache?: boolean;
  prefixBudgetBytes?: number;
}

export async function train(
  model: Classifier,
  data: TrainData,
  options: TrainOptions,
  seed: number,
  hooks: TrainHooks,
  engine: EngineOptions = {},
): Promise<TrainOutcome> {
  const trainable = model.trainable();
  const budget = engine.prefixBudgetBytes ?? DEFAULT_PREFIX_BUDGET_BYTES;
  const prefix =
    engine.frozenPrefixCache === false
      ? { cache: null, info: { used: false as const, reason: 'turned off' } }
      : FrozenPrefixCache.forRun(model, data.train, data.padId, budget);
  const validationPrefix = prefix.cache ? FrozenPrefixCache.forRun(model, data.validation, data.padId, budget).cache : null;
  const variables = trainable.map(([, v]) => v);
  const optimizer = new AdamW(
    trainable.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    options.weightDecay,
  );
  const lengths = data.train.map((e) => e.ids.length);
  const stepsPerEpoch = Math.ceil(data.train.length / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const warmupSteps = Math.round(totalSteps * options.warmupRatio);
  const stepTimes = new StepTimes();
  const started = performance.now();
  let step = 0;
  let best = -Infinity;
  let bestEpoch = 0;
  let bestWeights: Map<string, { data: Float32Array }> | null = null;
  let bestValidation: Record<string, TaskMetrics> | undefined;
  let epochsWithoutImprovement = 0;
  let tokens = 0;
  let padded = 0;
  let examplesSeen = 0;

  const outcome = (status: TrainOutcome['status'], reason?: string, test?: Record<string, TaskMetrics>, inferenceMsPerExample = 0): TrainOutcome => ({
    status,
    reason,
    steps: step,
    bestEpoch,
    validation: bestValidation,
    test,
    msPerStep: stepTimes.medianMs(),
    speedThreads: stepTimes.threads,
    inferenceMsPerExample,
    trainableParams: variables.reduce((n, v) => n + v.size, 0),
    optimizerStateParams: optimizer.stateSize(),
    paddingShare: padded ? 1 - tokens / padded : 0,
    tokensPerSec: stepTimes.perSecond(tokens),
    frozenPrefix: prefix.info,
  });

  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      for (const indices of bucketedBatches(lengths, options.batchSize, seedFor(seed, `epoch${epoch}`))) {
        if (hooks.cancelled()) return outcome('cancelled', 'cancelled by the user');
        const t0 = performance.now();
        const batch = makeBatch(data.train, indices, data.padId);
        const lr = linearWarmupDecay(step, totalSteps, warmupSteps, options.learningRate);
        prefix.cache?.prepare(indices);
        const result = optimizerStep(
          () => {
            const dropoutSeed = seedFor(seed, `step${step}`);
            const logits = prefix.cache
              ? prefix.cache.logits(indices, batch.input, options.dropout, dropoutSeed)
              : model.logits(batch.input, options.dropout, dropoutSeed);
            const losses = logits.map((l, t) => crossEntropy(l, batch.labels[t]));
            const parts = Object.fromEntries(data.tasks.map((t, i) => [t.name, losses[i]]));
            return { total: tf.addN([...losses, ...model.auxiliaryLosses()]) as tf.Scalar, parts };
          },
          variables,
          optimizer,
          options.maxGradNorm,
          lr,
        );
        disposeBatch(batch);
        if (result.diverged) {
          return outcome(
            'diverged',
            `loss became ${result.loss} at step ${step + 1} (epoch ${epoch}); lower the learning rate (was ${lr.toExponential(2)}) or the gradient clipping norm`,
          );
        }
        step++;
        stepTimes.add(performance.now() - t0);
        tokens += batch.tokens;
        padded += batch.padded;
        examplesSeen += batch.size;

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
            examplesPerSec: (examplesSeen * 1000) / elapsedMs,
            tokensPerSec: (tokens * 1000) / elapsedMs,
          });
        }
        await yieldToEventLoop(); // lets a cancel message in
      }

      const metrics = evaluate(model, data.validation, data, options.batchSize, validationPrefix).metrics;
      const score = meanAccuracy(metrics);
      const improved = score > best;
      hooks.evaluated({ epoch, step, split: 'validation', metrics, score, best: improved, elapsedMs: performance.now() - started });
      if (improved) {
        best = score;
        bestEpoch = epoch;
        bestValidation = metrics;
        bestWeights = snapshot(trainable);
        epochsWithoutImprovement = 0;
        hooks.improved(epoch);
      } else if (options.earlyStoppingPatience > 0 && ++epochsWithoutImprovement >= options.earlyStoppingPatience) {
        break;
      }
    }

    if (bestWeights) restore(trainable, bestWeights);
    const test = stepTimes.atStartThreads(() => evaluate(model, data.test, data, options.batchSize));
    hooks.evaluated({
      epoch: bestEpoch,
      step,
      split: 'test',
      metrics: test.metrics,
      score: meanAccuracy(test.metrics),
      best: true,
      elapsedMs: performance.now() - started,
    });
    return outcome('completed', undefined, test.metrics, test.msPerExample);
  } finally {
    optimizer.dispose();
  }
}

/** Metrics per task on a split, without dropout; also the forward time per example. `prefix`: a cache over `examples`. */
export function evaluate(
  model: Classifier,
  examples: Example[],
  data: TrainData,
  batchSize: number,
  prefix: FrozenPrefixCache | null = null,
): { metrics: Record<string, TaskMetrics>; msPerExample: number } {
  const predicted = data.tasks.map(() => new Int32Array(examples.length));
  const losses = data.tasks.map(() => 0);
  let forwardMs = 0;
  model.inference(() => {
    for (const indices of lengthSortedBatches(
      examples.map((e) => e.ids.length),
      batchSize,
    )) {
      const batch = makeBatch(examples, indices, data.padId);
      prefix?.prepare(indices);
      const t0 = performance.now();
      const [argmaxes, batchLosses] = tf.tidy(() => {
        const logits = prefix ? prefix.logits(indices, batch.input, 0, null) : model.logits(batch.input, 0, null);
        return [logits.map((l) => tf.argMax(l, -1)), logits.map((l, t) => crossEntropy(l, batch.labels[t]))];
      });
      const values = argmaxes.map((a) => a.dataSync());
      forwardMs += performance.now() - t0;
      values.forEach((v, t) => indices.forEach((exampleIndex, row) => (predicted[t][exampleIndex] = v[row])));
      batchLosses.forEach((l, t) => (losses[t] += l.dataSync()[0] * indices.length));
      tf.dispose([...argmaxes, ...batchLosses]);
      disposeBatch(batch);
    }
  });
  const metrics: Record<string, TaskMetrics> = {};
  data.tasks.forEach((task, t) => {
    const actual = Int32Array.from(examples, (e) => e.labels[t]);
    metrics[task.name] = { ...classificationMetrics(predicted[t], actual, task.labels.length), loss: losses[t] / Math.max(1, examples.length) };
  });
  return { metrics, msPerExample: examples.length ? forwardMs / examples.length : 0 };
}

function meanAccuracy(metrics: Record<string, TaskMetrics>): number {
  const values = Object.values(metrics);
  return values.reduce((s, m) => s + m.accuracy, 0) / Math.max(1, values.length);
}

function snapshot(trainable: [string, tf.Variable][]): Map<string, { data: Float32Array }> {
  return new Map(trainable.map(([name, v]) => [name, { data: v.dataSync().slice() as Float32Array }]));
}

function restore(trainable: [string, tf.Variable][], values: Map<string, { data: Float32Array }>): void {
  for (const [name, v] of trainable) {
    const saved = values.get(name);
    if (saved) tf.tidy(() => v.assign(tf.tensor(saved.data, v.shape, 'float32')));
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
