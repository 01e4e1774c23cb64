// Parameter averaging (AdapterHub's average_adapter, "linear" strategy): a new adapter whose every parameter is
// Σᵢ wᵢ·θᵢ over adapters of the same config. Negative weights subtract (task arithmetic).
import * as tf from '@tensorflow/tfjs';
import type { AdapterSpec } from '../config/types';
import type { AdapterModule } from './modules/module';
import { type EncoderDims, createAdapter } from './modules/index';

/** Same config ⇒ same weights in the same order, so parameters pair up by position (their names hold each adapter's own name). */
export function averageAdapters(spec: AdapterSpec, sources: AdapterModule[], weights: number[], dims: EncoderDims): AdapterModule {
  if (sources.length !== weights.length) throw new Error(`${sources.length} adapters but ${weights.length} weights`);
  const merged = createAdapter(spec, dims, 0);
  const targets = merged.weights.entries();
  const sourceEntries = sources.map((s) => s.weights.entries());
  sourceEntries.forEach((entries, i) => {
    if (entries.length !== targets.length)
      throw new Error(`adapter "${sources[i].name}" has ${entries.length} tensors, expected ${targets.length}: not the same config`);
  });
  targets.forEach(([name, target], k) => {
    for (const [i, entries] of sourceEntries.entries()) {
      const [sourceName, source] = entries[k];
      if (source.shape.join() !== target.shape.join())
        throw new Error(`"${sourceName}" of adapter "${sources[i].name}" has shape [${source.shape}], "${name}" [${target.shape}]`);
    }
    tf.tidy(() => target.assign(tf.addN(sourceEntries.map((entries, i) => tf.mul(entries[k][1], weights[i])))));
  });
  return merged;
}
