// A trained LoRA, IA³ or ARC adapter folded into a copy of the base (`adapter-lab merge-into-base`), written as a
// Hugging Face folder usable as "base": { "path": … } with the run's head beside it, then checked: the folder,
// loaded back, must give the run's logits; both are timed on the same examples, alternating.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { NotMergeableError, mergedBaseValues, saveMergedBase } from '../adapters/foldIntoBase';
import { Classifier } from '../classifier/classifier';
import { saveHead } from '../io/adapterhub';
import { loadEncoderCheckpoint } from '../io/hfEncoder';
import { BertEncoder } from '../model/bert';
import { Weights } from '../model/weights';
import { type Example, disposeBatch, lengthSortedBatches, makeBatch } from '../train/batches';
import type { LoadedRun } from './loadRunModel';
import { timedEvaluate } from './timedEvaluate';

export interface FoldOptions {
  out?: string; // default: <run>/merged-base
  split: 'validation' | 'test';
  repeats: number;
}

export interface FoldResult {
  run: string;
  adapter: string;
  method: string;
  head: string;
  out: string;
  split: 'validation' | 'test';
  examples: number;
  maxLogitDifference: number;
  accuracy: { adapter: number; merged: number };
  msPerExample: { adapter: number; merged: number };
  cpuMsPerExample: { adapter: number; merged: number };
}

/** Throws NotMergeableError for a run that combines several adapters or whose method is not linear. */
export function foldRunIntoBase(run: LoadedRun, runDir: string, args: FoldOptions): FoldResult {
  let merged: Classifier | undefined;
  try {
    const modules = [...run.model.setup!.modules.values()];
    if (modules.length !== 1)
      throw new NotMergeableError(`${run.record.name} combines ${modules.length} adapters; merge-into-base takes an adapter or merge run (one adapter)`);
    const [module] = modules;
    const outDir = path.resolve(args.out ?? path.join(runDir, 'merged-base'));
    saveMergedBase(outDir, run.base.config, mergedBaseValues(module, run.base.values), run.base.tokenizer, {
      adapter: module.name,
      method: module.method,
      run: run.record.id,
      base: run.base.modelName,
    });
    const [head] = run.model.heads;
    saveHead(path.join(outDir, 'heads', head.name), head.name, head.labels, head.weights, {
      modelName: run.base.modelName,
      hiddenSize: run.base.config.hiddenSize,
    });

    // The folder as a user would load it: a plain encoder, no adapter, the same head.
    const loaded = loadEncoderCheckpoint(outDir, run.config.seed);
    merged = new Classifier(new BertEncoder(loaded.config, new Weights(loaded.values)), [head], null, false, false);
    const examples = run.data[args.split];
    const batchSize = run.plan.options.batchSize;
    const maxDifference = maxLogitDifference(run.model, merged, examples, run.data.padId, batchSize);
    const time = (model: Classifier) => timedEvaluate(model, examples, run.data, batchSize);
    time(run.model); // warm-up
    time(merged);
    // Alternating, so both see the same machine load; the fastest pass of each counts.
    const best = { adapter: { wall: Infinity, cpu: Infinity }, merged: { wall: Infinity, cpu: Infinity } };
    let accuracy = { adapter: 0, merged: 0 };
    for (let r = 0; r < args.repeats; r++) {
      const a = time(run.model);
      const m = time(merged);
      best.adapter = { wall: Math.min(best.adapter.wall, a.msPerExample), cpu: Math.min(best.adapter.cpu, a.cpuMsPerExample) };
      best.merged = { wall: Math.min(best.merged.wall, m.msPerExample), cpu: Math.min(best.merged.cpu, m.cpuMsPerExample) };
      accuracy = { adapter: a.metrics[head.name].accuracy, merged: m.metrics[head.name].accuracy };
    }
    return {
      run: run.record.name,
      adapter: module.name,
      method: module.method,
      head: head.name,
      out: outDir,
      split: args.split,
      examples: examples.length,
      maxLogitDifference: maxDifference,
      accuracy,
      msPerExample: { adapter: best.adapter.wall, merged: best.merged.wall },
      cpuMsPerExample: { adapter: best.adapter.cpu, merged: best.merged.cpu },
    };
  } finally {
    merged?.encoder.weights.dispose();
  }
}

/** Largest |logit difference| of two models with one head each over the examples. */
function maxLogitDifference(a: Classifier, b: Classifier, examples: Example[], padId: number, batchSize: number): number {
  let max = 0;
  for (const indices of lengthSortedBatches(
    examples.map((e) => e.ids.length),
    batchSize,
  )) {
    const batch = makeBatch(examples, indices, padId);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(a.logits(batch.input, 0, null)[0], b.logits(batch.input, 0, null)[0]))).dataSync()[0]);
    max = Math.max(max, difference);
    disposeBatch(batch);
  }
  return max;
}
