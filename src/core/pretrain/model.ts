// The pre-training model: the encoder plus one small head per objective. The MLM head is BERT's
// (cls.predictions: dense + GELU + LayerNorm, decoder tied to the word embeddings); a token-classification objective
// is one linear layer on every token (cls.{name}); a text-classification objective is a classification head on the
// mean-pooled sentence (heads.{name}, as in experiments); bag of words is an MLM-like head (dense + GELU + LayerNorm,
// decoder tied to the word embeddings, cls.{name}.*) on the mean-pooled sentence.
import * as tf from '@tensorflow/tfjs';
import { type BertEncoder } from '../model/bert';
import { type BertConfig } from '../model/shapes';
import { ClassificationHead, pool } from '../model/heads';
import { normalValues, seedFor } from '../model/init';
import { fusedMaskedCrossEntropy, fusedTargetCrossEntropy, useLossKernels } from '../model/kernels/losses';
import { dense, dropout, embeddingLookup, gelu, layerNorm, tiedOutputLayer } from '../model/ops';
import { Weights } from '../model/weights';
import { denseWeightShape } from '../model/shapes';
import type { PretrainBatch } from './examples';
import type { Objective } from './objectives';

export interface ObjectiveOutput {
  loss: tf.Scalar;
  logits: tf.Tensor2D;
  /** The labels argmax(logits) is scored against, made when asked (evaluation): a training step does not need them. */
  labels(): tf.Tensor1D;
}

export class PretrainModel {
  readonly heads = new Weights(); // MLM and token-classification heads
  readonly textHeads = new Map<string, ClassificationHead>();

  constructor(
    readonly encoder: BertEncoder,
    readonly objectives: readonly Objective[],
    seed: number,
  ) {
    const c = encoder.config;
    const d = c.hiddenSize;
    const normal = (name: string, n: number) => normalValues(n, 0.02, seedFor(seed, name));
    for (const o of objectives) {
      if (o.type === 'masked-lm' || o.type === 'bag-of-words') {
        const prefix = o.type === 'masked-lm' ? 'cls.predictions' : `cls.${o.name}`;
        this.heads.set(`${prefix}.transform.dense.weight`, denseWeightShape(d, d), normal(o.type === 'masked-lm' ? 'mlm.dense' : `${o.name}.dense`, d * d));
        this.heads.set(`${prefix}.transform.dense.bias`, [d], new Float32Array(d));
        this.heads.set(`${prefix}.transform.LayerNorm.weight`, [d], new Float32Array(d).fill(1));
        this.heads.set(`${prefix}.transform.LayerNorm.bias`, [d], new Float32Array(d));
        this.heads.set(`${prefix}.bias`, [c.vocabSize], new Float32Array(c.vocabSize));
      } else if (o.type === 'token-classification') {
        const labels = o.labels.length;
        this.heads.set(`cls.${o.name}.weight`, denseWeightShape(d, labels), normal(o.name, d * labels));
        this.heads.set(`cls.${o.name}.bias`, [labels], new Float32Array(labels));
      } else {
        this.textHeads.set(o.name, new ClassificationHead(o.name, [...o.labels], 'mean', d, seed));
      }
    }
  }

  get config(): BertConfig {
    return this.encoder.config;
  }

  trainable(): [string, tf.Variable][] {
    return [
      ...this.encoder.weights.entries().filter(([n]) => !n.startsWith('bert.pooler.')),
      ...this.heads.entries(),
      ...[...this.textHeads.values()].flatMap((head) => head.weights.entries()),
    ];
  }

