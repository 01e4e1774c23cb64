// Parameter counts from shapes alone (no tensors), for `inspect`, the parameters view and the comparison.
import { gpt2WeightShapes } from '../model/gpt2Shapes';
import type { AdapterSpec } from '../config/types';
import { type SetupNode, adapterNames } from '../composition/tree';
import { knowledgeFuse } from '../composition/knowledge';
import { descriptorOf } from '../adapters/methods/index';
import { KNOWLEDGE_LABELS } from '../adapters/methods/kAdapter';
import type { BertConfig } from '../model/shapes';
import { bertWeightShapes } from '../model/shapes';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export interface BaseParamCounts {
  total: number;
  embeddings: number;
  perLayer: number[];
  pooler: number;
}

export function baseParamCounts(c: BertConfig): BaseParamCounts {
  if (c.modelType === 'gpt2') return decoderParamCounts(c);
  const counts: BaseParamCounts = { total: 0, embeddings: 0, perLayer: new Array(c.layers).fill(0), pooler: 0 };
  for (const [name, shape] of bertWeightShapes(c)) {
    const n = product(shape);
    counts.total += n;
    const layer = /^bert\.encoder\.layer\.(\d+)\./.exec(name);
    if (layer) counts.perLayer[Number(layer[1])] += n;
    else if (name.startsWith('bert.embeddings'))
      counts.embeddings += n; // the tables, their LayerNorm, ELECTRA's projection
    else counts.pooler += n;
  }
  return counts;
}

/** A GPT-2 decoder's (its shape read as an encoder's, baseShape.ts): token and position tables, blocks, final LayerNorm (as "pooler"). */
function decoderParamCounts(c: BertConfig): BaseParamCounts {
  const counts: BaseParamCounts = { total: 0, embeddings: 0, perLayer: new Array(c.layers).fill(0), pooler: 0 };
  const shapes = gpt2WeightShapes({ ...c, activation: 'gelu_new', eosTokenId: null });
  for (const [name, shape] of shapes) {
    const n = product(shape);
    counts.total += n;
    const layer = /^transformer\.h\.(\d+)\./.exec(name);
    if (layer) counts.perLayer[Number(layer[1])] += n;
    else if (name.startsWith('transformer.w')) counts.embeddings += n;
    else counts.pooler += n;
  }
  return counts;
}

/** Parameters an adapter adds to each layer (0 in left-out layers), by its method's formula (adapters/methods/). */
export function adapterParamsPerLayer(spec: AdapterSpec, hiddenSize: number, layers: number, intermediateSize = 4 * hiddenSize): number[] {
  const perLayer = descriptorOf(spec.method).paramsPerLayer(spec, { hiddenSize, intermediateSize, layers });
  return Array.from({ length: layers }, (_, i) => (spec.leaveOut.includes(i) ? 0 : perLayer));
}

/**
 * Parameters outside the layers: ARC's two down projections [d, r]; prefix tuning's embedding and first MLP layer;
 * a K-adapter (all of it: it plugs in beside the base).
 */
export function adapterSharedParams(spec: AdapterSpec, hiddenSize: number, layers: number): number {
  return descriptorOf(spec.method).sharedParams(spec, { hiddenSize, intermediateSize: 4 * hiddenSize, layers });
}

/** AdapterHub's 2-layer classification head on d (+ extra) inputs: (d + extra)·d + d + d·labels + labels. */
export function headParams(hiddenSize: number, labels: number, extraInputs = 0): number {
  return (hiddenSize + extraInputs) * hiddenSize + hiddenSize + hiddenSize * labels + labels;
}

/**
 * The head an adapter's run trains: a classification head for its task on d (+ a K-adapter's d); for a knowledge
 * adapter the tagging head of its knowledge on [base; K-adapter], 2d·labels + labels (run/knowledge.ts).
 */
export function adapterHeadParams(spec: AdapterSpec, hiddenSize: number, taskLabels: number): number {
  if (spec.method === 'k-adapter' && spec.knowledge) return 2 * hiddenSize * KNOWLEDGE_LABELS[spec.knowledge] + KNOWLEDGE_LABELS[spec.knowledge];
  return headParams(hiddenSize, taskLabels, headExtraInputs(spec, hiddenSize));
}

/** What the head of an adapter's run reads besides the base's d: a K-adapter's output, d more. */
export function headExtraInputs(spec: AdapterSpec, hiddenSize: number): number {
  return spec.method === 'k-adapter' ? hiddenSize : 0;
}

/**
 * What a composition's head reads besides the base's d: d per K-adapter of its setup (Concat(a, b): 2d), or d for
 * a Fuse over K-adapters (their fused output).
 */
export function kAdapterInputs(setup: SetupNode, adapters: readonly AdapterSpec[], hiddenSize: number): number {
  const isKnowledge = (n: string) => adapters.find((a) => a.name === n)?.method === 'k-adapter';
  if (knowledgeFuse(setup, isKnowledge)) return hiddenSize;
  return adapterNames(setup).filter(isKnowledge).length * hiddenSize;
}

/** A Fuse over K-adapters: query, key and value, each Linear(d, d), at its one site: 3(d² + d). Else 0. */
export function knowledgeFusionParams(setup: SetupNode, adapters: readonly AdapterSpec[], hiddenSize: number): number {
  const d = hiddenSize;
  return knowledgeFuse(setup, (n) => adapters.find((a) => a.name === n)?.method === 'k-adapter') ? 3 * (d * d + d) : 0;
}
