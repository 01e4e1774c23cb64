// AdapterDrop (Rücklé et al. 2021): the adapters of the lowest layers are skipped, so those layers run as the frozen
// base does (and their outputs can be shared or cached). Specialised: always the first n layers. Robust: during
// training n is drawn per batch from 0…L−1, so that one model works at any n; at inference none unless asked
// (`adapter-lab drop` evaluates every n).
import type { AdapterDropSpec } from '../config/types';
import { createRng } from '../data/random';
import { seedFor } from '../model/init';

/** Layers skipped at inference by default: specialised n, robust none. */
export function inferenceDrop(drop: AdapterDropSpec | undefined): number {
  return drop?.mode === 'specialised' ? drop.layers : 0;
}

/** Layers skipped in every training pass too (what lies below them never changes): specialised n, robust none. */
export const alwaysDropped = inferenceDrop;

/**
 * Layers whose adapters a pass skips: in training (a dropout seed) specialised n or robust's draw, the same for
 * every batch with the same seed; at inference (no seed) `atInference`.
 */
export function droppedLayers(drop: AdapterDropSpec | undefined, layers: number, dropoutSeed: number | null, atInference: number): number {
  if (dropoutSeed === null || !drop) return atInference;
  if (drop.mode === 'specialised') return drop.layers;
  return Math.floor(createRng(seedFor(dropoutSeed, 'adapterdrop'))() * layers); // 0 … L−1
}
