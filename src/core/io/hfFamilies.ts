// The Hugging Face encoder families a local folder may hold, by config.json's model_type. Inside Adapter Lab every
// family runs as the one encoder of model/bert.ts under BERT's weight names; a family says how its config.json reads
// as that encoder's shape and how its tensor names (in checkpoints and in AdapterHub's adapter files) map to ours.
// Without TensorFlow.js: the extension host reads shapes from here. A new family is one entry in FAMILIES.
import type { BertConfig } from '../model/shapes';

export type RawConfig = Record<string, unknown>;

/** Reads a config.json field; throws a message naming the key (the caller adds the file). */
export interface ConfigReader {
  int(key: string, fallback?: number): number; // positive
  index(key: string, fallback: number): number; // non-negative
  num(key: string, fallback: number): number;
  raw: RawConfig;
}

export interface EncoderFamily {
  /** config.json's model_type values this entry reads. */
  modelTypes: readonly string[];
  /** AdapterHub's model class for this family (adapter_config.json's model_class). */
  modelClass: string;
  /** False for families whose base model has no pooler (the engine then starts one at random). */
  pooler: boolean;
  /** The encoder's shape, and how many leading rows of the position table the family never uses. */
  shape(read: ConfigReader): { config: BertConfig; positionOffset: number };
  /** The inverse of shape: the config.json `save_pretrained` of the family's base model class would write. */
  configJson(c: BertConfig): RawConfig;
  /** Our name of a weight (`bert.…`) as this family names it, in a checkpoint and in AdapterHub's files. */
  toFamilyName(ours: string): string;
  /** The inverse of toFamilyName. */
  fromFamilyName(theirs: string): string;
  /** Tensors a checkpoint of this family may hold that the encoder does not use (pre-training heads, buffers). */
  ignored: RegExp;
}

/** Our prefix `bert.` as `prefix.`: families that keep BERT's layout under another base-model prefix. */
function renamedPrefix(prefix: string): Pick<EncoderFamily, 'toFamilyName' | 'fromFamilyName'> {
  return {
    toFamilyName: (ours) => ours.replace(/^bert\./, `${prefix}.`),
    fromFamilyName: (theirs) => theirs.replace(new RegExp(`^${prefix}\\.`), 'bert.'),
  };
}

// Under a layer: [ours, DistilBERT's] (modeling_distilbert.py TransformerBlock; adapters' mixin_distilbert.py puts
// bottleneck adapters and fusion in attention_adapters / output_adapters and LoRA inside q_lin … ffn.lin2).
// The longest matching path wins, in either direction.
const DISTILBERT_LAYER: readonly [string, string][] = [
  ['attention.self.query.', 'attention.q_lin.'],
  ['attention.self.key.', 'attention.k_lin.'],
  ['attention.self.value.', 'attention.v_lin.'],
  ['attention.self.', 'attention.'],
  ['attention.output.dense.', 'attention.out_lin.'],
  ['attention.output.LayerNorm.', 'sa_layer_norm.'],
  ['attention.output.', 'attention_adapters.'],
  ['intermediate.dense.', 'ffn.lin1.'],
  ['output.dense.', 'ffn.lin2.'],
  ['output.LayerNorm.', 'output_layer_norm.'],
  ['output.', 'output_adapters.'],
];

function mapLayerPath(name: string, from: RegExp, to: string, pairs: readonly [string, string][], direction: 0 | 1): string | undefined {
  const m = from.exec(name);
  if (!m) return undefined;
  const rest = name.slice(m[0].length);
  const pair = pairs.filter((p) => rest.startsWith(p[direction])).sort((a, b) => b[direction].length - a[direction].length)[0];
  return `${to}${m[1]}.${pair ? pair[1 - direction] + rest.slice(pair[direction].length) : rest}`;
}

