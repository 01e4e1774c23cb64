// The model sizes the benchmark measures and the synthetic batches they run on (full-length sequences, no padding).
import { createAdapter } from '../src/core/adapters/modules/index';
import { BOTTLENECK_DEFAULTS } from '../src/core/adapters/methods/bottleneck';
import { LORA_DEFAULTS } from '../src/core/adapters/methods/lowRank';
import type { AdapterSpec } from '../src/core/config/types';
import { BertEncoder, initBertWeights } from '../src/core/model/bert';
import { type BertConfig } from '../src/core/model/shapes';
import { bertWeightShapes } from '../src/core/model/shapes';
import { Classifier } from '../src/core/classifier/classifier';
import { ClassificationHead } from '../src/core/model/heads';
import { Weights } from '../src/core/model/weights';
import { type Batch, type Example, makeBatch } from '../src/core/train/batches';

export interface BenchModel {
  name: ModelName;
  config: BertConfig;
  batch: number;
  length: number;
  labels: number;
}

export type ModelName = 'tiny' | 'tiny-18' | 'mini' | 'bert-base';

const base = { vocabSize: 8000, maxPositions: 128, typeVocabSize: 2, layerNormEps: 1e-12 };
const tiny: BertConfig = { ...base, hiddenSize: 128, layers: 2, heads: 4, intermediateSize: 512 };

export const MODELS: Record<ModelName, BenchModel> = {
  tiny: { name: 'tiny', config: tiny, batch: 32, length: 64, labels: 2 },
  // tiny at the median padded length of the reviews example's training batches
  'tiny-18': { name: 'tiny-18', config: tiny, batch: 32, length: 18, labels: 2 },
  mini: { name: 'mini', config: { ...base, hiddenSize: 256, layers: 4, heads: 4, intermediateSize: 1024 }, batch: 16, length: 128, labels: 2 },
  // bert-base-uncased's shape: what a user's own downloaded model costs here
  'bert-base': {
    name: 'bert-base',
    config: { ...base, vocabSize: 30522, maxPositions: 512, hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 3072 },
    batch: 8,
    length: 128,
    labels: 2,
  },
};

/** The adapter methods measured, each with the project's defaults. */
export type BenchMethod = 'houlsby' | 'pfeiffer' | 'lora';
export const ADAPTER_METHODS: readonly BenchMethod[] = ['houlsby', 'pfeiffer', 'lora'];

/** Bottleneck adapters: reduction factor 16, ReLU; LoRA: r 8, alpha 8 on query and value. */
export function adapterSpec(method: BenchMethod): AdapterSpec {
  const common = { name: method, task: 'task', leaveOut: [] };
  return method === 'lora'
    ? { ...LORA_DEFAULTS, attnMatrices: [...LORA_DEFAULTS.attnMatrices], ...common, method }
    : { ...BOTTLENECK_DEFAULTS, ...common, method };
}

export function bottleneck(model: BenchModel): number {
  return Math.floor(model.config.hiddenSize / BOTTLENECK_DEFAULTS.reductionFactor);
}

export function buildEncoder(model: BenchModel, seed = 1): BertEncoder {
  const shapes = bertWeightShapes(model.config);
  const values = new Map([...initBertWeights(model.config, seed)].map(([n, data]) => [n, { shape: shapes.get(n) as number[], data }]));
  return new BertEncoder(model.config, new Weights(values));
}

/** A classifier on `encoder`: full fine-tuning (trainBase), an adapter run, or head-only (neither). */
export function buildClassifier(
  model: BenchModel,
  encoder: BertEncoder,
  method: BenchMethod | null,
  trainBase: boolean,
): { classifier: Classifier; head: ClassificationHead; dispose(): void } {
  const d = model.config.hiddenSize;
  const head = new ClassificationHead(
    'task',
    Array.from({ length: model.labels }, (_, i) => `l${i}`),
    'mean',
    d,
    2,
  );
  const adapter = method ? createAdapter(adapterSpec(method), model.config, 3) : null;
  return {
    classifier: new Classifier(encoder, [head], adapter, trainBase),
    head,
    dispose: () => {
      adapter?.weights.dispose();
      head.weights.dispose();
    },
  };
}

/** One batch worth of random full-length sequences (seeded). */
export function syntheticExamples(model: BenchModel, seed = 7): Example[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  return Array.from({ length: model.batch }, () => ({
    ids: Array.from({ length: model.length }, () => 1 + (next() % (model.config.vocabSize - 1))),
    labels: [next() % model.labels],
  }));
}

/** Those examples as one padded batch (no padding: all full length). */
export function syntheticBatch(model: BenchModel, seed = 7): Batch {
  const examples = syntheticExamples(model, seed);
  return makeBatch(
    examples,
    examples.map((_, i) => i),
    0,
  );
}
