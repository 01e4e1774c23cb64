// The shape of a `*.adapterlab.json` experiment after parsing, defaults applied and validation passed.
// Field names follow AdapterHub where a concept exists there (reduction_factor → reductionFactor, leave_out → leaveOut).

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type Pooling = 'mean' | 'cls' | 'pooler';
export type NonLinearity = 'relu' | 'gelu' | 'swish' | 'tanh';
export type BottleneckMethod = 'houlsby' | 'pfeiffer' | 'parallel';
export type RunType = 'adapter' | 'full' | 'head-only';
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

export interface BottleneckAdapterSpec {
  name: string;
  method: BottleneckMethod;
  task: string;
  bottleneckSize?: number; // wins over reductionFactor when both are given
  reductionFactor: number;
  nonLinearity: NonLinearity;
  leaveOut: number[];
  scaling: number; // output scaling (parallel adapters; 1 for the others)
  initStd: number; // std of the down projection; the up projection starts at zero
}

export type AdapterSpec = BottleneckAdapterSpec;

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
  baselines: BaselineName[];
  /** Options per run type, defaults and the config's overrides merged. */
  train: Record<RunType, TrainOptions>;
  runsDir: string; // absolute
}

/** A position in a source file: 1-based line and column, as editors and compilers print them. */
export interface SourceRange {
  offset: number;
  length: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ConfigProblem {
  file: string;
  range: SourceRange;
  severity: 'error' | 'warning';
  message: string; // says what is wrong and how to fix it
  path: (string | number)[]; // JSON path of the offending value
  code: string; // stable id, e.g. 'unknown-task', used for quick fixes
}
