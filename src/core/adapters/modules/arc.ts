// ARC, Adapter Re-Composing (Dong et al. 2023), on BERT: a linear adapter on the input of the attention's q, k, v
// and of the feed-forward's first dense layer,
//     x' = x + (x·W·diag(cₗ))·Wᵀ + bₗ
// with one down projection W [d, r] per position shared by all layers (its transpose is the up projection) and per
// layer only a re-scaling vector cₗ [r] and a bias bₗ [d], both starting at zero (a new ARC adapter changes nothing).
// The residual path keeps x, as in the paper (the adapter sits after the pre-LN, before the block). Linear, so it
// merges into the next dense layers: W_q ← (I + W·diag(cₗ)·Wᵀ)·W_q, b_q ← bₗ·W_q + b_q.
import * as tf from '@tensorflow/tfjs';
import { METHODS } from '../methods/index';
import type { ArcAdapterSpec } from '../../config/types';
import type { TensorToWrite } from '../../io/safetensors';
import { createRng } from '../../data/random';
import { seedFor } from '../../model/init';
import { dense } from '../../model/ops';
import { Weights } from '../../model/weights';
import { bottleneckWidth } from '../methods/descriptor';
import { ARC_POSITIONS } from '../methods/arc';
import { type AdapterModule, type Inner, type LinearName, type Site, restoreWeights, tensorsAsTheyLie } from './module';
import type { EncoderDims } from '../methods/descriptor';

export type ArcPosition = 'attention' | 'intermediate';

const POSITION_OF: Partial<Record<LinearName, ArcPosition>> = {
  'attention.self.query': 'attention',
  'attention.self.key': 'attention',
  'attention.self.value': 'attention',
  'intermediate.dense': 'intermediate',
};
const POSITIONS: readonly ArcPosition[] = ARC_POSITIONS;
const MODULE: Record<ArcPosition, string> = { attention: 'attention.self', intermediate: 'intermediate' };

export const arcSharedName = (name: string, position: ArcPosition) => `bert.arc.${name}.${position}.down_projection`;
export const arcLayerPrefix = (layer: number, position: ArcPosition, name: string) => `bert.encoder.layer.${layer}.${MODULE[position]}.arc.${name}`;

export class ArcAdapter implements AdapterModule {
  readonly weights = new Weights();
  readonly rank: number;
  /** x' for the last input per layer and position: q, k and v read the same x, so it is computed once. */
  private readonly recent = new Map<string, { input: tf.Tensor2D; output: tf.Tensor2D }>();

  constructor(
    readonly spec: ArcAdapterSpec,
    readonly dims: EncoderDims,
    seed: number,
  ) {
    const d = dims.hiddenSize;
    const r = (this.rank = bottleneckWidth(spec, d));
    for (const position of POSITIONS) {
      // Xavier-uniform, as the paper's code: U(−√(6 / (d + r)), √(6 / (d + r))).
      const rng = createRng(seedFor(seed, arcSharedName(spec.name, position)));
      const bound = Math.sqrt(6 / (d + r));
      this.weights.set(
        arcSharedName(spec.name, position),
        [d, r],
        Float32Array.from({ length: d * r }, () => (2 * rng() - 1) * bound),
      );
      for (let layer = 0; layer < dims.layers; layer++) {
        if (spec.leaveOut.includes(layer)) continue;
        const p = arcLayerPrefix(layer, position, spec.name);
        this.weights.set(`${p}.rescale`, [r], new Float32Array(r));
        this.weights.set(`${p}.bias`, [d], new Float32Array(d));
      }
    }
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return 'arc';
  }

  private position(site: Site): ArcPosition | undefined {
    if (site.kind !== 'linear') return undefined;
    const position = POSITION_OF[site.name];
    return position && this.weights.has(`${arcLayerPrefix(site.layer, position, this.spec.name)}.rescale`) ? position : undefined;
  }

  acts(site: Site): boolean {
    return this.position(site) !== undefined;
  }

  transform(site: Site, x: tf.Tensor2D, inner: Inner): tf.Tensor2D {
    const position = this.position(site);
    if (!position) return inner(x);
    const key = `${site.layer}.${position}`;
    const cached = this.recent.get(key);
    if (cached?.input === x && !cached.output.isDisposed) return inner(cached.output);
    const p = arcLayerPrefix(site.layer, position, this.spec.name);
    const down = this.weights.get(arcSharedName(this.spec.name, position)) as tf.Tensor2D; // [d, r]
    const scaled = tf.mul(dense(x, down, null, true), this.weights.get(`${p}.rescale`)) as tf.Tensor2D; // [n, r]
    const output = tf.add(tf.add(x, dense(scaled, tf.transpose(down), null, true)), this.weights.get(`${p}.bias`)) as tf.Tensor2D;
    this.recent.set(key, { input: x, output });
    return inner(output);
  }

  /** The base weights with the adapter merged into the dense layers it feeds (a new map; the base is left alone). */
  mergedInto(base: Map<string, { shape: number[]; data: Float32Array }>): Map<string, { shape: number[]; data: Float32Array }> {
    const merged = new Map(base);
    for (let layer = 0; layer < this.dims.layers; layer++) {
      for (const [linear, position] of Object.entries(POSITION_OF) as [LinearName, ArcPosition][]) {
        if (!this.acts({ kind: 'linear', layer, name: linear })) continue;
        const p = arcLayerPrefix(layer, position, this.spec.name);
        const [w, b] = ['weight', 'bias'].map((k) => base.get(`bert.encoder.layer.${layer}.${linear}.${k}`)!);
        const [weight, bias] = tf.tidy(() => {
          const down = this.weights.get(arcSharedName(this.spec.name, position));
          const m = tf.add(tf.eye(this.dims.hiddenSize), tf.matMul(tf.mul(down, this.weights.get(`${p}.rescale`)), tf.transpose(down))); // [d, d]
          const wq = tf.tensor2d(w.data, w.shape as [number, number]);
          return [
            tf.matMul(m, wq).dataSync(),
            tf.add(tf.matMul(tf.reshape(this.weights.get(`${p}.bias`), [1, -1]), wq), tf.tensor1d(b.data)).dataSync(),
          ] as Float32Array[];
        });
        merged.set(`bert.encoder.layer.${layer}.${linear}.weight`, { shape: w.shape, data: weight });
        merged.set(`bert.encoder.layer.${layer}.${linear}.bias`, { shape: b.shape, data: bias });
      }
    }
    return merged;
  }

  exportTensors(): Record<string, TensorToWrite> {
    return tensorsAsTheyLie(this.weights);
  }

  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void {
    restoreWeights(this.weights, tensors, (shape) => shape);
  }

  hubConfig(): Record<string, unknown> {
    return METHODS.arc.hubConfig(this.spec, this.spec.leaveOut, this.dims);
  }
}
