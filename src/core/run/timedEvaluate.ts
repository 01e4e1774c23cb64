// Evaluation timed by CPU time as well as wall-clock time, for the speed figures of `adapter-lab drop` and
// `merge-into-base`.
import type { Classifier } from '../classifier/classifier';
import { type TrainData, evaluate } from '../train/loop';

/**
 * `evaluate` with the CPU time it took per example as well: the wasm backend computes on this one thread, so CPU
 * time measures the work even when other processes share the cores (wall-clock time then measures their load too).
 */
export function timedEvaluate(
  model: Classifier,
  examples: TrainData['test'],
  data: TrainData,
  batchSize: number,
): ReturnType<typeof evaluate> & { cpuMsPerExample: number } {
  const start = process.cpuUsage();
  const result = evaluate(model, examples, data, batchSize);
  const used = process.cpuUsage(start);
  return { ...result, cpuMsPerExample: (used.user + used.system) / 1000 / Math.max(1, examples.length) };
}
