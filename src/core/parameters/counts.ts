// Parameter counts from shapes alone (no tensors), for `inspect`, the parameters view and the comparison.
import type { AdapterSpec, AttentionMatrix } from '../config/types';
import { adapterPositions, bottleneckSize, isBottleneck } from '../adapters/methods';
import type { BertConfig } from '../model/bert';
import { bertWeightShapes } from '../model/shapes';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export interface BaseParamCounts {
  total: number;
  embeddings: number;
  perLayer: number[];
  pooler: number;
}

export function baseParamCounts(c: BertConfig): BaseParamCounts {
  const counts: BaseParamCounts = { total: 0, embeddings: 0, perLayer: new Array(c.layers).fill(0), pooler: 0 };
  for (const [name, shape] of bertWeightShapes(c)) {
    const n = product(shape);
    counts.total += n;
    const layer = /^bert\.encoder\.layer\.(\d+)\./.exec(name);
    if (layer) counts.perLayer[Number(layer[1])] += n;
    else if (name.startsWith('bert.embeddings.')) counts.embeddings += n;
    else counts.pooler += n;
  }
  return counts;
}

/**
 * Parameters an adapter adds to each layer (0 in left-out layers), by its method's formula:
 *   bottleneck  per position: down d·m + m, up m·d + d (Houlsby: 2 positions)
 *   lora        per adapted matrix W [in, out]: r·(in + out)            (Hu et al. 2021)
 *   ia3         per adapted matrix: out                                  (Liu et al. 2022: 2d + d_ff for k, v, ff)
 *   arc         per position (attention, feed-forward): r + d            (Dong et al. 2023; W is shared, below)
 *   prefix      the MLP's output rows for the layer's keys and values: b·2d + 2d (flat: P·2d), the rest shared
 *               (AdapterHub's PrefixTuning: P·d + d·b + b + b·n·2d + n·2d over n layers in all)
 */
export function adapterParamsPerLayer(spec: AdapterSpec, hiddenSize: number, layers: number, intermediateSize = 4 * hiddenSize): number[] {
  const d = hiddenSize;
  let perLayer: number;
  if (isBottleneck(spec)) {
    const m = bottleneckSize(spec, d);
    perLayer = (2 * d * m + m + d) * adapterPositions(spec.method).length;
  } else if (spec.method === 'prefix') {
    perLayer = spec.flat ? spec.prefixLength! * 2 * d : (spec.bottleneckSize! + 1) * 2 * d;
  } else if (spec.method === 'arc') {
    perLayer = 2 * (bottleneckSize({ bottleneckSize: spec.bottleneckSize, reductionFactor: spec.reductionFactor ?? 1 }, d) + d);
  } else {
    const shapes = adaptedMatrices(spec, d, intermediateSize);
    perLayer = shapes.reduce((n, [inputs, outputs]) => n + (spec.method === 'lora' ? spec.r! * (inputs + outputs) : outputs), 0);
  }
  return Array.from({ length: layers }, (_, i) => (spec.leaveOut.includes(i) ? 0 : perLayer));
}

/** Parameters shared by all layers: ARC's two down projections [d, r]; prefix tuning's embedding and first MLP layer. */
export function adapterSharedParams(spec: AdapterSpec, hiddenSize: number): number {
  if (spec.method === 'prefix') return spec.flat ? 0 : spec.prefixLength! * hiddenSize + (hiddenSize + 1) * spec.bottleneckSize!;
  if (spec.method !== 'arc') return 0;
  return 2 * hiddenSize * bottleneckSize({ bottleneckSize: spec.bottleneckSize, reductionFactor: spec.reductionFactor ?? 1 }, hiddenSize);
}

/** [in, out] of each dense layer a LoRA / IA³ adapter acts on. */
function adaptedMatrices(spec: AdapterSpec, d: number, ff: number): [number, number][] {
  const attention = (spec.attnMatrices ?? []).map((_: AttentionMatrix): [number, number] => [d, d]);
  return [...attention, ...(spec.intermediateLora ? [[d, ff] as [number, number]] : []), ...(spec.outputLora ? [[ff, d] as [number, number]] : [])];
}

/** AdapterHub's 2-layer classification head: d·d + d + d·labels + labels. */
export function headParams(hiddenSize: number, labels: number): number {
  return hiddenSize * hiddenSize + hiddenSize + hiddenSize * labels + labels;
}
