// The one interface every adapter method implements. An adapter acts at *sites* of the frozen encoder:
//   block  — after a block's output projection, before its residual LayerNorm (bottleneck adapters);
//   linear — around one of a layer's frozen dense layers (LoRA, IA³, ARC);
//   prefix — keys and values in front of a layer's own in its attention (prefix tuning; see PrefixProvider).
// `transform` gets what lies beneath it as `inner` (the frozen layer, an identity, or adapters stacked below), so
// composition blocks can stack, split and average any method the same way.
import type * as tf from '@tensorflow/tfjs';
import type { AdapterPosition } from '../../model/bert';
import type { Weights } from '../../model/weights';
import type { TensorToWrite } from '../../io/safetensors';

/** A layer's dense layers, by their Hugging Face names under `bert.encoder.layer.{i}.` */
export const LINEAR_NAMES = [
  'attention.self.query',
  'attention.self.key',
  'attention.self.value',
  'attention.output.dense',
  'intermediate.dense',
  'output.dense',
] as const;
export type LinearName = (typeof LINEAR_NAMES)[number];

export type Site =
  { kind: 'block'; layer: number; position: AdapterPosition } | { kind: 'linear'; layer: number; name: LinearName } | { kind: 'prefix'; layer: number };

export type Inner = (x: tf.Tensor2D) => tf.Tensor2D;

export interface AdapterModule {
  readonly name: string;
  readonly method: string; // AdapterSpec['method']
  readonly weights: Weights;
  /** True when the adapter computes something at this site (its layer not left out). */
  acts(site: Site): boolean;
  /**
   * The site's output with this adapter: at a block site `x` is the block output and `inner(x)` what earlier
   * adapters made of it; at a linear site `x` is the layer input and `inner` the frozen layer (plus adapters below).
   */
  transform(site: Site, x: tf.Tensor2D, inner: Inner, blockInput: tf.Tensor2D | null): tf.Tensor2D;
  /** Tensors in AdapterHub's file layout (PyTorch orientation) and back. */
  exportTensors(): Record<string, TensorToWrite>;
  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void;
  /** The `config` object of AdapterHub's adapter_config.json. */
  hubConfig(hiddenSize: number): Record<string, unknown>;
}

/**
 * Restores an adapter's weights from saved tensors: every weight must be there with the shape it has on disk
 * (`diskShape` of ours); `fromDisk` turns the saved data into our layout.
 */
export function restoreWeights(
  weights: Weights,
  tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  diskShape: (ours: number[]) => number[],
  fromDisk: (data: Float32Array, shape: number[]) => Float32Array = (data) => data,
): void {
  const values = new Map<string, { data: Float32Array }>();
  for (const [name, v] of weights.entries()) {
    const t = tensors.get(name);
    if (!t) throw new Error(`tensor "${name}" is missing`);
    const expected = diskShape([...v.shape]);
    if (t.shape.join() !== expected.join()) throw new Error(`tensor "${name}" has shape [${t.shape}], expected [${expected}]`);
    values.set(name, { data: fromDisk(t.data, t.shape) });
  }
  weights.restore(values);
}

/** The weights as they lie (vectors and our own layouts need no transposition for PyTorch). */
export function tensorsAsTheyLie(weights: Weights): Record<string, TensorToWrite> {
  const out: Record<string, TensorToWrite> = {};
  for (const [name, { shape, data }] of weights.snapshot()) out[name] = { dtype: 'F32', shape, data };
  return out;
}
