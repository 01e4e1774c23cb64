// A BERT encoder in TensorFlow.js, in the manner of nanoGPT's model.py: one function per block, shapes in comments.
// Weights are named exactly as in Hugging Face's BertModel (prefix `bert.`), so checkpoints map one to one. Dense
// weights are held as [in, out] (HF: [out, in]); `io/hf` transposes when reading and writing.
//
// Activations are 2-D [B·T, d] between blocks: plain 2-D matMul is the fast path on wasm.
import * as tf from '@tensorflow/tfjs';
import { type KeyValuePrefix, attention, dense, dropout, dropoutMultiplier, gelu, layerNorm, prependPrefix } from './ops';
import { embeddingSum } from './embeddings';
import { normalValues, seedFor } from './init';
import type { Weights } from './weights';
import { type BertConfig, bertWeightShapes, embeddingWidth } from './shapes';

export type { BertConfig } from './shapes';

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
  /** Prefix tuning: keys and values to put in front of layer `layer`'s own, or null for none. */
  prefixHook?: (layer: number, shape: RowShape) => KeyValuePrefix | null;
  /**
   * Parallel composition: the hidden states are replicated `copies` times (copy-major rows) before layer `atLayer`,
   * so the layers below run once for all branches. `atLayer` = layers replicates the output.
   */
  replicate?: { atLayer: number; copies: number };
  /** Start from a cached frozen prefix (train/frozenPrefix.ts) instead of the embeddings. Not with `replicate`. */
  resume?: ResumePoint;
  /**
   * Sees each hidden state as Hugging Face's hidden_states numbers them: 0 = the embeddings' output, i = layer i's
   * output (K-Adapter's plug-ins read them). Not with `resume`, which skips the states below its point.
   */
  hiddenStates?: (index: number, hidden: tf.Tensor2D) => void;
}

/**
 * A point inside the encoder to resume from, with the values computed up to it. `input`: `hidden` enters layer
 * `layer`. `attention` / `output`: `hidden` is what that block of layer `layer` read, `blockOutput` its output
 * projection (before dropout and the adapter hook); the layer continues at the hook.
 */
