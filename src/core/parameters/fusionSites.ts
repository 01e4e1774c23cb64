// Where an AdapterFusion layer has weights: every (layer, position) at which one of the fused adapters acts after a
// block (FusionLayer in composition/fusion.ts). Only bottleneck adapters act there; LoRA, IA³ and ARC act inside
// the dense layers, so a Fuse of those has no fusion sites.
import { bottleneckPositions, isBottleneckMethod } from '../adapters/methods/bottleneck';
import type { AdapterSpec } from '../config/types';
import { type Block, adapterNames } from '../composition/tree';

/** Fusion sites (0, 1 or 2 positions) in each layer. */
export function fusionSitesPerLayer(fuse: Block, adapters: readonly AdapterSpec[], layers: number): number[] {
  const fused = adapterNames(fuse).flatMap((n) => adapters.filter((a) => a.name === n));
  return Array.from({ length: layers }, (_, layer) => {
    const positions = new Set(fused.flatMap((a) => (isBottleneckMethod(a.method) && !a.leaveOut.includes(layer) ? bottleneckPositions(a.method) : [])));
    return positions.size;
  });
}
