// The shape of a `*.adapterlab.json` experiment after parsing, defaults applied and validation passed.
// Field names follow AdapterHub where a concept exists there (reduction_factor → reductionFactor, leave_out → leaveOut).
import type { BackendName, RunType } from '../../common/runRecord';
import type { SetupNode } from '../composition/tree';
import type { AdapterMethod, OptionsOf } from '../adapters/methods/index';
import type { BottleneckMethod } from '../adapters/methods/bottleneck';

export type { AdapterMethod } from '../adapters/methods/index';
import type { SourceRange } from '../../common/sourceRange';

export type Pooling = 'mean' | 'cls' | 'pooler';
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

export type BaseSpec = { kind: 'random'; shape: EncoderShape } | { kind: 'builtin'; name: string } | { kind: 'path'; path: string }; // absolute after resolution against the config's folder

export const BUILTIN_DATA = ['reviews', 'wordnet-relations'] as const;
export type DataSpec = { kind: 'builtin'; name: (typeof BUILTIN_DATA)[number] } | { kind: 'file'; path: string; format: 'jsonl' | 'csv'; textField: string };

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
  /**
   * 'causal-lm': not a classifier but a language model of the sentences whose `field` is `value` (an attribute
   * adapter that steers a decoder base toward that value). Absent: classification.
   */
  objective?: 'causal-lm';
  value?: string;
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

/**
 * An adapter as the config resolves it: the common fields and every option of its method (adapters/methods/), each
 * written or defaulted. `method` tells which: narrow on it.
 */
export type AdapterSpec = { [M in AdapterMethod]: AdapterCommon & { method: M } & OptionsOf<M> }[AdapterMethod];
export type AdapterSpecOf<M extends AdapterMethod> = Extract<AdapterSpec, { method: M }>;

export type BottleneckAdapterSpec = AdapterSpecOf<BottleneckMethod>;
export type LoraAdapterSpec = AdapterSpecOf<'lora'>;
export type Ia3AdapterSpec = AdapterSpecOf<'ia3'>;
export type ArcAdapterSpec = AdapterSpecOf<'arc'>;
export type PrefixAdapterSpec = AdapterSpecOf<'prefix'>;

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
  /** Kernel threads per run (train.threads), or 'auto' when unset: the run's share of the cores (run/threads.ts). */
  threads: number | 'auto';
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
