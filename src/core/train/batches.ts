// Tokenised examples and padded batches. A batch is padded only to its own longest sequence: review sentences are
// short (median ~15 tokens), so padding every batch to maxLength would spend most of the compute on [PAD].
import * as tf from '@tensorflow/tfjs';
import type { EncoderInput } from '../model/bert';
import type { SentenceTokenizer } from '../data/hfTokenizer';
import { createRng, shuffleInPlace } from '../data/random';

export interface Example {
  ids: number[];
  labels: number[]; // one label index per task, in task order
}

export interface Batch {
  input: EncoderInput;
  labels: tf.Tensor1D[]; // per task, [B] int32
  size: number;
  tokens: number; // real (non-pad) tokens
  padded: number; // B × T
}

export function encodeExamples(
  rows: { text: string; labels: Record<string, string> }[],
  tasks: { field: string; labels: string[] }[],
  tokenizer: SentenceTokenizer,
  maxLength: number,
): Example[] {
  return rows.map((row) => ({
    ids: tokenizer.encode(row.text, maxLength).ids,
    labels: tasks.map((t) => t.labels.indexOf(row.labels[t.field])),
  }));
}

/** Batches for evaluation: indices sorted by length, so each batch pads little. */
export function lengthSortedBatches(lengths: number[], batchSize: number): number[][] {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/**
 * Length-bucketed batches for training, seeded: shuffle, sort each pool of `poolBatches` batches by length, cut it
 * into batches, shuffle the batches. Examples of similar length share a batch, so little is padded, and the order
 * still changes every epoch.
 */
export function bucketedBatches(lengths: number[], batchSize: number, seed: number, poolBatches = 50): number[][] {
  const rng = createRng(seed);
  const order = shuffleInPlace(
    Array.from({ length: lengths.length }, (_, i) => i),
    rng,
  );
  const batches: number[][] = [];
  const poolSize = batchSize * poolBatches;
  for (let start = 0; start < order.length; start += poolSize) {
    const pool = order.slice(start, start + poolSize).sort((a, b) => lengths[a] - lengths[b]);
    for (let i = 0; i < pool.length; i += batchSize) batches.push(pool.slice(i, i + batchSize));
  }
  return shuffleInPlace(batches, rng);
}

export function makeBatch(examples: Example[], indices: number[], padId: number): Batch {
  const batch = indices.length;
  const length = Math.max(...indices.map((i) => examples[i].ids.length));
  const ids = new Int32Array(batch * length).fill(padId);
  const mask = new Float32Array(batch * length);
  let tokens = 0;
  indices.forEach((exampleIndex, row) => {
    const ex = examples[exampleIndex].ids;
    ids.set(ex, row * length);
    mask.fill(1, row * length, row * length + ex.length);
    tokens += ex.length;
  });
  const taskCount = examples[indices[0]].labels.length;
  return {
    input: {
      ids: tf.tensor2d(ids, [batch, length], 'int32'),
      typeIds: tf.zeros([batch, length], 'int32') as tf.Tensor2D,
      mask: tf.tensor2d(mask, [batch, length], 'float32'),
    },
    labels: Array.from({ length: taskCount }, (_, t) =>
      tf.tensor1d(
        Int32Array.from(indices, (i) => examples[i].labels[t]),
        'int32',
      ),
    ),
    size: batch,
    tokens,
    padded: batch * length,
  };
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.input.ids, b.input.typeIds, b.input.mask, ...b.labels]);
}
