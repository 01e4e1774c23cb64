// LoRA (Hu et al. 2021), as AdapterHub's LoRA: each adapted frozen dense layer W [in, out] gets a low-rank update,
// y = x·W + b + (alpha / r)·x·A·B with A [in, r] (Kaiming-uniform) and B [r, out] (zero, so a new LoRA changes
// nothing). Being linear, the update merges into W for inference: W + (alpha / r)·A·B.
// Files hold AdapterHub's names and PyTorch shapes: `…{matrix}.loras.{name}.lora_A` [r, in], `lora_B` [out, r].
import * as tf from '@tensorflow/tfjs';
import type { LoraAdapterSpec } from '../../config/types';
import type { AttentionMatrix } from '../methods/descriptor';
import { METHODS } from '../methods/index';
import type { LoraOptions } from '../methods/lowRank';
import type { TensorToWrite } from '../../io/safetensors';
import { transpose2d } from '../../io/adapterhub';
import { createRng } from '../../data/random';
import { seedFor } from '../../model/init';
import { dense } from '../../model/ops';
import { Weights } from '../../model/weights';
import { type AdapterModule, type Inner, type LinearName, type Site, restoreWeights } from './module';
import type { EncoderDims } from '../methods/descriptor';

const ATTENTION: Record<AttentionMatrix, LinearName> = { q: 'attention.self.query', k: 'attention.self.key', v: 'attention.self.value' };

/** The dense layers LoRA / IA³ options select (AdapterHub: attn_matrices, intermediate_lora, output_lora). */
export function adaptedLinears(options: Pick<LoraOptions, 'attnMatrices' | 'intermediateLora' | 'outputLora'>): LinearName[] {
  return [
    ...options.attnMatrices.map((m) => ATTENTION[m]),
    ...(options.intermediateLora ? ['intermediate.dense' as const] : []),
    ...(options.outputLora ? ['output.dense' as const] : []),
  ];
}

/** [in, out] of a layer's dense layer. */
export function linearShape(name: LinearName, dims: EncoderDims): [number, number] {
  if (name === 'intermediate.dense') return [dims.hiddenSize, dims.intermediateSize];
  if (name === 'output.dense') return [dims.intermediateSize, dims.hiddenSize];
  return [dims.hiddenSize, dims.hiddenSize];
}

/** Calls `add` for each dense layer the adapter acts on: every chosen linear of every layer not left out. */
export function forEachAdaptedLinear(
  leaveOut: readonly number[],
  linears: readonly LinearName[],
  dims: EncoderDims,
  add: (layer: number, linear: LinearName, shape: [number, number]) => void,
): void {
  for (let layer = 0; layer < dims.layers; layer++) {
    if (leaveOut.includes(layer)) continue;
    for (const linear of linears) add(layer, linear, linearShape(linear, dims));
  }
}

export function loraPrefix(layer: number, linear: LinearName, name: string): string {
  return `bert.encoder.layer.${layer}.${linear}.loras.${name}`;
}

export class LoraAdapter implements AdapterModule {
  readonly weights = new Weights();
  readonly linears: LinearName[];

  constructor(
    readonly spec: LoraAdapterSpec,
    readonly dims: EncoderDims,
    seed: number,
  ) {
    this.linears = adaptedLinears(spec);
    forEachAdaptedLinear(spec.leaveOut, this.linears, dims, (layer, linear, [inputs, outputs]) => {
      const p = loraPrefix(layer, linear, spec.name);
      // PyTorch's kaiming_uniform_(a=√5) on A [r, in]: U(−1/√in, 1/√in).
      const rng = createRng(seedFor(seed, p));
      const bound = 1 / Math.sqrt(inputs);
      this.weights.set(
        `${p}.lora_A`,
        [inputs, spec.r],
        Float32Array.from({ length: inputs * spec.r }, () => (2 * rng() - 1) * bound),
      );
      this.weights.set(`${p}.lora_B`, [spec.r, outputs], new Float32Array(spec.r * outputs));
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return 'lora';
  }

  get scaling(): number {
    return this.spec.alpha / this.spec.r;
  }

  acts(site: Site): boolean {
    return site.kind === 'linear' && this.weights.has(`${loraPrefix(site.layer, site.name, this.spec.name)}.lora_A`);
  }

  transform(site: Site, x: tf.Tensor2D, inner: Inner): tf.Tensor2D {
    if (site.kind !== 'linear' || !this.acts(site)) return inner(x);
    const p = loraPrefix(site.layer, site.name, this.spec.name);
    const update = dense(dense(x, this.weights.get(`${p}.lora_A`) as tf.Tensor2D, null, true), this.weights.get(`${p}.lora_B`) as tf.Tensor2D, null, true);
    return tf.add(inner(x), tf.mul(update, this.scaling));
  }

  /** The base weights with every update merged in: W + (alpha / r)·A·B (a new map; the base is left alone). */
  mergedInto(base: Map<string, { shape: number[]; data: Float32Array }>): Map<string, { shape: number[]; data: Float32Array }> {
    const merged = new Map(base);
    for (let layer = 0; layer < this.dims.layers; layer++) {
      for (const linear of this.linears) {
        if (!this.acts({ kind: 'linear', layer, name: linear })) continue;
        const p = loraPrefix(layer, linear, this.spec.name);
        const name = `bert.encoder.layer.${layer}.${linear}.weight`;
        const w = base.get(name)!;
        merged.set(name, {
          shape: w.shape,
          data: addLowRank(
            w.data,
            this.weights.get(`${p}.lora_A`).dataSync() as Float32Array,
            this.weights.get(`${p}.lora_B`).dataSync() as Float32Array,
            this.spec.r,
            this.scaling,
          ),
        });
      }
    }
    return merged;
  }

  exportTensors(): Record<string, TensorToWrite> {
    const out: Record<string, TensorToWrite> = {};
    for (const [name, { shape, data }] of this.weights.snapshot())
      out[name] = { dtype: 'F32', shape: [shape[1], shape[0]], data: transpose2d(data, shape[0], shape[1]) };
    return out;
  }

  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void {
    restoreWeights(
      this.weights,
      tensors,
      ([rows, cols]) => [cols, rows],
      (data, [rows, cols]) => transpose2d(data, rows, cols),
    );
  }

  /** AdapterHub's LoRAConfig fields. */
  hubConfig(hiddenSize: number): Record<string, unknown> {
    return METHODS.lora.hubConfig(this.spec, this.spec.leaveOut, { ...this.dims, hiddenSize });
  }
}

/**
 * W + scale·A·B for W [in, out], A [in, r], B [r, out] (a new array). In plain JS: in·r·out multiply-adds take ~2 ms
 * at 256×8×256, where wasm's matMul with an inner size of r took 5–25 ms (merged inference runs this every pass).
 */
function addLowRank(w: Float32Array, a: Float32Array, b: Float32Array, r: number, scale: number): Float32Array {
  const out = Float32Array.from(w);
  const cols = b.length / r;
  for (let i = 0; i < w.length / cols; i++) {
    for (let k = 0; k < r; k++) {
      const ak = scale * a[i * r + k];
      for (let j = 0; j < cols; j++) out[i * cols + j] += ak * b[k * cols + j];
    }
  }
  return out;
}

/** AdapterHub's LoRAConfig fields; IA3Config is a LoRAConfig with scaling instead of addition. */
