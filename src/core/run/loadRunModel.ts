// A finished run's model rebuilt from its folder (the config snapshot in run.json and the weights it saved), for
// evaluating it again: AdapterDrop at every n (`adapter-lab drop`), speed measurements.
import * as path from 'path';
import type { ExperimentConfig } from '../config/types';
import type { TaskMetrics } from '../../common/events';
import { loadAdapter, loadHead } from '../adapters/load';
import { isPrefix } from '../adapters/modules/index';
import { buildComposition } from './buildComposition';
import { AdapterSetup } from '../composition/setup';
import { parallelBlock } from '../composition/tree';
import { type BaseModel, ExperimentInputError, loadBase, loadExperimentData, trainData } from './experiment';
import { type RunPlan, planRuns } from './plan';
import { readRun } from '../io/runStore';
import { type RunRecord } from '../../common/runRecord';
import { BertEncoder } from '../model/bert';
import { Classifier } from '../classifier/classifier';
import { Weights } from '../model/weights';
import { type TrainData, evaluate } from '../train/loop';

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
  if (record.status !== 'completed') throw new ExperimentInputError(`${runDir}: run ${record.name} is ${record.status}, not completed`);
  const config = record.config as ExperimentConfig;
  const plan = planRuns(config).find((p) => p.name === record.name);
  if (!plan) throw new ExperimentInputError(`${runDir}: the config snapshot has no run named ${record.name}`);
  if (plan.type === 'full' || plan.type === 'head-only') throw new ExperimentInputError(`${record.name} has no adapters; give an adapter, composition or merge run`);
  const experimentData = loadExperimentData(config);
  const base = loadBase(config, experimentData);
  const encoder = new BertEncoder(base.config, new Weights(base.values));
  const dims = base.config;
  let model: Classifier;
  let dispose: () => void;
  if (plan.composition) {
    const built = buildComposition(config, config.compositions.find((c) => c.name === plan.composition)!, experimentData.labels, encoder, runDir);
    [model, dispose] = [built.model, built.dispose];
  } else {
    const merge = config.merges.find((m) => m.name === plan.merge);
    const spec = merge ? { ...config.adapters.find((a) => a.name === merge.adapters[0])!, name: merge.name, task: merge.task } : config.adapters.find((a) => a.name === plan.adapter)!;
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

export interface DropPoint {
  skipped: number; // layers whose adapters were skipped (the first n)
  metrics: Record<string, TaskMetrics>;
  msPerExample: number; // wall-clock forward time
  cpuMsPerExample: number; // CPU time of the whole evaluation: steadier than wall-clock on a shared machine
  /** Parallel runs: the same branches run one after the other, one pass each (summed). */
  separateMsPerExample?: number;
  separateCpuMsPerExample?: number;
}

/**
 * `evaluate` with the CPU time it took per example as well: the wasm backend computes on this one thread, so CPU
 * time measures the work even when other processes share the cores (wall-clock time then measures their load too).
 */
export function timedEvaluate(model: Classifier, examples: TrainData['test'], data: TrainData, batchSize: number): ReturnType<typeof evaluate> & { cpuMsPerExample: number } {
  const start = process.cpuUsage();
  const result = evaluate(model, examples, data, batchSize);
  const used = process.cpuUsage(start);
  return { ...result, cpuMsPerExample: (used.user + used.system) / 1000 / Math.max(1, examples.length) };
}

/** One Classifier per Parallel branch, sharing the run's encoder, adapters and heads: the branches run separately. */
function branchModels(run: LoadedRun): { model: Classifier; task: string }[] {
  const setup = run.model.setup!;
  const parallel = parallelBlock(setup.tree);
  if (!parallel) return [];
  return parallel.children.map((branch, i) => {
    const single = new AdapterSetup(branch, setup.modules, setup.fusions, setup.layers, setup.options);
    return { model: new Classifier(run.model.encoder, [run.model.heads[i]], single, false, false), task: run.plan.tasks[i] };
  });
}

/**
 * Test metrics and time per example (wall-clock and CPU) with the adapters of the first n layers dropped,
 * n = 0 … L (L: no adapter at all). Times are the best of `repeats` passes, after one warm-up pass; for a Parallel
 * run the separate passes are timed in turn with the one-pass model, so both see the same machine load.
 */
export function adapterDropSweep(run: LoadedRun, split: 'validation' | 'test' = 'test', repeats = 2): DropPoint[] {
  const setup = run.model.setup!;
  const examples = run.data[split];
  const batchSize = run.plan.options.batchSize;
  const branches = branchModels(run);
  const saved = setup.inferenceSkip;
  const points: DropPoint[] = [];
  const time = (model: Classifier) => timedEvaluate(model, examples, run.data, batchSize);
  time(run.model); // warm-up: kernels compiled, memory allocated
  branches.forEach((b) => time(b.model));
  for (let n = 0; n <= setup.layers; n++) {
    for (const m of [run.model, ...branches.map((b) => b.model)]) m.setup!.inferenceSkip = n;
    let best: ReturnType<typeof time> | undefined;
    let [separate, separateCpu] = [Infinity, Infinity];
    for (let r = 0; r < repeats; r++) {
      const once = time(run.model);
      if (!best || once.cpuMsPerExample < best.cpuMsPerExample) best = { ...once, msPerExample: Math.min(once.msPerExample, best?.msPerExample ?? Infinity) };
      else best.msPerExample = Math.min(best.msPerExample, once.msPerExample);
      if (branches.length) {
        const passes = branches.map((b) => time(b.model));
        separate = Math.min(separate, passes.reduce((sum, p) => sum + p.msPerExample, 0));
        separateCpu = Math.min(separateCpu, passes.reduce((sum, p) => sum + p.cpuMsPerExample, 0));
      }
    }
    points.push({
      skipped: n,
      metrics: best!.metrics,
      msPerExample: best!.msPerExample,
      cpuMsPerExample: best!.cpuMsPerExample,
      ...(branches.length && { separateMsPerExample: separate, separateCpuMsPerExample: separateCpu }),
    });
  }
  setup.inferenceSkip = saved;
  return points;
}
