// One sentence through a loaded run, as the Playground shows it: each task's label probabilities, the forward time
// per example with the adapters of the first n layers dropped (AdapterDrop), and each Fuse block's attention over
// its adapters per layer (read through FusionLayer.observe).
import * as tf from '@tensorflow/tfjs';
import type { FusionAttention, RunPrediction } from '../../common/playground';
import { adapterNames, blocksOf, fusionName, isBlock } from '../composition/tree';
import type { LoadedRun } from './loadRunModel';

/** `drop`: layers whose adapters are skipped (clipped to 0…L); `repeats`: timed passes, the fastest counts. */
export function predictSentence(run: LoadedRun, text: string, drop: number, repeats = 5): Omit<RunPrediction, 'dir'> {
  const { model } = run;
  const setup = model.setup;
  const layers = run.base.config.layers;
  const encoded = run.base.tokenizer.encode(text, run.plan.options.maxLength);
  const dropped = setup ? Math.max(0, Math.min(layers, Math.round(drop))) : 0;
  const saved = setup?.inferenceSkip;
  const fusions = fusionAttention(run);
  const input = () => ({
    ids: tf.tensor2d([encoded.ids], undefined, 'int32'),
    typeIds: tf.tensor2d([encoded.typeIds], undefined, 'int32'),
    mask: tf.ones([1, encoded.ids.length]) as tf.Tensor2D,
  });
  const pass = () => model.inference(() => tf.tidy(() => model.logits(input(), 0, null).map((l) => tf.softmax(l).dataSync() as Float32Array)));
  try {
    if (setup) setup.inferenceSkip = dropped;
    // The first pass reads the fusion attention (and warms up); the timed passes observe nothing.
    observeFusions(run, fusions.observe);
    const probabilities = pass();
    observeFusions(run, null);
    // CPU time, as `adapter-lab drop` measures: the wasm backend computes on this one thread, and on a shared
    // machine wall-clock time would count the other processes too.
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const start = process.cpuUsage();
      pass();
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return {
      name: run.plan.name,
      type: run.plan.type,
      tasks: run.data.tasks.map((task, t) => {
        const p = Array.from(probabilities[t]);
        return { task: task.name, labels: task.labels, probabilities: p, predicted: task.labels[p.indexOf(Math.max(...p))] };
      }),
      msPerExample: best,
      layers,
      dropped,
      hasAdapters: setup !== null,
      fusions: fusions.result,
    };
  } finally {
    observeFusions(run, null);
    if (setup && saved !== undefined) setup.inferenceSkip = saved;
  }
}

type Observer = (fusion: string, site: { layer: number; position: 'attention' | 'output' } | 'heads', attention: tf.Tensor2D) => void;

function observeFusions(run: LoadedRun, observer: Observer | null): void {
  for (const [name, fusion] of run.model.setup?.fusions ?? []) fusion.observe = observer && ((site, a) => observer(name, site, a));
}

/** Empty attention tables for the run's Fuse blocks, and the observer that fills them (mean over the tokens). */
function fusionAttention(run: LoadedRun): { result: FusionAttention[]; observe: Observer } {
  const tree = run.model.setup?.tree;
  const result: FusionAttention[] = (tree ? blocksOf(tree, 'Fuse') : []).map((fuse) => ({
    fusion: fusionName(fuse),
    adapters: fuse.children.map((c) => (isBlock(c) ? `${c.kind}(${adapterNames(c).join(', ')})` : c.name)),
    sites: [],
  }));
  return {
    result,
    observe: (fusion, site, attention) => {
      const table = result.find((f) => f.fusion === fusion);
      const where = site === 'heads' ? { layer: run.base.config.layers, position: 'heads' as const } : site;
      table?.sites.push({ ...where, weights: Array.from(tf.mean(attention, 0).dataSync()) });
    },
  };
}
