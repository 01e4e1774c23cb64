// What each adapter method's config says about its shape, without TensorFlow.js: the modules build weights from it,
// and parameter counts (params.ts) use it in the VS Code extension host, which must not load TensorFlow.js.
import type { AdapterSpec, BottleneckAdapterSpec } from '../config/types';
import type { AdapterPosition } from '../model/bert';

export function isBottleneck(spec: AdapterSpec): spec is BottleneckAdapterSpec {
  return spec.method === 'houlsby' || spec.method === 'pfeiffer' || spec.method === 'parallel';
}

/** Where each method sits in a layer (AdapterHub: mh_adapter = after attention, output_adapter = after the FFN). */
export function adapterPositions(method: BottleneckAdapterSpec['method']): AdapterPosition[] {
  return method === 'houlsby' ? ['attention', 'output'] : ['output'];
}

export function bottleneckSize(spec: { bottleneckSize?: number; reductionFactor: number }, hiddenSize: number): number {
  return spec.bottleneckSize ?? Math.max(1, Math.floor(hiddenSize / spec.reductionFactor));
}
