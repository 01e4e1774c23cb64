// A finished run's model rebuilt from its folder (the config snapshot in run.json and the weights it saved), for
// evaluating it again: AdapterDrop at every n (`adapter-lab drop`), folding into the base, speed measurements, and
// the Playground (which also shows full fine-tuning and head-only runs: loadTrainedRun).
import * as path from 'path';
import type { ExperimentConfig } from '../config/types';
import { loadAdapter, loadHead } from '../adapters/load';
import { isPrefix } from '../adapters/modules/index';
import { buildComposition } from './buildComposition';
import { AdapterSetup } from '../composition/setup';
import { type BaseModel, ExperimentInputError, loadBase, loadExperimentData, trainData } from './experiment';
import { type RunPlan, planRuns } from './plan';
import { readRun } from '../io/runStore';
import { loadEncoderWeights } from '../io/hfEncoder';
import { type RunRecord } from '../../common/runRecord';
import { BertEncoder } from '../model/bert';
import { Classifier } from '../classifier/classifier';
import { Weights } from '../model/weights';
import type { TrainData } from '../train/loop';

export interface LoadedRun {
  record: RunRecord;
  config: ExperimentConfig;
  plan: RunPlan;
  base: BaseModel;
  model: Classifier;
  data: TrainData;
  dispose(): void;
}

/** Rebuilds the model of a completed run that has adapters (adapter, composition and merge runs). */
export function loadRunModel(runDir: string): LoadedRun {
  const record = readRun(runDir);
  const plan = planRuns(record.config as ExperimentConfig).find((p) => p.name === record.name);
  if (plan?.type === 'full' || plan?.type === 'head-only')
    throw new ExperimentInputError(`${record.name} has no adapters; give an adapter, composition or merge run`);
  return loadTrainedRun(runDir);
}

/** Rebuilds the model of any completed run: also full fine-tuning (its model/ folder) and head-only (heads/). */
export function loadTrainedRun(runDir: string): LoadedRun {
  const record = readRun(runDir);
  if (record.status !== 'completed') throw new ExperimentInputError(`${runDir}: run ${record.name} is ${record.status}, not completed`);
  const config = record.config as ExperimentConfig;
  const plan = planRuns(config).find((p) => p.name === record.name);
  if (!plan) throw new ExperimentInputError(`${runDir}: the config snapshot has no run named ${record.name}`);
  const experimentData = loadExperimentData(config);
  const base = loadBase(config, experimentData);
  // Full fine-tuning changed the encoder itself: its weights come from the run's model/ folder.
  const values = plan.type === 'full' ? loadEncoderWeights(path.join(runDir, 'model'), config.seed).values : base.values;
  const encoder = new BertEncoder(base.config, new Weights(values));
  const dims = base.config;
  let model: Classifier;
  let dispose: () => void;
  if (plan.type === 'full' || plan.type === 'head-only') {
    const heads = plan.tasks.map((name) => {
      const task = config.tasks.find((t) => t.name === name)!;
      return loadHead(path.join(runDir, 'heads', name), name, experimentData.labels.get(name) ?? [], task.pooling, dims.hiddenSize);
    });
    model = new Classifier(encoder, heads, null, false, false);
    dispose = () => heads.forEach((h) => h.weights.dispose());
  } else if (plan.composition) {
    const built = buildComposition(
      config,
      config.compositions.find((c) => c.name === plan.composition)!,
      experimentData.labels,
      encoder,
      runDir,
    );
    [model, dispose] = [built.model, built.dispose];
  } else {
    const merge = config.merges.find((m) => m.name === plan.merge);
    const spec = merge
      ? { ...config.adapters.find((a) => a.name === merge.adapters[0])!, name: merge.name, task: merge.task }
      : config.adapters.find((a) => a.name === plan.adapter)!;
    const dir = path.join(runDir, 'adapters', spec.name);
    const task = config.tasks.find((t) => t.name === spec.task)!;
    const adapter = loadAdapter(dir, spec, dims);
    if (isPrefix(adapter)) adapter.eject(); // inference only: the flat prefix, no MLP
    const head = loadHead(dir, task.name, experimentData.labels.get(task.name) ?? [], task.pooling, dims.hiddenSize);
    model = new Classifier(encoder, [head], AdapterSetup.single(adapter, dims.layers, spec.adapterDrop), false, false);
    dispose = () => {
      adapter.weights.dispose();
      head.weights.dispose();
    };
  }
  return {
    record,
    config,
    plan,
    base,
    model,
    data: trainData(experimentData, config, plan.tasks, base.tokenizer, plan.options.maxLength),
    dispose: () => {
      dispose();
      encoder.weights.dispose();
    },
  };
}
