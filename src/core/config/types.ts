// The shape of a `*.adapterlab.json` experiment after parsing, defaults applied and validation passed.
// Field names follow AdapterHub where a concept exists there (reduction_factor → reductionFactor, leave_out → leaveOut).
import type { BackendName, RunType } from '../../common/runRecord';
import type { SetupNode } from '../composition/tree';
import type { SourceRange } from '../../common/sourceRange';


export type Pooling = 'mean' | 'cls' | 'pooler';
export type NonLinearity = 'relu' | 'gelu' | 'swish' | 'tanh';
export type BottleneckMethod = 'houlsby' | 'pfeiffer' | 'parallel';
export type AdapterMethod = BottleneckMethod | 'lora' | 'ia3' | 'arc' | 'prefix';
export type BaselineName = 'full' | 'head-only';

/** Shape of a randomly initialised BERT encoder (HF config names in comments). */
export interface EncoderShape {
  hiddenSize: number; // hidden_size
  layers: number; // num_hidden_layers
  heads: number; // num_attention_heads
  intermediateSize: number; // intermediate_size
  vocabSize: number; // vocab_size (for a random base: size of the WordPiece vocabulary trained on the train split)
  maxPositions: number; // max_position_embeddings
}

export type BaseSpec =
  | { kind: 'random'; shape: EncoderShape }
  | { kind: 'builtin'; name: string }
  | { kind: 'path'; path: string }; // absolute after resolution against the config's folder

export type DataSpec =
  | { kind: 'builtin'; name: 'reviews' }
  | { kind: 'file'; path: string; format: 'jsonl' | 'csv'; textField: string };

export interface SplitSpec {
  validation: number; // fraction of all rows
  test: number;
  seed: number;
}

export interface TaskSpec {
  name: string;
  field: string; // label field in each row
  labels?: string[]; // fixed label order; inferred (sorted) from the data when absent
  pooling: Pooling;
}

/**
 * AdapterDrop (Rücklé et al. 2021): `specialised` drops the adapters of the first `layers` layers in training and
 * inference; `robust` drops the first n layers' adapters with n drawn per batch from 0…L−1 during training, and
 * none at inference unless asked (`adapter-lab drop` evaluates every n).
 */
export type AdapterDropSpec = { mode: 'specialised'; layers: number } | { mode: 'robust' };

interface AdapterCommon {
  name: string;
  task: string;
  leaveOut: number[];
  adapterDrop?: AdapterDropSpec; // absent: no AdapterDrop
  train?: Partial<TrainOptions>; // this adapter's run: over train.adapter (AdapterHub trains each adapter apart)
}

/** Options of the bottleneck methods (houlsby, pfeiffer, parallel); ARC uses the size fields. */
export interface BottleneckOptions {
  bottleneckSize?: number; // wins over reductionFactor when both are given
  reductionFactor: number;
  nonLinearity: NonLinearity;
  scaling: number; // output scaling (parallel adapters; 1 for the others)
  initStd: number; // std of the down projection; the up projection starts at zero
}

/** AdapterHub's attn_matrices: which of the attention's dense layers a LoRA / IA³ adapter acts on. */
export type AttentionMatrix = 'q' | 'k' | 'v';

/** Options of LoRA and IA³, as AdapterHub's LoRAConfig / IA3Config. */
export interface LoraOptions {
  r: number; // LoRA rank
  alpha: number; // LoRA: update scaled by alpha / r; IA³: vector scaled by alpha
  attnMatrices: AttentionMatrix[];
  intermediateLora: boolean; // also on intermediate.dense
  outputLora: boolean; // also on output.dense
}

/** Options of prefix tuning, as AdapterHub's PrefixTuningConfig. */
export interface PrefixOptions {
  prefixLength: number; // prefix_length: key/value positions added to every layer's attention
  bottleneckSize: number; // bottleneck_size of the re-parameterisation MLP
  nonLinearity: NonLinearity; // of the MLP (AdapterHub: tanh)
  dropout: number; // on the prefix keys/values in training
  flat: boolean; // train the prefix directly, without the MLP
}

