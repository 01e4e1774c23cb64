// AdapterFusion (Pfeiffer et al. 2021), as AdapterHub's BertFusion with its "dynamic" config: at every site where a
// fused adapter acts, query = the block output h, keys and values = what each adapter adds to it (δᵢ = outᵢ − h);
// p = softmax(Q(h)·K(δᵢ) / T) over the adapters; output = h + Σᵢ pᵢ·V(δᵢ). V starts at the identity (plus 1e-6, as
// AdapterHub), so a new fusion averages its adapters; the regularisation 0.01·‖I − V‖² keeps V near the identity.
// Optional temperature annealing: T starts at 50 and falls by 50/1000 per training step to 1.
// Over K-adapters (beside the base, so no site inside it) there is one site, at the heads: per token, query = the
// base's last hidden state h, keys and values = each K-adapter's output oᵢ, and the heads read [h; Σᵢ pᵢ·V(oᵢ)]
// (`fuseKnowledge`, not AdapterHub's: it has no K-adapters).
import * as tf from '@tensorflow/tfjs';
import type { FusionSpec } from '../config/types';
import type { AdapterPosition } from '../model/bert';
import { normalValues, seedFor } from '../model/init';
import { dense, dropout } from '../model/ops';
import { Weights } from '../model/weights';
import { denseWeightShape } from '../model/shapes';

export function fusionPrefix(layer: number, position: AdapterPosition, name: string): string {
  const module = position === 'attention' ? 'attention.output' : 'output';
  return `bert.encoder.layer.${layer}.${module}.adapter_fusion_layer.${name}`;
}

/** The one site of a Fuse over K-adapters, beside k_adapters.{name} (their own tensors). */
export function knowledgeFusionPrefix(name: string): string {
  return `k_adapter_fusion.${name}`;
}

/** Where a fusion layer has weights: sites after blocks of the base, or the heads' input (K-adapters). */
export type FusionSites = { layer: number; position: AdapterPosition }[] | 'k-adapters';

export const INITIAL_TEMPERATURE = 50;
const REGULARIZATION = 0.01;

export class FusionLayer {
  readonly weights = new Weights();
  private temperature: number;
  /**
   * Sees the attention over the adapters [n, adapters] at every site a forward pass computes (the Playground's heat
   * map of which adapter each layer listens to); called inside the pass's tidy, so copy what is kept.
   */
  observe: ((site: { layer: number; position: AdapterPosition } | 'heads', attention: tf.Tensor2D) => void) | null = null;

  /** `sites`: the (layer, position) pairs where at least one fused adapter acts, or 'k-adapters'. */
  constructor(
    readonly name: string,
    readonly spec: FusionSpec,
    readonly hiddenSize: number,
    sites: FusionSites,
    seed: number,
  ) {
    const d = hiddenSize;
    const prefixes = sites === 'k-adapters' ? [knowledgeFusionPrefix(name)] : sites.map(({ layer, position }) => fusionPrefix(layer, position, name));
    for (const p of prefixes) {
      for (const m of ['query', 'key']) {
        this.weights.set(`${p}.${m}.weight`, denseWeightShape(d, d), normalValues(d * d, 0.02, seedFor(seed, `${p}.${m}`)));
        this.weights.set(`${p}.${m}.bias`, [d], new Float32Array(d));
      }
      const value = new Float32Array(d * d).fill(spec.valueInitialized ? 1e-6 : 0);
      if (spec.valueInitialized) for (let i = 0; i < d; i++) value[i * d + i] = 1;
      else value.set(normalValues(d * d, 0.02, seedFor(seed, `${p}.value`)));
      this.weights.set(`${p}.value.weight`, denseWeightShape(d, d), value);
      this.weights.set(`${p}.value.bias`, [d], new Float32Array(d));
    }
    this.temperature = spec.temperature ? INITIAL_TEMPERATURE : 1;
  }

  has(layer: number, position: AdapterPosition): boolean {
    return this.weights.has(`${fusionPrefix(layer, position, this.name)}.value.weight`);
  }

  get currentTemperature(): number {
    return this.temperature;
  }

  /** One training step done: anneal the temperature (AdapterHub lowers it by T₀/1000 per forward pass, to 1). */
  step(): void {
    if (this.spec.temperature) this.temperature = Math.max(1, this.temperature - INITIAL_TEMPERATURE / 1000);
  }

