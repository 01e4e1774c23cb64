// A GPT-2-layout causal decoder in TensorFlow.js, in the manner of nanoGPT's model.py: pre-LayerNorm blocks, masked
// self-attention, learned positions, the LM head tied to the token embedding. Weights carry Hugging Face
// GPT2LMHeadModel's names; Conv1D matrices are [in, out] as this engine holds dense weights.
//
// Adapters plug in at the encoder's sites, so every method and composition drives the decoder unchanged:
//   attn.c_attn → the query, key and value linears (one product, sliced), attn.c_proj → attention.output.dense,
//   mlp.c_fc → intermediate.dense, mlp.c_proj → output.dense; block hooks see the attention and MLP outputs before
//   their residual add, with the block's residual input as `blockInput` (parallel adapters).
//
// Activations are 2-D [B·T, d] between blocks, as in bert.ts.
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, RowShape } from './bert';
import { causalAttention } from './causalAttention';
import { normalValues, seedFor } from './init';
import { type KeyValuePrefix, dense, dropout, dropoutMultiplier, embeddingLookup, gelu, layerNorm, tiedOutputLayer } from './ops';
import { type Gpt2Config, gpt2WeightShapes } from './gpt2Shapes';
import type { Weights } from './weights';

export type { Gpt2Config } from './gpt2Shapes';

export type DecoderForwardOptions = Pick<ForwardOptions, 'trainBase' | 'dropoutRate' | 'dropoutSeed' | 'hook' | 'linearHook' | 'prefixHook' | 'replicate'>;

/**
 * Keys and values of the tokens seen so far, per layer [B, P, d], so a generation step computes only its new token.
 * Holds its tensors outside any tidy; dispose() when done.
 */
export class KeyValueCache {
  private readonly entries: { keys: tf.Tensor3D; values: tf.Tensor3D }[] = [];

  /** Tokens cached so far (the position of the next one). */
  get length(): number {
    return this.entries[0]?.keys.shape[1] ?? 0;
  }

  /** The layer's cached keys and values followed by the new ones [B, T, d]; the cache keeps the result. */
  extend(layer: number, keys: tf.Tensor3D, values: tf.Tensor3D): { keys: tf.Tensor3D; values: tf.Tensor3D } {
    const old = this.entries[layer];
    const next = old ? { keys: tf.concat([old.keys, keys], 1), values: tf.concat([old.values, values], 1) } : { keys, values };
    this.entries[layer] = { keys: tf.keep(next.keys), values: tf.keep(next.values) };
    if (old) tf.dispose([old.keys, old.values]);
    return next;
  }

  dispose(): void {
    for (const e of this.entries) tf.dispose([e.keys, e.values]);
    this.entries.length = 0;
  }
}

/** GPT-2's initialisation: N(0, 0.02), residual projections N(0, 0.02/√(2L)), LayerNorm 1/0, biases 0. */
export function initGpt2Weights(c: Gpt2Config, seed: number): Map<string, { shape: number[]; data: Float32Array }> {
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of gpt2WeightShapes(c)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const isNorm = /\.ln_\w+\.weight$/.test(name);
    const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * c.layers) : 0.02;
    const data = isNorm ? new Float32Array(size).fill(1) : name.endsWith('.bias') ? new Float32Array(size) : normalValues(size, std, seedFor(seed, name));
    values.set(name, { shape, data });
  }
  return values;
}

