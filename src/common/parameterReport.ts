// What the parameters view shows: each run type's trainable and stored parameters, counted from shapes
// (src/core/parameters/report.ts) and, for a finished run, what it measured. Types and the storage projection only.

export const BYTES_PER_PARAM = 4; // float32, as saved in safetensors

export type RunKind = 'full' | 'head-only' | 'adapter' | 'composition';

/** What N attributes cost on disk: `shared` once (the frozen base) plus `perAttribute` for each. */
export interface StorageModel {
  shared: number;
  perAttribute: number;
}

export interface RunTypeParameters {
  name: string; // the run's name: "full", "head-only", "adapter:sentiment", "composition:all"
  kind: RunKind;
  method?: string; // adapter runs: the adapter's method
  tasks: string[];
  trainable: number;
  /** Parameters at inference: the base plus everything the run adds. */
  total: number;
  /** trainable / the base's parameters, in percent (what `inspect` prints as "% of base"). */
  percentOfBase: number;
  /** Trainable parameters in each layer; outside the layers: `shared` (ARC's projections) and `heads`. */
  perLayer: number[];
  shared: number;
  heads: number;
  /** float32 bytes a run of this type stores to serve each of its tasks. */
  bytesPerTask: Record<string, number>;
  /** Absent for compositions: they reuse stored adapters rather than being one per attribute. */
  storage?: StorageModel;
}

export interface BaseParameters {
  description: string;
  layers: number;
  hiddenSize: number;
  heads: number;
  intermediateSize: number;
  vocabSize: number;
  total: number;
  embeddings: number;
  perLayer: number[];
  pooler: number;
  bytes: number;
}

export interface ParameterReport {
  experiment: string;
  base: BaseParameters;
  rows: RunTypeParameters[];
  /** What full fine-tuning stores, from shapes: the yardstick of the projection, also when the config trains no full baseline. */
  fullFineTuning: StorageModel;
}

/** `shared + n · perAttribute` bytes: full fine-tuning stores n models, adapters one base and n adapters. */
export function projectedBytes(storage: StorageModel, attributes: number): number {
  return storage.shared + attributes * storage.perAttribute;
}

/** What a finished run measured (summary.json), beside the counts from shapes. */
export interface MeasuredRun {
  name: string;
  totalParams: number;
  trainableParams: number;
  trainablePercent: number;
  bytesOnDisk: number;
  bytesPerTask: Record<string, number>;
}

export interface ParametersData {
  title: string;
  report?: ParameterReport;
  run?: { name: string; status: string; dir: string; measured?: MeasuredRun };
  /** Shown above the figures: why something is missing. */
  notes: string[];
  /** Set when there is nothing to show but this message. */
  error?: string;
}
