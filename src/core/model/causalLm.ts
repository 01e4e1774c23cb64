// The causal language-modelling objective of the decoder: each token predicted from the ones before it. Used to
// pre-train a decoder base, to train an adapter as a language model of one attribute's sentences, and to measure the
// fluency of generated text (perplexity under the base).
import * as tf from '@tensorflow/tfjs';
import { type DecoderForwardOptions, type Gpt2Decoder } from './gpt2';
import { fusedMaskedCrossEntropy, useLossKernels } from './kernels/losses';
import { crossEntropy, embeddingLookup } from './ops';

/** Sequences of different lengths as one right-padded batch [B, T] and the rows [B·T] whose next token is a target. */
function nextTokenTargets(sequences: readonly (readonly number[])[]): { ids: number[][]; rows: number[]; labels: number[] } {
  const length = Math.max(...sequences.map((s) => s.length));
  if (length < 2) throw new Error('a language-model batch needs a sequence of at least 2 tokens');
  const rows: number[] = [];
  const labels: number[] = [];
  sequences.forEach((s, b) => {
    for (let t = 0; t + 1 < s.length; t++) {
      rows.push(b * length + t);
      labels.push(s[t + 1]);
    }
  });
  // Padding goes after each sequence: a causal model never reads it from an earlier position, so its id is arbitrary.
  return { ids: sequences.map((s) => [...s, ...new Array<number>(length - s.length).fill(0)]), rows, labels };
}

/** A batch's tensors; made before the loss is taken (its gradient reads `rows` after the forward pass), then disposed. */
export interface LmBatch {
  ids: tf.Tensor2D; // [B, T] int32, right-padded
  rows: tf.Tensor1D; // [n] rows of the B·T positions that predict a token
  labels: tf.Tensor1D; // [n] the token each predicts
  predictions: number; // n
}

export function lmBatch(sequences: readonly (readonly number[])[]): LmBatch {
  const { ids, rows, labels } = nextTokenTargets(sequences);
  return { ids: tf.tensor2d(ids, undefined, 'int32'), rows: tf.tensor1d(rows, 'int32'), labels: tf.tensor1d(labels, 'int32'), predictions: rows.length };
}

export function disposeLmBatch(batch: LmBatch): void {
  tf.dispose([batch.ids, batch.rows, batch.labels]);
}

/** Mean cross-entropy (nats per predicted token) of a batch. */
export function causalLmLoss(decoder: Gpt2Decoder, batch: LmBatch, opts: DecoderForwardOptions): tf.Scalar {
  const hidden = decoder.forward(batch.ids, opts);
  // Only the rows with a target reach the [n, vocab] head; embeddingLookup's gradient is a scatter (wasm has no gather gradient).
  const logits = decoder.logits(embeddingLookup(hidden, batch.rows), opts.trainBase ?? false);
  // Every row has a label: the masked mean is the plain mean, fused into one pass per direction where it can run.
  return useLossKernels() ? fusedMaskedCrossEntropy(logits, batch.labels) : crossEntropy(logits, batch.labels);
}

/**
 * Perplexity of token sequences under the decoder: exp of the mean negative log-likelihood per predicted token, over
 * all sequences (a sequence of n tokens predicts n − 1). `adapters` as for generation, made afresh for each pass.
 */
export function perplexity(
  decoder: Gpt2Decoder,
  sequences: readonly (readonly number[])[],
  batchSize: number,
  adapters?: () => Pick<DecoderForwardOptions, 'hook' | 'linearHook' | 'prefixHook'>,
): number {
  const scored = sequences.filter((s) => s.length >= 2);
  if (!scored.length) throw new Error('perplexity needs a sequence of at least 2 tokens');
  let nats = 0;
  let tokens = 0;
  for (let i = 0; i < scored.length; i += batchSize) {
    const batch = lmBatch(scored.slice(i, i + batchSize));
    const mean = tf.tidy(() => causalLmLoss(decoder, batch, { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...adapters?.() }).dataSync()[0]);
    nats += mean * batch.predictions;
    tokens += batch.predictions;
    disposeLmBatch(batch);
  }
  return Math.exp(nats / tokens);
}
