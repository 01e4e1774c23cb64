// The model a run trains: a BERT encoder, optionally an adapter plugged into its layers, and one head per task.
import * as tf from '@tensorflow/tfjs';
import type { BottleneckAdapter } from '../adapters/bottleneck';
import type { BertEncoder, EncoderInput } from './bert';
import { type ClassificationHead, pool } from './heads';

export class Classifier {
  constructor(
    readonly encoder: BertEncoder,
    readonly heads: ClassificationHead[],
    readonly adapter: BottleneckAdapter | null,
    readonly trainBase: boolean,
  ) {}

  /** Name → variable of every weight that gets gradients in this run. */
  trainable(): [string, tf.Variable][] {
    const usesPooler = this.heads.some((h) => h.pooling === 'pooler');
    const base = this.encoder.weights.entries().filter(([name]) => usesPooler || !name.startsWith('bert.pooler.'));
    return [
      ...(this.trainBase ? base : []),
      ...(this.adapter ? this.adapter.weights.entries() : []),
      ...this.heads.flatMap((h) => h.weights.entries()),
    ];
  }

  /** Logits per head, [B, labels]; dropoutSeed null = inference. */
  logits(input: EncoderInput, dropoutRate: number, dropoutSeed: number | null): tf.Tensor2D[] {
    const adapter = this.adapter;
    const hidden = this.encoder.forward(input, {
      trainBase: this.trainBase,
      dropoutRate,
      dropoutSeed,
      hook: adapter ? (layer, position, h, blockInput) => adapter.apply(layer, position, h, blockInput) : undefined,
    });
    const w = this.encoder.weights;
    const pooler = {
      weight: w.get('bert.pooler.dense.weight') as tf.Tensor2D,
      bias: w.get('bert.pooler.dense.bias') as tf.Tensor1D,
      trainable: this.trainBase,
    };
    return this.heads.map((head) => head.logits(pool(hidden, input.mask, head.pooling, pooler), dropoutRate, dropoutSeed));
  }
}
