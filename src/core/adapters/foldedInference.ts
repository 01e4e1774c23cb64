// Merged inference (LoRA paper §4.1, AdapterHub's merge_adapter): during an inference pass, each frozen dense layer
// a mergeable adapter (LoRA, IA³, ARC) adapts runs as one dense layer with the adapter folded into its weights —
// x·(W + s·A·B) instead of x·W + s·(x·A)·B. The merge math is the one `merge-into-base` writes files with.
// Built from the current weights when a pass starts and disposed when it ends: weights only change between passes
// (optimiser steps, loads), so the merged copy can never be stale, and training passes never see it.
import * as tf from '@tensorflow/tfjs';
import type { Weights } from '../model/weights';
import { mergedBaseValues } from './foldIntoBase';
import { type AdapterModule, LINEAR_NAMES } from './modules/module';
import { isMergeable } from './modules/index';

type Values = Map<string, { shape: number[]; data: Float32Array }>;

export class MergedLinears {
  private constructor(private readonly merged: Map<string, { weight: tf.Tensor2D; bias: tf.Tensor1D }>) {}

  /** The merged weight and bias of every dense layer `module` adapts; null when it is not mergeable. */
  static build(module: AdapterModule, base: Weights, layers: number): MergedLinears | null {
    if (!isMergeable(module)) return null;
    const sites = Array.from({ length: layers }, (_, layer) =>
      LINEAR_NAMES.filter((name) => module.acts({ kind: 'linear', layer, name })).map((name) => `bert.encoder.layer.${layer}.${name}`),
    ).flat();
    // Only the adapted layers' weights are read back: the merge reads nothing else.
    const values: Values = new Map();
    for (const site of sites) {
      for (const key of [`${site}.weight`, `${site}.bias`]) {
        const v = base.get(key);
        values.set(key, { shape: [...v.shape], data: v.dataSync() as Float32Array });
      }
    }
    const merged = mergedBaseValues(module, values);
    const tensors = new Map<string, { weight: tf.Tensor2D; bias: tf.Tensor1D }>();
    for (const site of sites) {
      const w = merged.get(`${site}.weight`)!;
      const b = merged.get(`${site}.bias`)!;
      // kept: a pass may start inside a tf.tidy, and these live until dispose().
      tensors.set(site, { weight: tf.keep(tf.tensor2d(w.data, w.shape as [number, number])), bias: tf.keep(tf.tensor1d(b.data)) });
    }
    return new MergedLinears(tensors);
  }

  get(layer: number, name: string): { weight: tf.Tensor2D; bias: tf.Tensor1D } | undefined {
    return this.merged.get(`bert.encoder.layer.${layer}.${name}`);
  }

  dispose(): void {
    for (const { weight, bias } of this.merged.values()) tf.dispose([weight, bias]);
    this.merged.clear();
  }
}
