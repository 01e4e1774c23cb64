// Built-in defaults of a `*.adapterlab.json` experiment, exported so the CLI and docs can print them.
// schemas/adapterlab.schema.json repeats them as `default`s; test/config checks that both agree.
import type { BaselineName, EncoderShape, FusionSpec, Pooling, SplitSpec, TrainOptions } from './types';
import type { BackendName, RunType } from '../../common/runRecord';

export const CONFIG_SUFFIX = '.adapterlab.json';

export const DEFAULT_BACKEND: BackendName = 'auto';
export const DEFAULT_SEED = 42;
export const DEFAULT_RUNS_DIR = '.adapterlab/runs';
export const DEFAULT_BASELINES: readonly BaselineName[] = ['full', 'head-only'];
export const DEFAULT_BUILTIN_DATA = 'reviews';
export const DEFAULT_TEXT_FIELD = 'text';
export const DEFAULT_POOLING: Pooling = 'mean';

/** The tiny encoder used when `base` is absent or `base.random` leaves fields out. */
export const DEFAULT_SHAPE: Readonly<EncoderShape> = {
  hiddenSize: 128,
  layers: 2,
  heads: 4,
  intermediateSize: 512,
  vocabSize: 8000,
  maxPositions: 128,
};

export const DEFAULT_SPLIT: Readonly<SplitSpec> = { validation: 0.15, test: 0.15, seed: 13 };
/** validation + test must stay below this, so that enough rows are left to train on. */
export const MAX_HELD_OUT_FRACTION = 0.9;

/** AdapterHub's "dynamic" AdapterFusion config. */
export const DEFAULT_FUSION: Readonly<FusionSpec> = { temperature: false, regularization: true, valueInitialized: true };

/** Options that default the same for every run type. */
export const COMMON_TRAIN_DEFAULTS: Readonly<Omit<TrainOptions, 'learningRate' | 'epochs'>> = {
  batchSize: 32,
  maxLength: 64,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  maxGradNorm: 1.0,
  dropout: 0.1,
  logEvery: 10,
  earlyStoppingPatience: 0,
};

/**
 * Per run type: adapters need a higher learning rate and more epochs than full fine-tuning; composition runs
 * train only fusion layers and heads on frozen adapters.
 */
export const TRAIN_DEFAULTS: Readonly<Record<RunType, Readonly<TrainOptions>>> = {
  adapter: { ...COMMON_TRAIN_DEFAULTS, learningRate: 2e-3, epochs: 12 },
  full: { ...COMMON_TRAIN_DEFAULTS, learningRate: 3e-4, epochs: 5 },
  'head-only': { ...COMMON_TRAIN_DEFAULTS, learningRate: 3e-3, epochs: 12 },
  composition: { ...COMMON_TRAIN_DEFAULTS, learningRate: 1e-3, epochs: 8 },
};

export const RUN_TYPES: readonly RunType[] = ['adapter', 'full', 'head-only', 'composition'];
