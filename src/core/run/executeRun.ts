// Executes one planned run into its run folder: builds the model, trains (or, for a composition that trains nothing,
// only evaluates), writes metrics as it goes, saves the best weights in AdapterHub / Hugging Face layout and writes
// summary.json. Used by the trainer process.
import * as path from 'path';
import type { ExperimentConfig } from '../config/types';
import type { EvalEvent, TaskMetrics } from '../../common/events';
import { createAdapter } from '../adapters/modules/index';
import { AdapterSetup } from '../composition/setup';
import { type BuiltComposition, type RunFinder, buildComposition, buildMerge } from './buildComposition';
import { type BaseModel, type ExperimentData, trainData } from './experiment';
import { writeTrainedSummary } from './trainedSummary';
import { type RunHooks, type RunResult, recordingHooks } from './runHooks';
import { knowledgeAdapterOf, runKnowledge } from './knowledge';
import { type RunPlan } from './plan';
import { type SavedModelInfo, saveAdapter, saveEncoderModel, saveHead } from '../io/adapterhub';
import { writeJsonAtomic } from '../io/atomic';
import { appendMetric, folderBytes } from '../io/runStore';
import { BertEncoder } from '../model/bert';
import { Classifier } from '../classifier/classifier';
import { ClassificationHead } from '../model/heads';
import { seedFor } from '../model/init';
import { headExtraInputs } from '../parameters/counts';
import { Weights } from '../model/weights';
import { type TrainData, type TrainOutcome, evaluate, train } from '../train/loop';

export type { RunHooks, RunResult } from './runHooks';

export async function runPlannedRun(
  config: ExperimentConfig,
  plan: RunPlan,
  data: ExperimentData,
  base: BaseModel,
  run: { id: string; dir: string; backend: string; findRun?: RunFinder },
  hooks: RunHooks,
): Promise<RunResult> {
  const knowledgeAdapter = knowledgeAdapterOf(config, plan);
  if (knowledgeAdapter) return runKnowledge(config, plan, knowledgeAdapter, base, run, hooks);
  const started = performance.now();
  const encoder = new BertEncoder(base.config, new Weights(base.values));
  const info: SavedModelInfo = { modelName: base.modelName, hiddenSize: base.config.hiddenSize, modelType: base.config.modelType };
  const built = plan.type === 'composition' ? buildCombined(config, plan, data, encoder, run.findRun) : buildSingle(config, plan, data, encoder);
  const model = built.model;
  const save = () => built.save(run.dir, info);

  try {
    const td = trainData(data, config, plan.tasks, base.tokenizer, plan.options.maxLength);
    const outcome = built.trains
      ? await train(model, td, plan.options, seedFor(config.seed, plan.name), recordingHooks(run.dir, hooks, save))
      : evaluateOnly(model, td, plan.options.batchSize, (e) => {
          appendMetric(run.dir, { kind: 'eval', ...e });
          hooks.evaluated(e);
        });
    if (outcome.status === 'completed') save(); // the best epoch's weights, restored by train()

    const baseParams = encoder.weights.size();
    const addedParams =
      (model.setup ? [...model.setup.modules.values(), ...model.setup.fusions.values()].reduce((n, m) => n + m.weights.size(), 0) : 0) +
      model.heads.reduce((n, h) => n + h.weights.size(), 0);
    const totalParams = baseParams + addedParams;
    const summary = writeTrainedSummary(
      { ...run, name: plan.name, type: plan.type, base: base.description, startedMs: started },
      outcome,
      totalParams,
      Object.fromEntries(plan.tasks.map((t) => [t, built.bytesPerTask(run.dir, t)])),
    );
    return { outcome, summary };
  } finally {
    encoder.weights.dispose();
    built.dispose();
  }
}

interface BuiltRun extends BuiltComposition {
  /** What serving one attribute needs besides the shared base. */
  bytesPerTask(runDir: string, task: string): number;
}

