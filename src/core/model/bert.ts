// A BERT encoder in TensorFlow.js, in the manner of nanoGPT's model.py: one function per block, shapes in comments.
// Weights are named exactly as in Hugging Face's BertModel (prefix `bert.`), so checkpoints map one to one. Dense
// weights are held as [in, out] (HF: [out, in]); `io/hf` transposes when reading and writing.
//
// Activations are 2-D [B·T, d] between blocks: plain 2-D matMul is the fast path on wasm.
import * as tf from '@tensorflow/tfjs';
import type { EncoderShape } from '../config/types';
import { attention, dense, dropout, dropoutMultiplier, embeddingLookup, gelu, layerNorm } from './ops';
import { normalValues, seedFor } from './init';
import { type Weights, denseWeightShape } from './weights';

export interface BertConfig extends EncoderShape {
  typeVocabSize: number;
  layerNormEps: number;
}

export type AdapterPosition = 'attention' | 'output';

/** Examples and tokens per example of the rows [B·T, d] a hook sees (B counts every copy once replicated). */
export interface RowShape {
  batch: number;
  length: number;
}

/** Where adapters plug into a layer: after a block's output projection, before its residual LayerNorm. */
export interface LayerHook {
  /** `hidden` is the block's output [n, d]; `blockInput` what the block read (for adapters placed in parallel). */
  (layer: number, position: AdapterPosition, hidden: tf.Tensor2D, blockInput: tf.Tensor2D, shape: RowShape): tf.Tensor2D;
}

/**
 * Around each frozen dense layer of a layer (`name` as in HF, e.g. "attention.self.query"): `base` computes the
 * frozen layer; the hook returns its output with adapters applied (LoRA, IA³, ARC).
 */
export interface LinearHook {
  (layer: number, name: string, input: tf.Tensor2D, base: (x: tf.Tensor2D) => tf.Tensor2D, shape: RowShape): tf.Tensor2D;
}

export interface EncoderInput {
  ids: tf.Tensor2D; // [B, T] int32
  typeIds: tf.Tensor2D; // [B, T] int32
  mask: tf.Tensor2D; // [B, T] float32, 1 = token, 0 = padding
}

export interface ForwardOptions {
  trainBase: boolean; // false: base weights are frozen (no weight gradients computed)
  dropoutRate: number;
  dropoutSeed: number | null; // null = inference, no dropout
  hook?: LayerHook;
  linearHook?: LinearHook;
  /**
   * Parallel composition: the hidden states are replicated `copies` times (copy-major rows) before layer `atLayer`,
   * so the layers below run once for all branches. `atLayer` = layers replicates the output.
   */
  replicate?: { atLayer: number; copies: number };
}

/** Names and shapes of every weight of a BERT encoder with this config (HF naming; dense as [in, out]). */
export function bertWeightShapes(c: BertConfig): Map<string, number[]> {
  const d = c.hiddenSize;
  const shapes = new Map<string, number[]>([
    ['bert.embeddings.word_embeddings.weight', [c.vocabSize, d]],
    ['bert.embeddings.position_embeddings.weight', [c.maxPositions, d]],
    ['bert.embeddings.token_type_embeddings.weight', [c.typeVocabSize, d]],
    ['bert.embeddings.LayerNorm.weight', [d]],
    ['bert.embeddings.LayerNorm.bias', [d]],
  ]);
  for (let i = 0; i < c.layers; i++) {
    const p = `bert.encoder.layer.${i}`;
    for (const m of ['query', 'key', 'value']) {
      shapes.set(`${p}.attention.self.${m}.weight`, denseWeightShape(d, d));
      shapes.set(`${p}.attention.self.${m}.bias`, [d]);
    }
    shapes.set(`${p}.attention.output.dense.weight`, denseWeightShape(d, d));
    shapes.set(`${p}.attention.output.dense.bias`, [d]);
    shapes.set(`${p}.attention.output.LayerNorm.weight`, [d]);
    shapes.set(`${p}.attention.output.LayerNorm.bias`, [d]);
    shapes.set(`${p}.intermediate.dense.weight`, denseWeightShape(d, c.intermediateSize));
    shapes.set(`${p}.intermediate.dense.bias`, [c.intermediateSize]);
    shapes.set(`${p}.output.dense.weight`, denseWeightShape(c.intermediateSize, d));
    shapes.set(`${p}.output.dense.bias`, [d]);
    shapes.set(`${p}.output.LayerNorm.weight`, [d]);
    shapes.set(`${p}.output.LayerNorm.bias`, [d]);
  }
  shapes.set('bert.pooler.dense.weight', denseWeightShape(d, d));
  shapes.set('bert.pooler.dense.bias', [d]);
  return shapes;
}

/** BERT's initialisation: N(0, 0.02) for matrices and embeddings, LayerNorm 1/0, biases 0. */
export function initBertWeights(c: BertConfig, seed: number): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const [name, shape] of bertWeightShapes(c)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (name.endsWith('LayerNorm.weight')) values.set(name, new Float32Array(size).fill(1));
    else if (name.endsWith('.bias')) values.set(name, new Float32Array(size));
    else values.set(name, normalValues(size, 0.02, seedFor(seed, name)));
  }
  return values;
}

export class BertEncoder {
  constructor(
    readonly config: BertConfig,
    readonly weights: Weights,
  ) {}