  /** Loss per objective (unweighted) and the logits needed for accuracy, in the objectives' order. */
  forward(b: PretrainBatch, dropoutRate: number, dropoutSeed: number | null): Record<string, ObjectiveOutput> {
    const hidden = this.encoder.forward({ ids: b.ids, typeIds: b.typeIds, mask: b.mask }, { trainBase: true, dropoutRate, dropoutSeed });
    const h = (n: string) => this.heads.get(n);
    let pooledSentences: tf.Tensor2D | undefined;
    const pooled = () => {
      if (!pooledSentences) {
        const pooler = {
          weight: this.encoder.weights.get('bert.pooler.dense.weight') as tf.Tensor2D,
          bias: this.encoder.weights.get('bert.pooler.dense.bias') as tf.Tensor1D,
          trainable: false,
        };
        pooledSentences = pool(hidden, b.mask, 'mean', pooler);
      }
      return pooledSentences;
    };
    /** dense + GELU + LayerNorm, then the decoder tied to the word embeddings: logits over the vocabulary. */
    const vocabularyLogits = (x: tf.Tensor2D, prefix: string) => {
      const t = layerNorm(
        gelu(dense(x, h(`${prefix}.transform.dense.weight`) as tf.Tensor2D, h(`${prefix}.transform.dense.bias`) as tf.Tensor1D, true)),
        h(`${prefix}.transform.LayerNorm.weight`) as tf.Tensor1D,
        h(`${prefix}.transform.LayerNorm.bias`) as tf.Tensor1D,
      );
      const words = this.encoder.weights.get('bert.embeddings.word_embeddings.weight') as tf.Tensor2D;
      return tiedOutputLayer(t, words, h(`${prefix}.bias`) as tf.Tensor1D, true);
    };
    const out: Record<string, ObjectiveOutput> = {};
    for (const o of this.objectives) {
      if (o.type === 'masked-lm') {
        const picked = embeddingLookup(hidden, b.mlmPositions); // rows at masked positions; scatter-add gradient
        const logits = vocabularyLogits(picked, 'cls.predictions');
        out[o.name] = { loss: maskedCrossEntropy(logits, b.mlmTargets), logits, labels: () => b.mlmTargets };
      } else if (o.type === 'bag-of-words') {
        if (!b.bagOfWords) throw new Error(`the batch has no bag-of-words targets for the objective "${o.name}"`);
        const logits = vocabularyLogits(pooled(), `cls.${o.name}`);
        const targets = b.bagOfWords;
        out[o.name] = { loss: bagOfWordsLoss(logits, targets), logits, labels: () => bagOfWordsHitLabels(logits, targets) };
      } else if (o.type === 'token-classification') {
        const x = dropout(hidden, dropoutRate, dropoutSeed === null ? null : seedFor(dropoutSeed, o.name));
        const logits = dense(x, h(`cls.${o.name}.weight`) as tf.Tensor2D, h(`cls.${o.name}.bias`) as tf.Tensor1D, true);
        out[o.name] = { loss: maskedCrossEntropy(logits, b.labels[o.name]), logits, labels: () => b.labels[o.name] };
      } else {
        const logits = (this.textHeads.get(o.name) as ClassificationHead).logits(pooled(), dropoutRate, dropoutSeed);
        out[o.name] = { loss: maskedCrossEntropy(logits, b.labels[o.name]), logits, labels: () => b.labels[o.name] };
      }
    }
    return out;
  }
}

/** Cross-entropy of the softmax over the vocabulary against each row's target distribution, mean over rows. */
export function bagOfWordsLoss(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  if (useLossKernels()) return fusedTargetCrossEntropy(logits, targets); // the same formula in one pass per direction
  const max = tf.max(logits, -1, true);
  const shifted = tf.sub(logits, max);
  const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1));
  return tf.mean(tf.sub(logSumExp, tf.sum(tf.mul(shifted, targets), -1)));
}

/**
 * Labels under which "argmax = label" means "the top piece is one of the sentence's": the prediction itself when it
 * is in the sentence, else one that is (held-out accuracy is then precision at 1).
 */
export function bagOfWordsHitLabels(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  const predicted = tf.argMax(logits, -1) as tf.Tensor1D;
  const inSentence = tf.greater(tf.sum(tf.mul(tf.oneHot(predicted, logits.shape[1]), targets), -1), 0);
  return tf.where(inSentence, predicted, tf.argMax(targets, -1)) as tf.Tensor1D;
}

/** Mean cross-entropy over the rows whose label is ≥ 0 (−1 = ignore); 0 when no row has a label. */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (useLossKernels()) return fusedMaskedCrossEntropy(logits, labels); // the same formula in one pass per direction
  const valid = tf.cast(tf.greaterEqual(labels, 0), 'float32');
  const safe = tf.maximum(labels, tf.scalar(0, 'int32')) as tf.Tensor1D;
  const max = tf.max(logits, -1, true);
  const shifted = tf.sub(logits, max);
  const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1));
  const picked = tf.sum(tf.mul(shifted, tf.oneHot(safe, logits.shape[1])), -1);
  return tf.div(tf.sum(tf.mul(tf.sub(logSumExp, picked), valid)), tf.maximum(tf.sum(valid), 1));
}
