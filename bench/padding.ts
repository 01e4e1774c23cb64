// "No wasted tokens": the share of batch positions that are padding on the README example's training split, for
// three ways of batching one epoch — every batch padded to maxLength, shuffled batches padded to their longest
// sentence, and the trainer's length-bucketed batches (train/batches.ts) — averaged over the example's epochs.
import * as path from 'node:path';
import { loadConfig } from '../src/core/config/validate';
import { loadBase, loadExperimentData, trainData } from '../src/core/run/experiment';
import { createRng, shuffleInPlace } from '../src/core/data/random';
import { seedFor } from '../src/core/model/init';
import { bucketedBatches } from '../src/core/train/batches';

export interface PaddingResult {
  config: string;
  examples: number;
  batchSize: number;
  maxLength: number;
  medianTokens: number;
  /** Share of positions that are padding, and the mean padded length, per way of batching. */
  ways: { name: string; paddingShare: number; meanPaddedLength: number }[];
}

const CONFIG = path.join(__dirname, '..', 'examples', 'reviews.adapterlab.json');

export function benchPadding(epochs = 15): PaddingResult {
  const { config } = loadConfig(CONFIG);
  if (!config) throw new Error(`${CONFIG} does not load`);
  const data = loadExperimentData(config);
  const base = loadBase(config, data);
  const { batchSize, maxLength } = config.train.adapter ?? { batchSize: 32, maxLength: 64 };
  const train = trainData(
    data,
    config,
    config.tasks.map((t) => t.name),
    base.tokenizer,
    maxLength,
  ).train;
  const lengths = train.map((e) => e.ids.length);
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const share = (name: string, perEpoch: (epoch: number) => number[][]) => {
    let positions = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (const batch of perEpoch(epoch)) positions += batch.length * (name === 'padded to maxLength' ? maxLength : Math.max(...batch.map((i) => lengths[i])));
    }
    return { name, paddingShare: 1 - (tokens * epochs) / positions, meanPaddedLength: positions / epochs / lengths.length };
  };
  const shuffled = (epoch: number) => {
    const order = shuffleInPlace(
      lengths.map((_, i) => i),
      createRng(seedFor(1, `epoch${epoch}`)),
    );
    return Array.from({ length: Math.ceil(order.length / batchSize) }, (_, b) => order.slice(b * batchSize, (b + 1) * batchSize));
  };
  const sorted = [...lengths].sort((a, b) => a - b);
  return {
    config: path.relative(path.join(__dirname, '..'), CONFIG),
    examples: train.length,
    batchSize,
    maxLength,
    medianTokens: sorted[Math.floor(sorted.length / 2)],
    ways: [
      share('padded to maxLength', shuffled),
      share('shuffled, padded to the longest in the batch', shuffled),
      share('length-bucketed (the trainer)', (epoch) => bucketedBatches(lengths, batchSize, seedFor(1, `epoch${epoch}`))),
    ],
  };
}
