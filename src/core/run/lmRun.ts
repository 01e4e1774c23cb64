// The runs of a decoder experiment (causal-lm tasks): an attribute adapter — one adapter trained as a language model
// of the rows carrying its task's value, the decoder frozen — or full fine-tuning of the decoder on those rows (the
// reference). Validation perplexity after each epoch picks the best epoch, whose weights are kept and saved
// (adapters under AdapterHub's GPT-2 names, a fine-tuned decoder as a Hugging Face GPT-2 folder); test perplexity of
// those weights ends the run.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { EvalEvent, TaskMetrics } from '../../common/events';
import type { ExperimentConfig, TaskSpec } from '../config/types';
import { createAdapter } from '../adapters/modules/index';
import type { AdapterModule } from '../adapters/modules/module';
import { AdapterSetup } from '../composition/setup';
import type { ByteLevelBpeTokenizer } from '../data/bpeTokenizer';
import type { Row } from '../data/load';
import { type SavedModelInfo, saveAdapter } from '../io/adapterhub';
import { writeJsonAtomic } from '../io/atomic';
import { BUILTIN_MODELS, builtinModelDir } from '../io/builtinModels';
import { CheckpointError } from '../io/hfConfig';
import { loadGpt2Checkpoint, writeGpt2Checkpoint } from '../io/hfGpt2';
import { folderBytes } from '../io/runStore';
import { SafetensorsError } from '../io/safetensors';
import { causalLmLoss, disposeLmBatch, lmBatch } from '../model/causalLm';
import { Gpt2Decoder, type Gpt2Config } from '../model/gpt2';
import { seedFor } from '../model/init';
import { Weights } from '../model/weights';
import { AdamW, decays } from '../train/adamw';
import { bucketedBatches } from '../train/batches';
import { type AdapterOptions, lmMetrics } from '../train/lmMetrics';
import type { TrainOutcome } from '../train/loop';
import { linearWarmupDecay } from '../train/schedule';
import { optimizerStep } from '../train/step';
import { ExperimentInputError, type ExperimentData } from './experiment';
import type { RunPlan } from './plan';
import { type RunHooks, type RunResult, recordingHooks } from './runHooks';
import { writeTrainedSummary } from './trainedSummary';
import { StepTimes } from '../train/stepTimes';

export interface DecoderBase {
  config: Gpt2Config;
  tokenizer: ByteLevelBpeTokenizer;
  values: Map<string, { shape: number[]; data: Float32Array }>;
  description: string;
  modelName: string;
}

/** The decoder base of a causal-lm experiment: a built-in decoder or a GPT-2 folder. */
export function loadDecoderBase(config: Pick<ExperimentConfig, 'base'>): DecoderBase {
  const base = config.base;
  if (base.kind === 'random') throw new ExperimentInputError('causal-lm tasks need a pre-trained decoder base: "base": { "builtin": "lab-gpt" }');
  const dir = base.kind === 'path' ? base.path : builtinModelDir(base.name);
  if (!dir) throw new ExperimentInputError(`no built-in base "${base.kind === 'builtin' ? base.name : ''}"; built-in bases: ${BUILTIN_MODELS.join(', ')}`);
  try {
    const loaded = loadGpt2Checkpoint(dir);
    const c = loaded.config;
    const name = base.kind === 'builtin' ? `builtin:${base.name}` : path.basename(dir);
    return {
      ...loaded,
      description: `${name}, GPT-2-layout decoder, ${c.layers} layers × ${c.hiddenSize}`,
      modelName: base.kind === 'builtin' ? `adapter-lab/${base.name}` : name,
    };
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof SafetensorsError) throw new ExperimentInputError(e.message);
    throw e;
  }
}

/** The texts a causal-lm task models in each split: the rows whose field holds the task's value. */
export function taskTexts(data: ExperimentData, task: TaskSpec): { train: string[]; validation: string[]; test: string[] } {
  const pick = (rows: Row[]) => rows.filter((r) => r.labels[task.field] === task.value).map((r) => r.text);
  const texts = { train: pick(data.rows.train), validation: pick(data.rows.validation), test: pick(data.rows.test) };
  if (!texts.train.length || !texts.validation.length) {
    const found = data.labels.get(task.name) ?? [];
    throw new ExperimentInputError(
      `task "${task.name}": no ${texts.train.length ? 'validation' : 'training'} row has "${task.field}" = "${task.value}" (values found: ${found.join(', ')})`,
    );
  }
  return texts;
}

