// How well a decoder predicts held-out text: perplexity (exp of the mean loss per predicted token) and next-token
// accuracy. Used by the pre-training's held-out evaluation, a causal-lm run's validation and the steering report.
import * as tf from '@tensorflow/tfjs';
import type { TaskMetrics } from '../../common/events';
import { disposeLmBatch, lmBatch } from '../model/causalLm';
import type { DecoderForwardOptions, Gpt2Decoder } from '../model/gpt2';
import { crossEntropy, embeddingLookup } from '../model/ops';
import { lengthSortedBatches } from './batches';

export type AdapterOptions = () => Pick<DecoderForwardOptions, 'hook' | 'linearHook' | 'prefixHook'>;

/** Perplexity and next-token accuracy of sequences under the decoder (with `adapters`, fresh per pass). */
export function lmMetrics(decoder: Gpt2Decoder, sequences: number[][], batchSize: number, adapters?: AdapterOptions): TaskMetrics {
  let nats = 0;
  let hits = 0;
  let count = 0;
  const scored = sequences.filter((s) => s.length >= 2);
  for (const indices of lengthSortedBatches(
    scored.map((s) => s.length),
    batchSize,
  )) {
    const batch = lmBatch(indices.map((i) => scored[i]));
    const [loss, correct] = tf.tidy(() => {
      const hidden = decoder.forward(batch.ids, { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...adapters?.() });
      const logits = decoder.logits(embeddingLookup(hidden, batch.rows));
      return [crossEntropy(logits, batch.labels).dataSync()[0], tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), batch.labels), 'int32')).dataSync()[0]];
    });
    nats += loss * batch.predictions;
    hits += correct;
    count += batch.predictions;
    disposeLmBatch(batch);
  }
  const loss = nats / Math.max(1, count);
  return { accuracy: count ? hits / count : 0, macroF1: count ? hits / count : 0, loss, count, perplexity: Math.exp(loss) };
}
