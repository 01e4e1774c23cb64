// One registry of adapter methods: narrowing a resolved AdapterSpec to its method's spec, and building its module.
import type { AdapterSpec, ArcAdapterSpec, Ia3AdapterSpec, LoraAdapterSpec, PrefixAdapterSpec } from '../../config/types';
import { ArcAdapter } from './arc';
import { BottleneckAdapter } from './bottleneck';
import { Ia3Adapter } from './ia3';
import { LoraAdapter } from './lora';
import { isBottleneck } from '../methods';
import type { AdapterModule } from './module';
import { PrefixAdapter } from './prefix';

/** What a method needs to know of the encoder. */
export interface EncoderDims {
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
}


/** The resolved config fills in every option of the spec's method (config/resolve.ts). */
export function createAdapter(spec: AdapterSpec, dims: EncoderDims, seed: number): AdapterModule {
  if (isBottleneck(spec)) return new BottleneckAdapter(spec, dims.hiddenSize, dims.layers, seed);
  switch (spec.method) {
    case 'lora':
      return new LoraAdapter(spec as LoraAdapterSpec, dims, seed);
    case 'ia3':
      return new Ia3Adapter(spec as Ia3AdapterSpec, dims);
    case 'arc':
      return new ArcAdapter(spec as ArcAdapterSpec, dims, seed);
    case 'prefix':
      return new PrefixAdapter(spec as PrefixAdapterSpec, dims, seed);
    default:
      throw new Error(`unknown adapter method "${spec.method}"`);
  }
}

/** Methods that are linear maps of the frozen weights and can be merged into them for inference. */
export interface MergeableAdapter extends AdapterModule {
  mergedInto(base: Map<string, { shape: number[]; data: Float32Array }>): Map<string, { shape: number[]; data: Float32Array }>;
}

export function isMergeable(module: AdapterModule): module is MergeableAdapter {
  return typeof (module as Partial<MergeableAdapter>).mergedInto === 'function';
}

/** Prefix tuning: adds attention keys and values instead of changing a block or a dense layer. */
export function isPrefix(module: AdapterModule): module is PrefixAdapter {
  return module instanceof PrefixAdapter;
}