  /** Hidden states of the last layer, [B·T, d] ([copies·B·T, d] when replicated for Parallel). */
  forward(input: EncoderInput, opts: ForwardOptions): tf.Tensor2D {
    let [batch, length] = input.ids.shape;
    let additiveMask = tf.reshape(tf.mul(tf.sub(1, input.mask), -1e9), [batch, 1, 1, length]) as tf.Tensor4D;
    let h = this.embed(input, opts);
    for (let i = 0; i <= this.config.layers; i++) {
      if (opts.replicate && opts.replicate.atLayer === i) {
        const copies = opts.replicate.copies;
        h = tf.tile(h, [copies, 1]);
        additiveMask = tf.tile(additiveMask, [copies, 1, 1, 1]);
        batch *= copies;
      }
      if (i < this.config.layers) h = this.layer(i, h, additiveMask, batch, length, opts);
    }
    return h;
  }

  embed(input: EncoderInput, opts: ForwardOptions): tf.Tensor2D {
    const [batch, length] = input.ids.shape;
    if (length > this.config.maxPositions) {
      throw new Error(`sequence length ${length} exceeds the model's ${this.config.maxPositions} positions`);
    }
    const w = (n: string) => this.weights.get(`bert.embeddings.${n}`);
    const lookup = (table: tf.Tensor2D, ids: tf.Tensor2D) =>
      opts.trainBase ? embeddingLookup(table, tf.reshape(ids, [-1])) : tf.gather(table, tf.reshape(ids, [-1]));
    const words = lookup(w('word_embeddings.weight') as tf.Tensor2D, input.ids); // [B·T, d]
    const types = lookup(w('token_type_embeddings.weight') as tf.Tensor2D, input.typeIds);
    const positionTable = w('position_embeddings.weight') as tf.Tensor2D;
    const positions = tf.tile(tf.slice(positionTable, [0, 0], [length, -1]), [batch, 1]); // [B·T, d]
    const sum = tf.add(tf.add(words, types), positions) as tf.Tensor2D;
    const normed = layerNorm(sum, w('LayerNorm.weight') as tf.Tensor1D, w('LayerNorm.bias') as tf.Tensor1D, this.config.layerNormEps);
    return dropout(normed, opts.dropoutRate, seedOf(opts, 'embeddings'));
  }

  /** One transformer layer: attention block then feed-forward block, each residual + post-LayerNorm. */
  layer(i: number, x: tf.Tensor2D, additiveMask: tf.Tensor4D, batch: number, length: number, opts: ForwardOptions): tf.Tensor2D {
    const p = `bert.encoder.layer.${i}`;
    const shape: RowShape = { batch, length };
    const frozen = (name: string) => (input: tf.Tensor2D) =>
      dense(input, this.weights.get(`${p}.${name}.weight`) as tf.Tensor2D, this.weights.get(`${p}.${name}.bias`) as tf.Tensor1D, opts.trainBase);
    const linear = (name: string, input: tf.Tensor2D) => (opts.linearHook ? opts.linearHook(i, name, input, frozen(name), shape) : frozen(name)(input));
    const norm = (name: string, input: tf.Tensor2D) =>
      layerNorm(input, this.weights.get(`${p}.${name}.weight`) as tf.Tensor1D, this.weights.get(`${p}.${name}.bias`) as tf.Tensor1D, this.config.layerNormEps);

    // Attention block
    const context = this.selfAttention(i, x, additiveMask, batch, length, opts, linear);
    let attnOut = dropout(linear('attention.output.dense', context), opts.dropoutRate, seedOf(opts, `${i}.attn`));
    if (opts.hook) attnOut = opts.hook(i, 'attention', attnOut, x, shape);
    const h = norm('attention.output.LayerNorm', tf.add(attnOut, x));

    // Feed-forward block
    const inner = gelu(linear('intermediate.dense', h)); // [n, ffn]
    let ffnOut = dropout(linear('output.dense', inner), opts.dropoutRate, seedOf(opts, `${i}.ffn`));
    if (opts.hook) ffnOut = opts.hook(i, 'output', ffnOut, h, shape);
    return norm('output.LayerNorm', tf.add(ffnOut, h));
  }

  private selfAttention(
    i: number,
    x: tf.Tensor2D,
    additiveMask: tf.Tensor4D,
    batch: number,
    length: number,
    opts: ForwardOptions,
    linear: (name: string, input: tf.Tensor2D) => tf.Tensor2D,
  ): tf.Tensor2D {
    const heads = this.config.heads;
    const q = linear('attention.self.query', x); // [B·T, d], head h in columns h·dh…
    const k = linear('attention.self.key', x);
    const v = linear('attention.self.value', x);
    const seed = seedOf(opts, `${i}.probs`);
    // The same multiplier tf.dropout would draw for the probabilities [B, H, T, T].
    const keep = opts.dropoutRate > 0 && seed !== null ? (dropoutMultiplier([batch, heads, length, length], opts.dropoutRate, seed) as tf.Tensor4D) : null;
    return attention(q, k, v, tf.reshape(additiveMask, [batch, length]), keep, { batch, length, heads });
  }
}

function seedOf(opts: ForwardOptions, site: string): number | null {
  return opts.dropoutSeed === null ? null : seedFor(opts.dropoutSeed, site);
}
