// Data-parallel training of one run on two cores, bounded from measurements: each of two processes would take the
// step on half the batch, then exchange and average gradients. Its best case is the step on the whole batch over
// the step on half of it (the exchange itself only adds). Measured for the steps of the README example's runs.
import type { BertEncoder } from '../src/core/model/bert';
import { interleaved } from './measure';
import { type BenchModel, syntheticBatch, syntheticExamples } from './models';
import { workloads } from './workloads';

export interface DataParallelResult {
  model: string;
  /** CPU ms of a step on the whole batch and on half of it, and the bound whole / half. */
  steps: { step: string; wholeMs: number; halfMs: number; bound: number }[];
  batch: number;
}

const STEPS = ['full', 'houlsby+cache', 'head-only+cache'];

export function benchDataParallel(bench: BenchModel, encoder: BertEncoder, warmup: number, repeats: number): DataParallelResult {
  const half: BenchModel = { ...bench, batch: bench.batch / 2 };
  const make = (m: BenchModel) => workloads(m, encoder, syntheticBatch(m), false, syntheticExamples(m)).filter((w) => STEPS.includes(w.name));
  const [whole, halves] = [make(bench), make(half)];
  const timings = interleaved([...whole, ...halves], warmup, repeats);
  const ms = (list: typeof whole, step: string) => timings.get(list.find((w) => w.name === step)!)?.cpuMs as number;
  [...whole, ...halves].forEach((w) => w.dispose());
  return {
    model: bench.name,
    batch: bench.batch,
    steps: STEPS.map((step) => ({ step, wholeMs: ms(whole, step), halfMs: ms(halves, step), bound: ms(whole, step) / ms(halves, step) })),
  };
}
