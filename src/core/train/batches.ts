// Tokenised examples and padded batches. A batch is padded only to its own longest sequence: review sentences are
// short (median ~15 tokens), so padding every batch to maxLength would spend most of the compute on [PAD].
import * as tf from '@tensorflow/tfjs';
import type { EncoderInput } from '../model/bert';
import type { WordPieceTokenizer } from '../data/tokenizer';
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
  tokenizer: WordPieceTokenizer,
  maxLength: number,
): Example[] {
  return rows.map((row) => ({
    ids: tokenizer.encode(row.text, maxLength).ids,
    labels: tasks.map((t) => t.labels.indexOf(row.labels[t.field])),
  }));
}

/** Batches of `batchSize` examples in a seeded random order (shuffle = true) or in order. */
export function batchOrder(count: number, batchSize: number, seed: number | null): number[][] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (seed !== null) shuffleInPlace(order, createRng(seed));
  const batches: number[][] = [];
  for (let i = 0; i < count; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
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
      tf.tensor1d(Int32Array.from(indices, (i) => examples[i].labels[t]), 'int32'),
    ),
    size: batch,
    tokens,
    padded: batch * length,
  };
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.input.ids, b.input.typeIds, b.input.mask, ...b.labels]);
}
