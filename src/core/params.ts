// Parameter counts from shapes alone (no tensors), for `inspect`, the parameters view and the comparison.
import type { BottleneckAdapterSpec } from './config/types';
import { adapterPositions, bottleneckSize } from './adapters/bottleneck';
import { type BertConfig, bertWeightShapes } from './model/bert';

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

/** Per layer: down (d·m + m) + up (m·d + d) at each position the method uses; 0 in left-out layers. */
export function adapterParamsPerLayer(spec: BottleneckAdapterSpec, hiddenSize: number, layers: number): number[] {
  const m = bottleneckSize(spec, hiddenSize);
  const perPosition = hiddenSize * m + m + m * hiddenSize + hiddenSize;
  const positions = adapterPositions(spec.method).length;
  return Array.from({ length: layers }, (_, i) => (spec.leaveOut.includes(i) ? 0 : perPosition * positions));
}

/** AdapterHub's 2-layer classification head: d·d + d + d·labels + labels. */
export function headParams(hiddenSize: number, labels: number): number {
  return hiddenSize * hiddenSize + hiddenSize + hiddenSize * labels + labels;
}
