// (IA)³ (Liu et al. 2022), as AdapterHub's IA3: learned vectors l (one per adapted dense layer, starting at one)
// scale the layer's output, y = (x·W + b) ⊙ (alpha·l) — by default keys, values and the feed-forward's intermediate
// output. Mergeable: W ⊙ alpha·l column-wise and b ⊙ alpha·l. Files: `…{matrix}.loras.{name}.lora_B` [out, 1].
import * as tf from '@tensorflow/tfjs';
import { METHODS } from '../methods/index';
import type { Ia3AdapterSpec } from '../../config/types';
import type { TensorToWrite } from '../../io/safetensors';
import { Weights } from '../../model/weights';
import { adaptedLinears, forEachAdaptedLinear, loraPrefix } from './lora';
import { type AdapterModule, type Inner, type LinearName, type Site, restoreWeights } from './module';
import type { EncoderDims } from '../methods/descriptor';

export class Ia3Adapter implements AdapterModule {
  readonly weights = new Weights();
  readonly linears: LinearName[];

  constructor(
    readonly spec: Ia3AdapterSpec,
    readonly dims: EncoderDims,
  ) {
    this.linears = adaptedLinears(spec);
    forEachAdaptedLinear(spec.leaveOut, this.linears, dims, (layer, linear, [, outputs]) => {
      this.weights.set(`${loraPrefix(layer, linear, spec.name)}.lora_B`, [outputs], new Float32Array(outputs).fill(1));
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return 'ia3';
  }

  acts(site: Site): boolean {
    return site.kind === 'linear' && this.weights.has(`${loraPrefix(site.layer, site.name, this.spec.name)}.lora_B`);
  }

  transform(site: Site, x: tf.Tensor2D, inner: Inner): tf.Tensor2D {
    if (site.kind !== 'linear' || !this.acts(site)) return inner(x);
    const scale = this.weights.get(`${loraPrefix(site.layer, site.name, this.spec.name)}.lora_B`);
    return tf.mul(inner(x), this.spec.alpha === 1 ? scale : tf.mul(scale, this.spec.alpha));
  }

  /** The base weights with the scaling merged in: every output column of W and b times alpha·l. */
  mergedInto(base: Map<string, { shape: number[]; data: Float32Array }>): Map<string, { shape: number[]; data: Float32Array }> {
    const merged = new Map(base);
    for (let layer = 0; layer < this.dims.layers; layer++) {
      for (const linear of this.linears) {
        if (!this.acts({ kind: 'linear', layer, name: linear })) continue;
        const l = this.weights.get(`${loraPrefix(layer, linear, this.spec.name)}.lora_B`).dataSync();
        const [w, b] = ['weight', 'bias'].map((k) => base.get(`bert.encoder.layer.${layer}.${linear}.${k}`)!);
        const outputs = l.length;
        merged.set(`bert.encoder.layer.${layer}.${linear}.weight`, { shape: w.shape, data: w.data.map((v, i) => v * l[i % outputs] * this.spec.alpha) });
        merged.set(`bert.encoder.layer.${layer}.${linear}.bias`, { shape: b.shape, data: b.data.map((v, i) => v * l[i] * this.spec.alpha) });
      }
    }
    return merged;
  }

  exportTensors(): Record<string, TensorToWrite> {
    const out: Record<string, TensorToWrite> = {};
    for (const [name, { shape, data }] of this.weights.snapshot()) out[name] = { dtype: 'F32', shape: [shape[0], 1], data };
    return out;
  }

  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void {
    restoreWeights(this.weights, tensors, ([n]) => [n, 1]);
  }

  /** AdapterHub's IA3Config fields. */
  hubConfig(hiddenSize: number): Record<string, unknown> {
    return METHODS.ia3.hubConfig(this.spec, this.spec.leaveOut, { ...this.dims, hiddenSize });
  }
}