const bert: EncoderFamily = {
  modelTypes: ['bert'],
  modelClass: 'BertAdapterModel',
  pooler: true,
  shape: (read) => ({
    config: {
      ...encoderDims(read, 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size'),
      typeVocabSize: read.int('type_vocab_size', 2),
      layerNormEps: read.num('layer_norm_eps', 1e-12),
    },
    positionOffset: 0,
  }),
  configJson: (c) => ({
    architectures: ['BertModel'],
    model_type: 'bert',
    ...bertLikeDims(c),
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  }),
  toFamilyName: (ours) => ours,
  fromFamilyName: (theirs) => theirs,
  ignored: /^(cls\.|classifier\.|(bert\.)?embeddings\.position_ids$)/,
};

// RoBERTa and XLM-R (modeling_roberta.py): BERT's layout under `roberta.`, position ids counted from
// padding_idx + 1 (create_position_ids_from_input_ids), so the first padding_idx + 1 rows are never read by a token.
const ROBERTA_PADDING_IDX = 1;

function robertaFamily(modelType: string, modelClass: string): EncoderFamily {
  return {
    modelTypes: [modelType],
    modelClass,
    pooler: true,
    shape: (read) => {
      const offset = read.index('pad_token_id', ROBERTA_PADDING_IDX) + 1;
      const positions = read.int('max_position_embeddings');
      if (positions <= offset) throw new Error(`"max_position_embeddings" ${positions} leaves no position after padding_idx + 1 = ${offset}`);
      return {
        config: {
          ...encoderDims(read, 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size'),
          maxPositions: positions - offset,
          typeVocabSize: read.int('type_vocab_size', 1),
          layerNormEps: read.num('layer_norm_eps', 1e-5),
          modelType,
        },
        positionOffset: offset,
      };
    },
    configJson: (c) => ({
      architectures: [modelClass.replace('AdapterModel', 'Model')],
      model_type: modelType,
      ...bertLikeDims(c),
      max_position_embeddings: c.maxPositions + ROBERTA_PADDING_IDX + 1,
      pad_token_id: ROBERTA_PADDING_IDX,
      bos_token_id: 0,
      eos_token_id: 2,
      position_embedding_type: 'absolute',
    }),
    ...renamedPrefix('roberta'),
    ignored: /^(lm_head\.|classifier\.|(roberta\.)?embeddings\.position_ids$)/,
  };
}

// DistilBERT (modeling_distilbert.py): no token types, no pooler, post-LayerNorm blocks under other names; its
// LayerNorms use eps 1e-12; "sinusoidal_pos_embds" fills the position table at init, which is saved like any other.
const distilbert: EncoderFamily = {
  modelTypes: ['distilbert'],
  modelClass: 'DistilBertAdapterModel',
  pooler: false,
  shape: (read) => {
    const activation = read.raw.activation ?? 'gelu';
    if (activation !== 'gelu' && activation !== 'relu') throw new Error(`"activation" ${JSON.stringify(activation)} is not supported (only "gelu", "relu")`);
    return {
      config: {
        ...encoderDims(read, 'dim', 'n_layers', 'n_heads', 'hidden_dim'),
        typeVocabSize: 0,
        layerNormEps: 1e-12,
        modelType: 'distilbert',
        ...(activation === 'relu' && { activation }),
      },
      positionOffset: 0,
    };
  },
  configJson: (c) => ({
    architectures: ['DistilBertModel'],
    model_type: 'distilbert',
    dim: c.hiddenSize,
    n_layers: c.layers,
    n_heads: c.heads,
    hidden_dim: c.intermediateSize,
    vocab_size: c.vocabSize,
    max_position_embeddings: c.maxPositions,
    activation: c.activation ?? 'gelu',
    sinusoidal_pos_embds: false, // the table is saved either way
    pad_token_id: 0,
  }),
  toFamilyName: (ours) =>
    mapLayerPath(ours, /^bert\.encoder\.layer\.(\d+)\./, 'distilbert.transformer.layer.', DISTILBERT_LAYER, 0) ?? ours.replace(/^bert\./, 'distilbert.'),
  fromFamilyName: (theirs) =>
    mapLayerPath(theirs, /^distilbert\.transformer\.layer\.(\d+)\./, 'bert.encoder.layer.', DISTILBERT_LAYER, 1) ?? theirs.replace(/^distilbert\./, 'bert.'),
  ignored: /^(vocab_transform\.|vocab_layer_norm\.|vocab_projector\.|pre_classifier\.|classifier\.)/,
};

// ELECTRA discriminator (modeling_electra.py): BERT's layout under `electra.`, no pooler, and embeddings of width
// embedding_size projected to hidden_size by `electra.embeddings_project` when the two differ.
const electra: EncoderFamily = {
  modelTypes: ['electra'],
  modelClass: 'ElectraAdapterModel',
  pooler: false,
  shape: (read) => {
    const dims = encoderDims(read, 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size');
    const embeddingSize = read.int('embedding_size', dims.hiddenSize);
    return {
      config: {
        ...dims,
        typeVocabSize: read.int('type_vocab_size', 2),
        layerNormEps: read.num('layer_norm_eps', 1e-12),
        modelType: 'electra',
        ...(embeddingSize !== dims.hiddenSize && { embeddingSize }),
      },
      positionOffset: 0,
    };
  },
  configJson: (c) => ({
    architectures: ['ElectraModel'],
    model_type: 'electra',
    ...bertLikeDims(c),
    embedding_size: c.embeddingSize ?? c.hiddenSize,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  }),
  ...renamedPrefix('electra'),
  ignored: /^(discriminator_predictions\.|generator_|classifier\.|(electra\.)?embeddings\.position_ids$)/,
};

export const FAMILIES: readonly EncoderFamily[] = [
  bert,
  robertaFamily('roberta', 'RobertaAdapterModel'),
  robertaFamily('xlm-roberta', 'XLMRobertaAdapterModel'),
  distilbert,
  electra,
];

export const MODEL_TYPES: readonly string[] = FAMILIES.flatMap((f) => f.modelTypes);

/** The family of a model_type (absent: BERT), or undefined for one Adapter Lab cannot load. */
export function familyOf(modelType: string | undefined): EncoderFamily | undefined {
  return FAMILIES.find((f) => f.modelTypes.includes(modelType ?? 'bert'));
}

/** The family of a loaded or random base. */
export function familyOfConfig(c: BertConfig): EncoderFamily {
  const family = familyOf(c.modelType);
  if (!family) throw new Error(`unknown model type ${JSON.stringify(c.modelType)}`);
  return family;
}

function encoderDims(read: ConfigReader, hidden: string, layers: string, heads: string, intermediate: string) {
  return {
    hiddenSize: read.int(hidden),
    layers: read.int(layers),
    heads: read.int(heads),
    intermediateSize: read.int(intermediate),
    vocabSize: read.int('vocab_size'),
    maxPositions: read.int('max_position_embeddings'),
  };
}

/** The config.json fields BERT, RoBERTa and ELECTRA share. */
function bertLikeDims(c: BertConfig): RawConfig {
  return {
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    intermediate_size: c.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    vocab_size: c.vocabSize,
    layer_norm_eps: c.layerNormEps,
    initializer_range: 0.02,
  };
}