/** A text as the decoder is trained to write it: from `<|endoftext|>` to `<|endoftext|>`, as in pre-training. */
export function lmSequence(tokenizer: ByteLevelBpeTokenizer, text: string, maxLength: number): number[] {
  const eos = tokenizer.endOfTextId;
  if (eos === null) throw new ExperimentInputError("the decoder's vocabulary has no <|endoftext|> token to start and end sentences with");
  return [eos, ...tokenizer.encode(text), eos].slice(0, maxLength);
}

export async function runLanguageModelRun(
  config: ExperimentConfig,
  plan: RunPlan,
  data: ExperimentData,
  base: DecoderBase,
  run: { id: string; dir: string; backend: string },
  hooks: RunHooks,
): Promise<RunResult> {
  const started = performance.now();
  const task = config.tasks.find((t) => t.name === plan.tasks[0]);
  if (!task || task.objective !== 'causal-lm') throw new ExperimentInputError(`run ${plan.name}: task ${plan.tasks[0]} is not a causal-lm task`);
  const texts = taskTexts(data, task);
  const o = plan.options;
  const encode = (list: string[]) => list.map((t) => lmSequence(base.tokenizer, t, Math.min(o.maxLength, base.config.maxPositions)));
  const split = { train: encode(texts.train), validation: encode(texts.validation), test: encode(texts.test) };
  const decoder = new Gpt2Decoder(base.config, new Weights(base.values));
  const spec = plan.adapter ? config.adapters.find((a) => a.name === plan.adapter) : undefined;
  const dims = { hiddenSize: base.config.hiddenSize, intermediateSize: base.config.intermediateSize, layers: base.config.layers };
  const adapter: AdapterModule | null = spec ? createAdapter(spec, dims, seedFor(config.seed, `adapter:${spec.name}`)) : null;
  const setup = adapter ? AdapterSetup.single(adapter, base.config.layers, spec?.adapterDrop) : null;
  const full = plan.type === 'full';
  const trainable: [string, tf.Variable][] = full ? decoder.weights.entries() : (setup?.trainable() ?? []);
  const info: SavedModelInfo = { modelName: base.modelName, hiddenSize: base.config.hiddenSize, modelType: 'gpt2' };
  const adapterDir = path.join(run.dir, 'adapters', spec?.name ?? '');
  const modelDir = path.join(run.dir, 'model');
  const save = () => {
    if (adapter) saveAdapter(adapterDir, adapter, info);
    if (full) writeGpt2Checkpoint(modelDir, base.config, snapshot(trainable), base.tokenizer);
    writeJsonAtomic(path.join(run.dir, 'adapter_setup.json'), {
      adapter_setup: spec ? spec.name : null,
      head_setup: null,
      objective: 'causal-lm',
      task: task.name,
    });
  };
  try {
    const outcome = await trainLanguageModel(
      decoder,
      setup,
      full,
      trainable,
      split,
      o,
      seedFor(config.seed, plan.name),
      recordingHooks(run.dir, hooks, save),
      task.name,
    );
    if (outcome.status === 'completed') save();
    const baseParams = decoder.weights.size();
    const totalParams = baseParams + (adapter ? adapter.weights.size() : 0);
    const summary = writeTrainedSummary({ ...run, name: plan.name, type: plan.type, base: base.description, startedMs: started }, outcome, totalParams, {
      [task.name]: folderBytes(adapter ? adapterDir : modelDir),
    });
    return { outcome, summary };
  } finally {
    decoder.weights.dispose();
    adapter?.weights.dispose();
  }
}

function snapshot(variables: [string, tf.Variable][]): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map(variables.map(([name, v]) => [name, { shape: [...v.shape], data: (v.dataSync() as Float32Array).slice() }]));
}

