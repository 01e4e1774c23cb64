// The frozen-prefix cache (src/core/train/frozenPrefix.ts) measured for the runs of the README example: a training
// step without the cache (the encoder's frozen part runs every step, with dropout), filling the cache for one
// batch (paid once per example, in the first epoch), and a step from the cache; then the projected training time
// of a whole run (the example's epochs over its 2,100 training sentences).
import { crossEntropy } from '../src/core/model/ops';
import type { Batch, Example } from '../src/core/train/batches';
import { FrozenPrefixCache, describeCut, frozenPrefixCut } from '../src/core/train/frozenPrefix';
import type { BertEncoder } from '../src/core/model/bert';
import { interleaved } from './measure';
import { type BenchMethod, type BenchModel, buildClassifier } from './models';
import { optimizerFor, trainingStep } from './workloads';

/** Medians, CPU ms (see measure.ts). */
export interface PrefixCase {
  run: string; // 'head-only' or an adapter method
  cut: string;
  uncachedStepMs: number;
  fillMs: number; // filling the cache for one batch
  cachedStepMs: number;
  /** A whole run of `epochs` over `examples` (the bench model's batch size), without → with the cache. */
  projection: { examples: number; epochs: number; uncachedS: number; cachedS: number };
}

export interface PrefixResult {
  cases: PrefixCase[];
}

const DROPOUT = 0.1;
/** The README example: head-only 12 epochs, adapters 15, over 2,100 training sentences. */
const RUNS: { adapter: BenchMethod | null; epochs: number }[] = [
  { adapter: null, epochs: 12 },
  { adapter: 'houlsby', epochs: 15 },
];

export function benchFrozenPrefix(
  bench: BenchModel,
  encoder: BertEncoder,
  examples: Example[],
  batch: Batch,
  warmup: number,
  repeats: number,
  trainExamples = 2100,
): PrefixResult {
  const indices = examples.map((_, i) => i);
  const cases = RUNS.map(({ adapter, epochs }) => {
    const { classifier: model, dispose } = buildClassifier(bench, encoder, adapter, false);
    const variables = model.trainable().map(([, v]) => v);
    const optimizer = optimizerFor(model);
    const newCache = () => {
      const { cache } = FrozenPrefixCache.forRun(model, examples, 0);
      if (!cache) throw new Error('the bench batch must fit the cache budget');
      return cache;
    };
    const cache = newCache();
    cache.prepare(indices);
    let step = 0;
    const uncached = { run: () => trainingStep(variables, optimizer, () => crossEntropy(model.logits(batch.input, DROPOUT, step++)[0], batch.labels[0])) };
    const fill = { run: () => newCache().prepare(indices) };
    const cached = {
      run: () => trainingStep(variables, optimizer, () => crossEntropy(cache.logits(indices, batch.input, DROPOUT, step++)[0], batch.labels[0])),
    };
    const timings = interleaved([uncached, fill, cached], warmup, repeats);
    const ms = (t: { run(): void }) => timings.get(t)?.cpuMs as number;
    const batches = Math.ceil(trainExamples / bench.batch);
    const cut = frozenPrefixCut(model);
    optimizer.dispose();
    dispose();
    return {
      run: adapter ?? 'head-only',
      cut: 'kind' in cut ? describeCut(cut) : cut.reason,
      uncachedStepMs: ms(uncached),
      fillMs: ms(fill),
      cachedStepMs: ms(cached),
      projection: {
        examples: trainExamples,
        epochs,
        uncachedS: (batches * epochs * ms(uncached)) / 1000,
        cachedS: (batches * ms(fill) + batches * epochs * ms(cached)) / 1000,
      },
    };
  });
  return { cases };
}
