// The TensorFlow.js module of each adapter method (what the method computes; its descriptor in ../methods/ says the
// rest). The mapped type makes a method without a line here a compile error.
import type { AdapterMethod } from '../methods/index';
import type { EncoderDims } from '../methods/descriptor';
import type { AdapterSpec, AdapterSpecOf, BottleneckAdapterSpec } from '../../config/types';
import { ArcAdapter } from './arc';
import { BottleneckAdapter } from './bottleneck';
import { Ia3Adapter } from './ia3';
import { KAdapter } from './kAdapter';
import { LoraAdapter } from './lora';
import type { AdapterModule } from './module';
import { PrefixAdapter } from './prefix';
import { VeraAdapter } from './vera';

export type { EncoderDims } from '../methods/descriptor';

type ModuleFactory<M extends AdapterMethod> = (spec: AdapterSpecOf<M>, dims: EncoderDims, seed: number) => AdapterModule;

const bottleneck = (spec: BottleneckAdapterSpec, dims: EncoderDims, seed: number) => new BottleneckAdapter(spec, dims.hiddenSize, dims.layers, seed);

const MODULES: { [M in AdapterMethod]: ModuleFactory<M> } = {
  houlsby: bottleneck,
  pfeiffer: bottleneck,
  parallel: bottleneck,
  lora: (spec, dims, seed) => new LoraAdapter(spec, dims, seed),
  ia3: (spec, dims) => new Ia3Adapter(spec, dims),
  arc: (spec, dims, seed) => new ArcAdapter(spec, dims, seed),
  prefix: (spec, dims, seed) => new PrefixAdapter(spec, dims, seed),
  vera: (spec, dims) => new VeraAdapter(spec, dims),
  'k-adapter': (spec, dims, seed) => new KAdapter(spec, dims, seed),
};

/** The resolved config fills in every option of the spec's method (config/resolve.ts). */
export function createAdapter(spec: AdapterSpec, dims: EncoderDims, seed: number): AdapterModule {
  const create = MODULES[spec.method] as ModuleFactory<AdapterMethod> | undefined;
  if (!create) throw new Error(`unknown adapter method "${spec.method}"`);
  return create(spec, dims, seed);
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
