// The pre-training model: the encoder plus one small head per objective. The MLM head is BERT's
// (cls.predictions: dense + GELU + LayerNorm, decoder tied to the word embeddings); token objectives use one linear
// layer on every token; genre uses a classification head on the mean-pooled sentence.
import * as tf from '@tensorflow/tfjs';
import { POLARITY_LABELS, POS_TAGS } from '../data/corpora';
import { type BertConfig, BertEncoder } from '../model/bert';
import { ClassificationHead, pool } from '../model/heads';
import { normalValues, seedFor } from '../model/init';
import { dense, dropout, embeddingLookup, gelu, layerNorm } from '../model/ops';
import { Weights, denseWeightShape } from '../model/weights';
import type { ObjectiveName } from './config';
import type { PretrainBatch } from './examples';

export class PretrainModel {
  readonly heads = new Weights();
  readonly genreHead: ClassificationHead | null;

  constructor(
    readonly encoder: BertEncoder,
    readonly objectives: Partial<Record<ObjectiveName, { weight: number }>>,
    genres: string[],
    seed: number,
  ) {
    const c = encoder.config;
    const d = c.hiddenSize;
    const normal = (name: string, n: number) => normalValues(n, 0.02, seedFor(seed, name));
    if (objectives.mlm) {
      this.heads.set('cls.predictions.transform.dense.weight', denseWeightShape(d, d), normal('mlm.dense', d * d));
      this.heads.set('cls.predictions.transform.dense.bias', [d], new Float32Array(d));
      this.heads.set('cls.predictions.transform.LayerNorm.weight', [d], new Float32Array(d).fill(1));
      this.heads.set('cls.predictions.transform.LayerNorm.bias', [d], new Float32Array(d));
      this.heads.set('cls.predictions.bias', [c.vocabSize], new Float32Array(c.vocabSize));
    }
    for (const [name, labels] of [['pos', POS_TAGS.length], ['polarity', POLARITY_LABELS.length]] as const) {
      if (!objectives[name]) continue;
      this.heads.set(`cls.${name}.weight`, denseWeightShape(d, labels), normal(name, d * labels));
      this.heads.set(`cls.${name}.bias`, [labels], new Float32Array(labels));
    }
    this.genreHead = objectives.genre ? new ClassificationHead('genre', genres, 'mean', d, seed) : null;
  }

  get config(): BertConfig {
    return this.encoder.config;
  }

  trainable(): [string, tf.Variable][] {
    return [
      ...this.encoder.weights.entries().filter(([n]) => !n.startsWith('bert.pooler.')),
      ...this.heads.entries(),
      ...(this.genreHead ? this.genreHead.weights.entries() : []),
    ];
  }

  /** Loss per objective (unweighted) and the logits needed for accuracy. */
  forward(b: PretrainBatch, dropoutRate: number, dropoutSeed: number | null) {
    const hidden = this.encoder.forward({ ids: b.ids, typeIds: b.typeIds, mask: b.mask }, { trainBase: true, dropoutRate, dropoutSeed });
    const h = (n: string) => this.heads.get(n);
    const out: Partial<Record<ObjectiveName, { loss: tf.Scalar; logits: tf.Tensor2D; labels: tf.Tensor1D }>> = {};
    if (this.objectives.mlm) {
      const picked = embeddingLookup(hidden, b.mlmPositions); // rows at masked positions; scatter-add gradient
      const t = layerNorm(
        gelu(dense(picked, h('cls.predictions.transform.dense.weight') as tf.Tensor2D, h('cls.predictions.transform.dense.bias') as tf.Tensor1D, true)),
        h('cls.predictions.transform.LayerNorm.weight') as tf.Tensor1D,
        h('cls.predictions.transform.LayerNorm.bias') as tf.Tensor1D,
      );
      const decoder = tf.transpose(this.encoder.weights.get('bert.embeddings.word_embeddings.weight')) as tf.Tensor2D; // tied
      const logits = dense(t, decoder, h('cls.predictions.bias') as tf.Tensor1D, true);
      out.mlm = { loss: maskedCrossEntropy(logits, b.mlmTargets), logits, labels: b.mlmTargets };
    }
    for (const name of ['pos', 'polarity'] as const) {
      if (!this.objectives[name]) continue;
      const logits = dense(dropout(hidden, dropoutRate, dropoutSeed === null ? null : seedFor(dropoutSeed, name)), h(`cls.${name}.weight`) as tf.Tensor2D, h(`cls.${name}.bias`) as tf.Tensor1D, true);
      const labels = name === 'pos' ? b.pos : b.polarity;
      out[name] = { loss: maskedCrossEntropy(logits, labels), logits, labels };
    }
    if (this.genreHead) {
      const pooler = { weight: this.encoder.weights.get('bert.pooler.dense.weight') as tf.Tensor2D, bias: this.encoder.weights.get('bert.pooler.dense.bias') as tf.Tensor1D, trainable: false };
      const logits = this.genreHead.logits(pool(hidden, b.mask, 'mean', pooler), dropoutRate, dropoutSeed);
      out.genre = { loss: maskedCrossEntropy(logits, b.genre), logits, labels: b.genre };
    }
    return out;
  }
}

/** Mean cross-entropy over the rows whose label is ≥ 0 (−1 = ignore); 0 when no row has a label. */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const valid = tf.cast(tf.greaterEqual(labels, 0), 'float32');
  const safe = tf.maximum(labels, tf.scalar(0, 'int32')) as tf.Tensor1D;
  const max = tf.max(logits, -1, true);
  const shifted = tf.sub(logits, max);
  const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1));
  const picked = tf.sum(tf.mul(shifted, tf.oneHot(safe, logits.shape[1])), -1);
  return tf.div(tf.sum(tf.mul(tf.sub(logSumExp, picked), valid)), tf.maximum(tf.sum(valid), 1));
}
