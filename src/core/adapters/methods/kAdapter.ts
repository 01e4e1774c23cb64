// K-Adapter (Wang et al., Findings of ACL 2021): a knowledge adapter is an *outside plug-in* of the frozen model.
// Adapter layer j reads the base's hidden state at readLayers[j] plus adapter layer j−1's output, projects it down
// d→m, runs N small transformer layers at width m, projects back m→d and adds the result to what it read. The task
// head reads the base's last hidden state concatenated with the last adapter layer's output. Nothing runs inside
// the base, so AdapterHub's blocks do not apply; several K-adapters combine by concatenation at the head (Concat),
// or by a fusion over their outputs at the head (Fuse, composition/fusion.ts).
import { type EncoderDims, type MethodDescriptor, withDefaults } from './descriptor';

/**
 * Knowledge that ships offline, which a K-adapter can be trained on instead of a task (run/knowledge.ts):
 *   pos — part of speech of every word of the Brown corpus (coarse tags): linguistic knowledge;
 *   wordnet — the relation of a word to another in the context of the first's gloss (WordNet 3.1): lexical knowledge.
 */
export const KNOWLEDGE_SOURCES = ['pos', 'wordnet'] as const;
export type KnowledgeSource = (typeof KNOWLEDGE_SOURCES)[number];
/** Labels of each knowledge's tagging head (data/corpora.ts's POS_TAGS, data/wordnet.ts's WORDNET_RELATIONS; a test keeps them in step). */
export const KNOWLEDGE_LABELS: Record<KnowledgeSource, number> = { pos: 14, wordnet: 6 };

export interface KAdapterOptions {
  /** Train on this knowledge (its run's task is then the knowledge's name), not on a task of the experiment. */
  knowledge?: KnowledgeSource;
  /** Knowledge runs: training sentences (pos) or word pairs (wordnet) drawn from the knowledge (validation and test: 1,000 each, apart). */
  knowledgeExamples: number;
  /** Hidden states read, as Hugging Face's hidden_states: 0 = embeddings output, i = output of layer i. Default all. */
  readLayers?: number[];
  transformerLayers: number; // N small transformer layers per adapter layer (the paper: 2)
  adapterSize: number; // m, their width
  heads: number;
  intermediateSize: number; // their feed-forward width
  initStd: number; // std of the projections d→m and m→d (the paper: 0.0002)
}

export const K_ADAPTER_DEFAULTS: Readonly<Omit<KAdapterOptions, 'readLayers' | 'knowledge'>> = {
  knowledgeExamples: 8000,
  transformerLayers: 2,
  adapterSize: 64,
  heads: 4,
  intermediateSize: 256,
  initStd: 0.0002,
};

/** The base hidden states the adapter layers read, in order: the written list, else every one (0…L). */
export function readLayersOf(options: Pick<KAdapterOptions, 'readLayers'>, layers: number): number[] {
  return options.readLayers ?? Array.from({ length: layers + 1 }, (_, i) => i);
}

/** One small transformer layer at width m with feed-forward f: attention 4(m²+m) + LayerNorm 2m, FFN 2mf+f+m + 2m. */
export function transformerLayerParams(m: number, f: number): number {
  return 4 * m * m + 2 * m * f + 9 * m + f;
}

/** One adapter layer: down d·m + m, N transformer layers, up m·d + d. */
export function kAdapterLayerParams(o: KAdapterOptions, d: number): number {
  const m = o.adapterSize;
  return d * m + m + o.transformerLayers * transformerLayerParams(m, o.intermediateSize) + m * d + d;
}

export function kAdapterParams(o: KAdapterOptions, dims: Pick<EncoderDims, 'hiddenSize' | 'layers'>): number {
  return readLayersOf(o, dims.layers).length * kAdapterLayerParams(o, dims.hiddenSize);
}

export const kAdapter: MethodDescriptor<KAdapterOptions> = {
  label: 'K-Adapter',
  options: ['knowledge', 'knowledgeExamples', 'readLayers', 'transformerLayers', 'adapterSize', 'heads', 'intermediateSize', 'initStd'],
  resolve: (written) => ({
    ...withDefaults(K_ADAPTER_DEFAULTS, written),
    ...(written.knowledge !== undefined && { knowledge: written.knowledge }),
    ...(written.readLayers !== undefined && { readLayers: [...written.readLayers] }),
  }),
  issues: (o) => [
    ...(o.adapterSize % o.heads !== 0
      ? [{ option: 'heads', code: 'k-adapter-heads', message: `adapterSize ${o.adapterSize} must be a multiple of heads (${o.heads}): change either` }]
      : []),
    ...(o.readLayers && new Set(o.readLayers).size !== o.readLayers.length
      ? [{ option: 'readLayers', code: 'k-adapter-read-layers', message: 'readLayers lists a hidden state twice: list each once' }]
      : []),
  ],
  // Outside the base: no layer holds any of it; all of it is counted once (`sharedParams`).
  paramsPerLayer: () => 0,
  sharedParams: (o, dims) => kAdapterParams(o, dims),
  blocks: ['Concat', 'Fuse'],
  placements: ['plug-in'],
  sizeLabel: (o) => `${o.transformerLayers} × m ${o.adapterSize}`,
  hubConfig: (o, _leaveOut, { hiddenSize, layers }) => ({
    architecture: 'k-adapter',
    adapter_list: readLayersOf(o, layers),
    adapter_transformer_layers: o.transformerLayers,
    adapter_size: o.adapterSize,
    num_attention_heads: o.heads,
    intermediate_size: o.intermediateSize,
    project_hidden_size: hiddenSize,
    adapter_initializer_range: o.initStd,
    ...(o.knowledge && { knowledge: o.knowledge }),
  }),
};