/** An adapter run (one adapter + its task's head), full fine-tuning or head-only. */
function buildSingle(config: ExperimentConfig, plan: RunPlan, data: ExperimentData, encoder: BertEncoder): BuiltRun {
  const d = encoder.config.hiddenSize;
  const taskSpecs = plan.tasks.map((name) => config.tasks.find((t) => t.name === name)!);
  const spec = plan.adapter ? config.adapters.find((a) => a.name === plan.adapter) : undefined;
  const extra = spec ? headExtraInputs(spec, d) : 0;
  const heads = taskSpecs.map(
    (t) => new ClassificationHead(t.name, data.labels.get(t.name) ?? [], t.pooling, d, seedFor(config.seed, `head:${plan.name}`), extra),
  );
  const adapter = spec ? createAdapter(spec, encoder.config, seedFor(config.seed, `adapter:${spec.name}`)) : null;
  const setup = adapter && spec ? AdapterSetup.single(adapter, encoder.config.layers, spec.adapterDrop) : null;
  const adapterDir = (runDir: string) => path.join(runDir, 'adapters', spec?.name ?? '');
  return {
    model: new Classifier(encoder, heads, setup, plan.type === 'full'),
    trains: true,
    save(runDir, info) {
      if (adapter) {
        saveAdapter(adapterDir(runDir), adapter, info);
        for (const h of heads) saveHead(adapterDir(runDir), h.name, h.labels, h.weights, info);
      } else {
        for (const h of heads) saveHead(path.join(runDir, 'heads', h.name), h.name, h.labels, h.weights, info);
      }
      if (plan.type === 'full') saveEncoderModel(path.join(runDir, 'model'), encoder.config, encoder.weights);
      writeJsonAtomic(path.join(runDir, 'adapter_setup.json'), {
        adapter_setup: spec ? spec.name : null,
        head_setup: plan.tasks.length === 1 ? plan.tasks[0] : plan.tasks,
      });
    },
    bytesPerTask: (runDir, task) =>
      spec
        ? folderBytes(adapterDir(runDir))
        : folderBytes(path.join(runDir, 'heads', task)) + (plan.type === 'full' ? folderBytes(path.join(runDir, 'model')) : 0),
    dispose() {
      adapter?.weights.dispose();
      heads.forEach((h) => h.weights.dispose());
    },
  };
}

/** A composition or merge run of trained adapters. */
function buildCombined(config: ExperimentConfig, plan: RunPlan, data: ExperimentData, encoder: BertEncoder, findRun?: RunFinder): BuiltRun {
  const merge = plan.merge ? config.merges.find((m) => m.name === plan.merge) : undefined;
  const composition = config.compositions.find((c) => c.name === plan.composition);
  const built = merge
    ? buildMerge(config, merge, data.labels, encoder, findRun)
    : buildComposition(config, composition!, data.labels, encoder, undefined, findRun);
  return {
    ...built,
    // The fusion layers (shared by the outputs) and the output's head; a merge: the new adapter and its head.
    bytesPerTask: (runDir, task) =>
      merge ? folderBytes(path.join(runDir, 'adapters', merge.name)) : folderBytes(path.join(runDir, 'fusion')) + folderBytes(path.join(runDir, 'heads', task)),
  };
}

/** A run that trains nothing: validation and test metrics of the model as loaded. */
function evaluateOnly(model: Classifier, data: TrainData, batchSize: number, evaluated: (e: EvalEvent) => void): TrainOutcome {
  const started = performance.now();
  const score = (m: Record<string, TaskMetrics>) => Object.values(m).reduce((s, x) => s + x.accuracy, 0) / Math.max(1, Object.keys(m).length);
  const validation = evaluate(model, data.validation, data, batchSize).metrics;
  evaluated({ epoch: 0, step: 0, split: 'validation', metrics: validation, score: score(validation), best: true, elapsedMs: performance.now() - started });
  const test = evaluate(model, data.test, data, batchSize);
  evaluated({ epoch: 0, step: 0, split: 'test', metrics: test.metrics, score: score(test.metrics), best: true, elapsedMs: performance.now() - started });
  return {
    status: 'completed',
    steps: 0,
    bestEpoch: 0,
    validation,
    test: test.metrics,
    msPerStep: 0,
    inferenceMsPerExample: test.msPerExample,
    trainableParams: 0,
    optimizerStateParams: 0,
    paddingShare: 0,
  };
}