/** GPT-2's "gelu_new", the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
function geluTanh(x: tf.Tensor2D): tf.Tensor2D {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export class Gpt2Decoder {
  constructor(
    readonly config: Gpt2Config,
    readonly weights: Weights,
  ) {}

  /**
   * Hidden states after the final LayerNorm, [B·T, d], for ids [B, T] (right padding needs no mask: a causal model
   * never reads later positions). With a cache the ids continue the cached tokens, which it then also holds.
   */
  forward(ids: tf.Tensor2D, opts: DecoderForwardOptions, cache?: KeyValueCache): tf.Tensor2D {
    if (opts.replicate && opts.replicate.copies > 1) throw new Error('a Parallel setup is not supported on the decoder: generate with one branch at a time');
    const [batch, length] = ids.shape;
    const past = cache?.length ?? 0;
    if (past + length > this.config.maxPositions)
      throw new Error(`sequence length ${past + length} exceeds the model's ${this.config.maxPositions} positions (n_positions)`);
    let h = this.embed(ids, past, opts);
    for (let i = 0; i < this.config.layers; i++) h = this.block(i, h, { batch, length }, opts, cache);
    return this.norm('transformer.ln_f', h);
  }

  /** Next-token logits [n, vocab] of hidden states [n, d]: the tied LM head, h · wteᵀ (`trainBase`: wte gets its gradient). */
  logits(hidden: tf.Tensor2D, trainBase = false): tf.Tensor2D {
    return tiedOutputLayer(hidden, this.weights.get('transformer.wte.weight') as tf.Tensor2D, null, trainBase);
  }

  private embed(ids: tf.Tensor2D, past: number, opts: DecoderForwardOptions): tf.Tensor2D {
    const [batch, length] = ids.shape;
    const wte = this.weights.get('transformer.wte.weight') as tf.Tensor2D;
    const wpe = this.weights.get('transformer.wpe.weight') as tf.Tensor2D;
    const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
    const tokens = opts.trainBase ? embeddingLookup(wte, flat) : tf.gather(wte, flat);
    // Positions past…past+T−1 for every example, from slices (no index tensor: a gradient must not read one made here).
    const positions = tf.concat(new Array<tf.Tensor2D>(batch).fill(tf.slice(wpe, [past, 0], [length, -1])), 0);
    return dropout(tf.add(tokens, positions) as tf.Tensor2D, opts.dropoutRate, seedOf(opts, 'embeddings'));
  }

  /** One block: x + attn(ln_1(x)), then h + mlp(ln_2(h)). */
  private block(i: number, x: tf.Tensor2D, shape: RowShape, opts: DecoderForwardOptions, cache?: KeyValueCache): tf.Tensor2D {
    const p = `transformer.h.${i}`;
    const conv = (name: string) => (input: tf.Tensor2D) =>
      dense(input, this.weights.get(`${p}.${name}.weight`) as tf.Tensor2D, this.weights.get(`${p}.${name}.bias`) as tf.Tensor1D, opts.trainBase);
    const linear = (name: string, base: (input: tf.Tensor2D) => tf.Tensor2D, input: tf.Tensor2D) =>
      opts.linearHook ? opts.linearHook(i, name, input, base, shape) : base(input);

    let attnOut = dropout(
      linear('attention.output.dense', conv('attn.c_proj'), this.attention(i, this.norm(`${p}.ln_1`, x), shape, opts, cache, conv, linear)),
      opts.dropoutRate,
      seedOf(opts, `${i}.attn`),
    );
    if (opts.hook) attnOut = opts.hook(i, 'attention', attnOut, x, shape);
    const h = tf.add(x, attnOut) as tf.Tensor2D;

    const inner = this.activate(linear('intermediate.dense', conv('mlp.c_fc'), this.norm(`${p}.ln_2`, h)));
    let mlpOut = dropout(linear('output.dense', conv('mlp.c_proj'), inner), opts.dropoutRate, seedOf(opts, `${i}.mlp`));
    if (opts.hook) mlpOut = opts.hook(i, 'output', mlpOut, h, shape);
    return tf.add(h, mlpOut) as tf.Tensor2D;
  }

  private attention(
    i: number,
    a: tf.Tensor2D,
    shape: RowShape,
    opts: DecoderForwardOptions,
    cache: KeyValueCache | undefined,
    conv: (name: string) => (input: tf.Tensor2D) => tf.Tensor2D,
    linear: (name: string, base: (input: tf.Tensor2D) => tf.Tensor2D, input: tf.Tensor2D) => tf.Tensor2D,
  ): tf.Tensor2D {
    const { batch, length } = shape;
    const d = this.config.hiddenSize;
    const heads = this.config.heads;
    // c_attn computes q, k and v in one product; a hook adapting one of them gets that slice as its frozen layer.
    let fused: { input: tf.Tensor2D; qkv: tf.Tensor2D } | null = null;
    const qkvOf = (input: tf.Tensor2D) => {
      if (fused?.input !== input) fused = { input, qkv: conv('attn.c_attn')(input) };
      return fused.qkv;
    };
    const part = (index: number) => (input: tf.Tensor2D) => tf.slice(qkvOf(input), [0, index * d], [-1, d]) as tf.Tensor2D;
    const q = linear('attention.self.query', part(0), a);
    const k = tf.reshape(linear('attention.self.key', part(1), a), [batch, length, d]) as tf.Tensor3D;
    const v = tf.reshape(linear('attention.self.value', part(2), a), [batch, length, d]) as tf.Tensor3D;

    const own = cache ? cache.extend(i, k, v) : { keys: k, values: v };
    const prefix: KeyValuePrefix | null = opts.prefixHook?.(i, shape) ?? null;
    const keys = prefix ? tf.concat([prefix.keys, own.keys], 1) : own.keys;
    const values = prefix ? tf.concat([prefix.values, own.values], 1) : own.values;
    const keyLength = keys.shape[1];
    const seed = seedOf(opts, `${i}.probs`);
    const keep = opts.dropoutRate > 0 && seed !== null ? (dropoutMultiplier([batch, heads, length, keyLength], opts.dropoutRate, seed) as tf.Tensor4D) : null;
    return causalAttention(q, tf.reshape(keys, [batch * keyLength, d]), tf.reshape(values, [batch * keyLength, d]), keep, {
      batch,
      length,
      heads,
      keyLength,
    });
  }

  private norm(prefix: string, x: tf.Tensor2D): tf.Tensor2D {
    return layerNorm(x, this.weights.get(`${prefix}.weight`) as tf.Tensor1D, this.weights.get(`${prefix}.bias`) as tf.Tensor1D, this.config.layerNormEps);
  }

  private activate(x: tf.Tensor2D): tf.Tensor2D {
    switch (this.config.activation) {
      case 'gelu_new':
        return geluTanh(x);
      case 'gelu':
        return gelu(x);
      case 'relu':
        return tf.relu(x);
    }
  }
}

function seedOf(opts: DecoderForwardOptions, site: string): number | null {
  return opts.dropoutSeed === null ? null : seedFor(opts.dropoutSeed, site);
}