/** Epochs over the task's sequences; the epoch with the lowest validation perplexity is kept (early stopping by it). */
async function trainLanguageModel(
  decoder: Gpt2Decoder,
  setup: AdapterSetup | null,
  full: boolean,
  trainable: [string, tf.Variable][],
  split: { train: number[][]; validation: number[][]; test: number[][] },
  o: ExperimentConfig['train']['adapter'],
  seed: number,
  hooks: ReturnType<typeof recordingHooks>,
  taskName: string,
): Promise<TrainOutcome> {
  const variables = trainable.map(([, v]) => v);
  const optimizer = new AdamW(
    trainable.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    o.weightDecay,
  );
  const lengths = split.train.map((s) => s.length);
  const stepsPerEpoch = Math.ceil(split.train.length / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const warmupSteps = Math.round(totalSteps * o.warmupRatio);
  const inference: AdapterOptions | undefined = setup ? () => setup.forwardOptions(0, null) : undefined;
  const trainedParams = variables.reduce((n, v) => n + v.size, 0);
  let best:
    { epoch: number; perplexity: number; values: Map<string, { shape: number[]; data: Float32Array }>; validation: Record<string, TaskMetrics> } | undefined;
  let step = 0;
  let sinceBest = 0;
  const stepTimes = new StepTimes();
  let tokens = 0;
  const outcome = (status: TrainOutcome['status'], reason?: string): TrainOutcome => ({
    status,
    reason,
    steps: step,
    bestEpoch: best?.epoch ?? 0,
    validation: best?.validation,
    msPerStep: stepTimes.medianMs(),
    speedThreads: stepTimes.threads,
    inferenceMsPerExample: 0,
    trainableParams: trainedParams,
    optimizerStateParams: 2 * trainedParams,
    paddingShare: 0,
    tokensPerSec: stepTimes.totalMs ? stepTimes.perSecond(tokens) : undefined,
  });
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (const indices of bucketedBatches(lengths, o.batchSize, seedFor(seed, `epoch${epoch}`))) {
        if (hooks.cancelled()) return outcome('cancelled', `cancelled at step ${step}`);
        const t0 = performance.now();
        const batch = lmBatch(indices.map((i) => split.train[i]));
        const lr = linearWarmupDecay(step, totalSteps, warmupSteps, o.learningRate);
        const dropoutSeed = seedFor(seed, `step${step}`);
        const result = optimizerStep(
          () => {
            const loss = causalLmLoss(decoder, batch, {
              trainBase: full,
              dropoutRate: o.dropout,
              dropoutSeed,
              ...setup?.forwardOptions(o.dropout, dropoutSeed),
            });
            return { total: loss, parts: { [taskName]: loss } };
          },
          variables,
          optimizer,
          o.maxGradNorm,
          lr,
        );
        tokens += batch.predictions;
        disposeLmBatch(batch);
        if (result.diverged) return outcome('diverged', `loss became ${result.loss} at step ${step + 1}; lower the learning rate`);
        step++;
        stepTimes.add(performance.now() - t0);
        if (step % o.logEvery === 0 || step === totalSteps) {
          hooks.progress({
            step,
            totalSteps,
            epoch: step / stepsPerEpoch,
            loss: result.loss,
            lossPerTask: result.parts,
            learningRate: lr,
            gradNorm: result.gradNorm,
            elapsedMs: stepTimes.totalMs,
            examplesPerSec: (step * o.batchSize * 1000) / stepTimes.totalMs,
            tokensPerSec: stepTimes.perSecond(tokens),
          });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const validation = { [taskName]: lmMetrics(decoder, split.validation, o.batchSize, inference) };
      const perplexity = validation[taskName].perplexity as number;
      const improved = !best || perplexity < best.perplexity;
      const event: EvalEvent = {
        epoch,
        step,
        split: 'validation',
        metrics: validation,
        score: -Math.log(perplexity),
        best: improved,
        elapsedMs: stepTimes.totalMs,
      };
      hooks.evaluated(event);
      if (improved) {
        best = { epoch, perplexity, values: snapshot(trainable), validation };
        sinceBest = 0;
        hooks.improved(epoch);
      } else if (o.earlyStoppingPatience > 0 && ++sinceBest >= o.earlyStoppingPatience) break;
    }
    // The best epoch's weights, then the test split measured with them.
    if (best) tf.tidy(() => trainable.forEach(([name, v]) => v.assign(tf.tensor(best!.values.get(name)!.data, v.shape))));
    const t0 = performance.now();
    const test = { [taskName]: stepTimes.atStartThreads(() => lmMetrics(decoder, split.test.length ? split.test : split.validation, o.batchSize, inference)) };
    const testMs = performance.now() - t0;
    hooks.evaluated({
      epoch: best?.epoch ?? 0,
      step,
      split: 'test',
      metrics: test,
      score: -Math.log(test[taskName].perplexity as number),
      best: true,
      elapsedMs: stepTimes.totalMs,
    });
    return { ...outcome('completed'), test, inferenceMsPerExample: testMs / Math.max(1, split.test.length) };
  } finally {
    optimizer.dispose();
  }
}
