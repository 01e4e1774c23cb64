// Classification heads, one per task (attribute), named as AdapterHub's ClassificationHead:
// heads.{name}.1 = Linear(d, d) → tanh → heads.{name}.4 = Linear(d, labels). Dropout sits at .0 and .3.
import * as tf from '@tensorflow/tfjs';
import type { Pooling } from '../config/types';
import { dense, dropout } from './ops';
import { normalValues, seedFor } from './init';
import { Weights } from './weights';
import { denseWeightShape } from './shapes';

export class ClassificationHead {
  readonly weights = new Weights();

  constructor(
    readonly name: string,
    readonly labels: string[],
    readonly pooling: Pooling,
    readonly hiddenSize: number,
    seed: number,
    /**
     * Features read besides the base's d (K-adapter outputs, concatenated after it). Their rows of the first dense
     * layer start at zero, so a new head computes what a head on the base alone with this seed computes.
     */
    readonly extraInputs = 0,
  ) {
    const d = hiddenSize;
    const n = labels.length;
    const p = `heads.${name}`;
    const first = new Float32Array((d + extraInputs) * d);
    first.set(normalValues(d * d, 0.02, seedFor(seed, `${p}.1`)));
    this.weights.set(`${p}.1.weight`, denseWeightShape(d + extraInputs, d), first);
    this.weights.set(`${p}.1.bias`, [d], new Float32Array(d));
    this.weights.set(`${p}.4.weight`, denseWeightShape(d, n), normalValues(d * n, 0.02, seedFor(seed, `${p}.4`)));
    this.weights.set(`${p}.4.bias`, [n], new Float32Array(n));
  }

  /** Logits [B, labels] from pooled sentence vectors [B, d + extraInputs]. */
  logits(pooled: tf.Tensor2D, dropoutRate: number, dropoutSeed: number | null): tf.Tensor2D {
    const w = (n: string) => this.weights.get(`heads.${this.name}.${n}`);
    const seed = (site: string) => (dropoutSeed === null ? null : seedFor(dropoutSeed, `head.${this.name}.${site}`));
    const x = dropout(pooled, dropoutRate, seed('0'));
    const h = dropout(tf.tanh(dense(x, w('1.weight') as tf.Tensor2D, w('1.bias') as tf.Tensor1D, true)), dropoutRate, seed('3'));
    return dense(h, w('4.weight') as tf.Tensor2D, w('4.bias') as tf.Tensor1D, true);
  }
}

/**
 * One vector per sentence from hidden states [B·T, d]. `mean` averages real tokens (padding excluded); `cls` takes
 * [CLS]; `pooler` is BERT's pooler, tanh(dense([CLS])), whose weights belong to the base.
 */
export function pool(
  hidden: tf.Tensor2D,
  mask: tf.Tensor2D,
  pooling: Pooling,
  pooler: { weight: tf.Tensor2D; bias: tf.Tensor1D; trainable: boolean },
): tf.Tensor2D {
  const [batch, length] = mask.shape;
  const h3 = tf.reshape(hidden, [batch, length, -1]);
  if (pooling === 'mean') {
    const m = tf.expandDims(mask, 2);
    return tf.div(tf.sum(tf.mul(h3, m), 1), tf.sum(m, 1)) as tf.Tensor2D;
  }
  const cls = tf.reshape(tf.slice(h3, [0, 0, 0], [batch, 1, -1]), [batch, -1]) as tf.Tensor2D;
  return pooling === 'cls' ? cls : tf.tanh(dense(cls, pooler.weight, pooler.bias, pooler.trainable));
}