/**
 * An adapter as the config resolves it: the common fields, and the options of its method (the others absent).
 * Narrow with the guards in adapters/registry.ts to the per-method types below.
 */
export interface AdapterSpec extends AdapterCommon, Partial<BottleneckOptions>, Partial<LoraOptions>, Partial<PrefixOptions> {
  method: AdapterMethod;
}

export interface BottleneckAdapterSpec extends AdapterCommon, BottleneckOptions {
  method: BottleneckMethod;
}

/** LoRA (Hu et al. 2021): W + (alpha / r)·BA on the chosen matrices; B starts at zero. */
export interface LoraAdapterSpec extends AdapterCommon, LoraOptions {
  method: 'lora';
}

/** (IA)³ (Liu et al. 2022): learned vectors scaling the outputs of k, v and the feed-forward; they start at one. */
export interface Ia3AdapterSpec extends AdapterCommon, LoraOptions {
  method: 'ia3';
}

/**
 * Prefix tuning (Li & Liang 2021): learned keys and values in front of every layer's own, attended to by every
 * token and never masked; trained through an MLP over a prefix embedding (unless flat), used flat at inference.
 */
export interface PrefixAdapterSpec extends AdapterCommon, PrefixOptions {
  method: 'prefix';
}

/**
 * ARC (Dong et al. 2023): x + (x·W·diag(cₗ))·Wᵀ + bₗ on the input of the attention and of the feed-forward, with
 * W [d, r] shared across layers (one for attention, one for the feed-forward) and per layer only cₗ [r] and bₗ [d].
 */
export interface ArcAdapterSpec extends AdapterCommon {
  method: 'arc';
  bottleneckSize?: number;
  reductionFactor: number;
}

/** AdapterHub's AdapterFusionConfig options that Adapter Lab implements ("dynamic" defaults). */
export interface FusionSpec {
  temperature: boolean; // anneal the softmax temperature from 50 to 1
  regularization: boolean; // 0.01·‖I − V‖²
  valueInitialized: boolean; // V starts at the identity
}

/**
 * A composition of this experiment's trained adapters (frozen), run as `composition:<name>`. Fuse setups train the
 * fusion layers and the head; other setups are evaluated as they are, or train only their heads (`trainHeads`).
 */
export interface CompositionSpec {
  name: string;
  setup: SetupNode;
  setupText: string; // the setup in AdapterHub's notation
  tasks: string[]; // one per output: per Parallel branch, else one
  fusion: FusionSpec;
  trainHeads: boolean;
  adapterDrop?: AdapterDropSpec;
}

/** Parameter averaging (AdapterHub's average_adapter): a new adapter Σ wᵢ·θᵢ of adapters with the same config. */
export interface MergeSpec {
  name: string;
  adapters: string[];
  weights: number[];
  task: string;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupRatio: number;
  weightDecay: number;
  maxGradNorm: number;
  dropout: number;
  maxLength: number;
  logEvery: number; // steps between metrics.jsonl lines
  earlyStoppingPatience: number; // epochs without validation improvement; 0 = off
}

export interface ExperimentConfig {
  name: string;
  file: string; // absolute path of the config
  backend: BackendName;
  seed: number;
  base: BaseSpec;
  data: DataSpec;
  split: SplitSpec;
  tasks: TaskSpec[];
  adapters: AdapterSpec[];
  compositions: CompositionSpec[];
  merges: MergeSpec[];
  baselines: BaselineName[];
  /** Options per run type, defaults and the config's overrides merged. */
  train: Record<RunType, TrainOptions>;
  runsDir: string; // absolute
}

export interface ConfigProblem {
  file: string;
  range: SourceRange;
  severity: 'error' | 'warning';
  message: string; // says what is wrong and how to fix it
  path: (string | number)[]; // JSON path of the offending value
  code: string; // stable id, e.g. 'unknown-task', used for quick fixes
}