export type ResumePoint =
  { layer: number; position: 'input'; hidden: tf.Tensor2D } | { layer: number; position: AdapterPosition; hidden: tf.Tensor2D; blockOutput: tf.Tensor2D };

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
  /** `layerPrefix`: where the layers' weights are named (a K-adapter's small transformer layers live elsewhere). */
  constructor(
    readonly config: BertConfig,
    readonly weights: Weights,
    readonly layerPrefix = 'bert.encoder.layer',
  ) {}

  /** Hidden states of the last layer, [B·T, d] ([copies·B·T, d] when replicated for Parallel). */
  forward(input: EncoderInput, opts: ForwardOptions): tf.Tensor2D {
    const length = input.ids.shape[1];
    let batch = input.ids.shape[0];
    let additiveMask = tf.reshape(tf.mul(tf.sub(1, input.mask), -1e9), [batch, 1, 1, length]) as tf.Tensor4D;
    if (opts.resume && opts.replicate) throw new Error('a Parallel setup cannot resume from a cached prefix');
    if (opts.resume && opts.hiddenStates) throw new Error('the hidden states below a cached prefix are not computed');
    let h = opts.resume?.hidden ?? this.embed(input, opts);
    opts.hiddenStates?.(0, h);
    for (let i = opts.resume?.layer ?? 0; i <= this.config.layers; i++) {
      if (opts.replicate && opts.replicate.atLayer === i) {
        const copies = opts.replicate.copies;
        // concat, not tile: wasm's Tile is ~18× slower for this (measured 9.9 vs 0.54 ms at [608, 128] × 2).
        h = tf.concat(new Array<tf.Tensor2D>(copies).fill(h), 0);
        additiveMask = tf.concat(new Array<tf.Tensor4D>(copies).fill(additiveMask), 0);
        batch *= copies;
      }
      if (i < this.config.layers) {
        h = this.layer(i, h, additiveMask, batch, length, opts, i === opts.resume?.layer ? opts.resume : undefined);
        opts.hiddenStates?.(i + 1, h);
      }
    }
    return h;
  }

  embed(input: EncoderInput, opts: ForwardOptions): tf.Tensor2D {
    const w = (n: string) => this.weights.get(`bert.embeddings.${n}`);
    const table = (n: string) => w(`${n}_embeddings.weight`) as tf.Tensor2D;
    // DistilBERT has no token types: one row of zeros adds nothing and keeps the one embedding kernel.
    const type = this.config.typeVocabSize > 0 ? table('token_type') : tf.zeros([1, embeddingWidth(this.config)]);
    const tables = { word: table('word'), position: table('position'), type: type as tf.Tensor2D };
    const sum = embeddingSum(tables, input.ids, input.typeIds, opts.trainBase); // [B·T, e]
    const normed = layerNorm(sum, w('LayerNorm.weight') as tf.Tensor1D, w('LayerNorm.bias') as tf.Tensor1D, this.config.layerNormEps);
    // ELECTRA: tables narrower than the layers, projected e → d after their LayerNorm.
    const projected = this.weights.has('bert.embeddings_project.weight')
      ? dense(
          normed,
          this.weights.get('bert.embeddings_project.weight') as tf.Tensor2D,
          this.weights.get('bert.embeddings_project.bias') as tf.Tensor1D,
          opts.trainBase,
        )
      : normed;
    return dropout(projected, opts.dropoutRate, seedOf(opts, 'embeddings'));
  }

  /** One transformer layer: attention block then feed-forward block, each residual + post-LayerNorm. */
  layer(i: number, x: tf.Tensor2D, additiveMask: tf.Tensor4D, batch: number, length: number, opts: ForwardOptions, resume?: ResumePoint): tf.Tensor2D {
    const p = `${this.layerPrefix}.${i}`;
    const shape: RowShape = { batch, length };
    const frozen = (name: string) => (input: tf.Tensor2D) =>
      dense(input, this.weights.get(`${p}.${name}.weight`) as tf.Tensor2D, this.weights.get(`${p}.${name}.bias`) as tf.Tensor1D, opts.trainBase);
    const linear = (name: string, input: tf.Tensor2D) => (opts.linearHook ? opts.linearHook(i, name, input, frozen(name), shape) : frozen(name)(input));
    const norm = (name: string, input: tf.Tensor2D) =>
      layerNorm(input, this.weights.get(`${p}.${name}.weight`) as tf.Tensor1D, this.weights.get(`${p}.${name}.bias`) as tf.Tensor1D, this.config.layerNormEps);

    // Attention block (skipped when resuming at the feed-forward block)
    const attentionBlock = () => {
      const cached = resume?.position === 'attention' ? resume.blockOutput : null;
      let attnOut =
        cached ??
        dropout(
          linear('attention.output.dense', this.selfAttention(i, x, additiveMask, batch, length, opts, linear)),
          opts.dropoutRate,
          seedOf(opts, `${i}.attn`),
        );
      if (opts.hook) attnOut = opts.hook(i, 'attention', attnOut, x, shape);
      return norm('attention.output.LayerNorm', tf.add(attnOut, x));
    };
    const h = resume?.position === 'output' ? x : attentionBlock();

    // Feed-forward block
    const cached = resume?.position === 'output' ? resume.blockOutput : null;
    const activation = this.config.activation === 'relu' ? tf.relu : gelu;
    let ffnOut = cached ?? dropout(linear('output.dense', activation(linear('intermediate.dense', h))), opts.dropoutRate, seedOf(opts, `${i}.ffn`));
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
    const mask = tf.reshape(additiveMask, [batch, length]) as tf.Tensor2D;
    const prefix = opts.prefixHook?.(i, { batch, length }) ?? null;
    const keyed = prefix ? prependPrefix(k, v, mask, prefix, batch, length) : { keys: k, values: v, additiveMask: mask, keyLength: length };
    const seed = seedOf(opts, `${i}.probs`);
    // The multiplier dropout() would draw for the probabilities [B, H, T, S].
    const keep =
      opts.dropoutRate > 0 && seed !== null ? (dropoutMultiplier([batch, heads, length, keyed.keyLength], opts.dropoutRate, seed) as tf.Tensor4D) : null;
    return attention(q, keyed.keys, keyed.values, keyed.additiveMask, keep, { batch, length, heads, keyLength: keyed.keyLength });
  }
}

function seedOf(opts: ForwardOptions, site: string): number | null {
  return opts.dropoutSeed === null ? null : seedFor(opts.dropoutSeed, site);
}
