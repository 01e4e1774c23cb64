// `adapter-lab drop`: a finished run evaluated with the adapters of the first n layers dropped, for every n, with
// accuracy and time per example; for a Parallel run also its branches one pass each, to show what one pass saves.
import type { TaskMetrics } from '../../common/events';
import { Classifier } from '../classifier/classifier';
import { AdapterSetup } from '../composition/setup';
import { parallelBlock } from '../composition/tree';
import type { LoadedRun } from './loadRunModel';
import { timedEvaluate } from './timedEvaluate';

export interface DropPoint {
  skipped: number; // layers whose adapters were skipped (the first n)
  metrics: Record<string, TaskMetrics>;
  msPerExample: number; // wall-clock forward time
  cpuMsPerExample: number; // CPU time of the whole evaluation: steadier than wall-clock on a shared machine
  /** Parallel runs: the same branches run one after the other, one pass each (summed). */
  separateMsPerExample?: number;
  separateCpuMsPerExample?: number;
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
        separate = Math.min(
          separate,
          passes.reduce((sum, p) => sum + p.msPerExample, 0),
        );
        separateCpu = Math.min(
          separateCpu,
          passes.reduce((sum, p) => sum + p.cpuMsPerExample, 0),
        );
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
