// `adapter-lab merge-into-base <run>`: a trained LoRA, IA³ or ARC adapter merged into a copy of the base, written as
// a Hugging Face folder usable as "base": { "path": … } (with the run's head beside it), then checked: the folder,
// loaded back, must give the run's logits, and both are timed on the same examples one after the other.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../common/runRecord';
import { NotMergeableError, mergedBaseValues, saveMergedBase } from '../core/adapters/foldIntoBase';
import { saveHead } from '../core/io/adapterhub';
import { loadBertCheckpoint } from '../core/io/hfBert';
import { BertEncoder } from '../core/model/bert';
import { Classifier } from '../core/classifier/classifier';
import { Weights } from '../core/model/weights';
import { timedEvaluate } from '../core/run/loadRunModel';
import { type Example, disposeBatch, lengthSortedBatches, makeBatch } from '../core/train/batches';
import { EXIT } from './exit';
import { loadRunOrReport } from './loadRun';

export interface MergeIntoBaseArgs {
  out?: string;
  split: 'validation' | 'test';
  repeats: number;
  backend?: BackendName;
  json?: boolean;
}

export async function mergeIntoBaseCommand(runDir: string, args: MergeIntoBaseArgs): Promise<number> {
  const loaded = await loadRunOrReport(runDir, args.backend);
  if (!loaded) return EXIT.badInput;
  const { run, backend } = loaded;
  let merged: Classifier | undefined;
  try {
    const modules = [...run.model.setup!.modules.values()];
    if (modules.length !== 1) {
      console.error(`${run.record.name} combines ${modules.length} adapters; merge-into-base takes an adapter or merge run (one adapter)`);
      return EXIT.badInput;
    }
    const [module] = modules;
    const outDir = path.resolve(args.out ?? path.join(runDir, 'merged-base'));
    saveMergedBase(outDir, run.base.config, mergedBaseValues(module, run.base.values), run.base.tokenizer, {
      adapter: module.name,
      method: module.method,
      run: run.record.id,
      base: run.base.modelName,
    });
    const [head] = run.model.heads;
    saveHead(path.join(outDir, 'heads', head.name), head.name, head.labels, head.weights, { modelName: run.base.modelName, hiddenSize: run.base.config.hiddenSize });

    // The folder as a user would load it: a plain encoder, no adapter, the same head.
    const loaded = loadBertCheckpoint(outDir, run.config.seed);
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
    const result = {
      run: run.record.name,
      adapter: module.name,
      method: module.method,
      out: outDir,
      backend: backend.name,
      split: args.split,
      examples: examples.length,
      maxLogitDifference: maxDifference,
      accuracy,
      msPerExample: { adapter: best.adapter.wall, merged: best.merged.wall },
      cpuMsPerExample: { adapter: best.adapter.cpu, merged: best.merged.cpu },
    };
    if (args.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(`${module.method} adapter "${module.name}" of ${run.record.name} merged into ${run.base.modelName} → ${outDir}`);
      console.log(`  use it as "base": { "path": ${JSON.stringify(outDir)} }; its ${head.name} head is in heads/${head.name}/`);
      console.log(`  ${args.split} split, ${examples.length} examples, backend ${backend.name}: largest logit difference merged vs adapter ${maxDifference.toExponential(2)}`);
      console.log(`  ${head.name} accuracy ${(100 * accuracy.adapter).toFixed(1)}% with the adapter, ${(100 * accuracy.merged).toFixed(1)}% merged`);
      const { adapter, merged: folded } = result.cpuMsPerExample;
      const saved = Math.round(100 * (1 - folded / adapter));
      console.log(`  CPU ms / example: ${adapter.toFixed(3)} with the adapter, ${folded.toFixed(3)} merged (${Math.abs(saved)}% ${saved >= 0 ? 'less' : 'more'}); wall-clock ${best.adapter.wall.toFixed(3)} vs ${best.merged.wall.toFixed(3)}`);
    }
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof NotMergeableError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  } finally {
    merged?.encoder.weights.dispose();
    run.dispose();
  }
}

/** Largest |logit difference| of two models with one head each over the examples. */
function maxLogitDifference(a: Classifier, b: Classifier, examples: Example[], padId: number, batchSize: number): number {
  let max = 0;
  for (const indices of lengthSortedBatches(examples.map((e) => e.ids.length), batchSize)) {
    const batch = makeBatch(examples, indices, padId);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(a.logits(batch.input, 0, null)[0], b.logits(batch.input, 0, null)[0]))).dataSync()[0]);
    max = Math.max(max, difference);
    disposeBatch(batch);
  }
  return max;
}