  /** Attention over the adapters, [n, adapters]: rows sum to 1. */
  attention(layer: number, position: AdapterPosition, hidden: tf.Tensor2D, deltas: tf.Tensor2D[], drop: { rate: number; seed: number | null }): tf.Tensor2D {
    return this.attentionAt(fusionPrefix(layer, position, this.name), hidden, deltas, drop);
  }

  /** h + Σᵢ pᵢ·V(δᵢ). */
  forward(layer: number, position: AdapterPosition, hidden: tf.Tensor2D, deltas: tf.Tensor2D[], drop: { rate: number; seed: number | null }): tf.Tensor2D {
    const probs = this.attention(layer, position, hidden, deltas, drop);
    this.observe?.({ layer, position }, probs);
    return tf.add(hidden, this.mix(fusionPrefix(layer, position, this.name), deltas, probs)) as tf.Tensor2D;
  }

  /**
   * Over K-adapters: Σᵢ pᵢ·V(oᵢ) per token [B·T, d], p = softmax(Q(h)·K(oᵢ) / T) with h the base's last hidden
   * state; no residual (the heads read h beside it). A new fusion gives Σᵢ pᵢ·oᵢ (V = I + 1e-6): a mean of the
   * K-adapters' outputs weighted by the rows of `knowledgeAttention`, which sum to 1.
   */
  fuseKnowledge(hidden: tf.Tensor2D, outputs: tf.Tensor2D[], drop: { rate: number; seed: number | null }): tf.Tensor2D {
    const probs = this.knowledgeAttention(hidden, outputs, drop);
    this.observe?.('heads', probs);
    return this.mix(knowledgeFusionPrefix(this.name), outputs, probs);
  }

  /** Over K-adapters: attention of each token over them, [B·T, K-adapters]. */
  knowledgeAttention(hidden: tf.Tensor2D, outputs: tf.Tensor2D[], drop: { rate: number; seed: number | null }): tf.Tensor2D {
    return this.attentionAt(knowledgeFusionPrefix(this.name), hidden, outputs, drop);
  }

  private attentionAt(prefix: string, hidden: tf.Tensor2D, deltas: tf.Tensor2D[], drop: { rate: number; seed: number | null }): tf.Tensor2D {
    const w = this.at(prefix);
    const query = dense(hidden, w('query.weight') as tf.Tensor2D, w('query.bias') as tf.Tensor1D, true); // [n, d]
    const scores = deltas.map((delta) => tf.sum(tf.mul(query, dense(delta, w('key.weight') as tf.Tensor2D, w('key.bias') as tf.Tensor1D, true)), 1, true)); // [n, 1] each
    const stacked = dropout(tf.concat(scores, 1) as tf.Tensor2D, drop.rate, drop.seed); // [n, adapters]
    return tf.softmax(this.temperature === 1 ? stacked : tf.div(stacked, this.temperature)) as tf.Tensor2D;
  }

  /** Σᵢ pᵢ·V(δᵢ). */
  private mix(prefix: string, deltas: tf.Tensor2D[], probs: tf.Tensor2D): tf.Tensor2D {
    const w = this.at(prefix);
    const values = deltas.map((delta, i) =>
      tf.mul(dense(delta, w('value.weight') as tf.Tensor2D, w('value.bias') as tf.Tensor1D, true), tf.slice(probs, [0, i], [-1, 1])),
    );
    return tf.addN(values) as tf.Tensor2D;
  }

  /** AdapterHub's fusion regularisation: 0.01 · Σ ‖I − V‖² over every fusion site; null when switched off. */
  regularization(): tf.Scalar | null {
    if (!this.spec.regularization) return null;
    const values = this.weights.entries().filter(([n]) => n.endsWith('.value.weight'));
    if (!values.length) return null;
    const identity = tf.eye(this.hiddenSize);
    return tf.mul(tf.addN(values.map(([, v]) => tf.sum(tf.square(tf.sub(identity, v))))), REGULARIZATION) as tf.Scalar;
  }

  private at(prefix: string): (n: string) => tf.Tensor {
    return (n) => this.weights.get(`${prefix}.${n}`);
  }
}
