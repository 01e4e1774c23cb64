// VeRA (Kopiczko et al. 2024; see ../methods/vera.ts): y = x·W + b₀ + ((x·A ⊙ d)·B) ⊙ b for each adapted dense layer,
// with A [in, r] and B [r, out] frozen, random and shared (one pair per matrix shape, from a fixed seed: every
// VeRA adapter of that shape has the same pair, so adapters average and reload without saving them), and only d [r]
// and b [out] trained. Files: `…{matrix}.loras.{name}.vera_D` [r] and `vera_B` [out].
import * as tf from '@tensorflow/tfjs';
import type { AdapterSpecOf } from '../../config/types';
import { createRng } from '../../data/random';
import type { TensorToWrite } from '../../io/safetensors';
import { seedFor } from '../../model/init';
import { dense } from '../../model/ops';
import { Weights } from '../../model/weights';
import type { EncoderDims } from '../methods/descriptor';
import { METHODS } from '../methods/index';
import { adaptedLinears, forEachAdaptedLinear, linearShape, loraPrefix } from './lora';
import { type AdapterModule, type Inner, type LinearName, type Site, restoreWeights, tensorsAsTheyLie } from './module';

/** VeRA's projection_prng_key: the frozen matrices depend on their shape only. */
const PROJECTION_SEED = 0x5eed;

/** Kaiming-uniform [rows, cols] from the fixed seed (PyTorch's kaiming_uniform_(a=√5): U(−1/√fan_in, 1/√fan_in)). */
function frozenProjection(rows: number, cols: number, fanIn: number, label: string): Float32Array {
  const key = `vera:${label}:${rows}x${cols}`;
  let values = projectionValues.get(key);
  if (!values) {
    const rng = createRng(seedFor(PROJECTION_SEED, key));
    const bound = 1 / Math.sqrt(fanIn);
    projectionValues.set(key, (values = Float32Array.from({ length: rows * cols }, () => (2 * rng() - 1) * bound)));
  }
  return values;
}
const projectionValues = new Map<string, Float32Array>();

/** The projections as tensors, made once per shape and kept: every VeRA adapter shares them, as the method does. */
const projectionTensors = new Map<string, tf.Tensor2D>();
function projectionTensor(data: Float32Array, shape: [number, number], label: string): tf.Tensor2D {
  const key = `${label}:${shape.join('x')}:${tf.getBackend()}`;
  let t = projectionTensors.get(key);
  if (!t || t.isDisposed) projectionTensors.set(key, (t = tf.keep(tf.tensor2d(data, shape))));
  return t;
}

export class VeraAdapter implements AdapterModule {
  readonly weights = new Weights();
  readonly linears: LinearName[];

  constructor(
    readonly spec: AdapterSpecOf<'vera'>,
    readonly dims: EncoderDims,
  ) {
    this.linears = adaptedLinears(spec);
    forEachAdaptedLinear(spec.leaveOut, this.linears, dims, (layer, linear, [, outputs]) => {
      const p = loraPrefix(layer, linear, spec.name);
      this.weights.set(`${p}.vera_D`, [spec.r], new Float32Array(spec.r).fill(spec.veraD));
      this.weights.set(`${p}.vera_B`, [outputs], new Float32Array(outputs).fill(spec.veraB));
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return 'vera';
  }

  /** The frozen A [in, r] and B [r, out] of a dense layer's shape. */
  projections(linear: LinearName): { a: Float32Array; b: Float32Array; inputs: number; outputs: number } {
    const [inputs, outputs] = linearShape(linear, this.dims);
    return { a: frozenProjection(inputs, this.spec.r, inputs, 'A'), b: frozenProjection(this.spec.r, outputs, this.spec.r, 'B'), inputs, outputs };
  }

  acts(site: Site): boolean {
    return site.kind === 'linear' && this.weights.has(`${loraPrefix(site.layer, site.name, this.spec.name)}.vera_D`);
  }

  transform(site: Site, x: tf.Tensor2D, inner: Inner): tf.Tensor2D {
    if (site.kind !== 'linear' || !this.acts(site)) return inner(x);
    const p = loraPrefix(site.layer, site.name, this.spec.name);
    const { a, b, inputs, outputs } = this.projections(site.name);
    const down = tf.mul(dense(x, projectionTensor(a, [inputs, this.spec.r], 'A'), null, false), this.weights.get(`${p}.vera_D`));
    const update = tf.mul(dense(down as tf.Tensor2D, projectionTensor(b, [this.spec.r, outputs], 'B'), null, false), this.weights.get(`${p}.vera_B`));
    return tf.add(inner(x), update);
  }

  /** The base weights with every update folded in: W[i][j] + Σₖ A[i][k]·d[k]·B[k][j]·b[j] (a new map). */
  mergedInto(base: Map<string, { shape: number[]; data: Float32Array }>): Map<string, { shape: number[]; data: Float32Array }> {
    const merged = new Map(base);
    const r = this.spec.r;
    for (let layer = 0; layer < this.dims.layers; layer++) {
      for (const linear of this.linears) {
        if (!this.acts({ kind: 'linear', layer, name: linear })) continue;
        const p = loraPrefix(layer, linear, this.spec.name);
        const { a, b, inputs, outputs } = this.projections(linear);
        const d = this.weights.get(`${p}.vera_D`).dataSync();
        const scale = this.weights.get(`${p}.vera_B`).dataSync();
        const name = `bert.encoder.layer.${layer}.${linear}.weight`;
        const w = Float32Array.from(base.get(name)!.data);
        for (let i = 0; i < inputs; i++) {
          for (let k = 0; k < r; k++) {
            const adk = a[i * r + k] * d[k];
            for (let j = 0; j < outputs; j++) w[i * outputs + j] += adk * b[k * outputs + j] * scale[j];
          }
        }
        merged.set(name, { shape: base.get(name)!.shape, data: w });
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

  /** AdapterHub's VeraConfig fields. */
  hubConfig(hiddenSize: number): Record<string, unknown> {
    return METHODS.vera.hubConfig(this.spec, this.spec.leaveOut, { ...this.dims, hiddenSize });
  }
}
