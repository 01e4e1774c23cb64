// What the Playground shows of one finished run for one sentence, and of one generation: computed by the inference
// worker (src/inference), carried by the protocol, drawn by the webview. Plain data, no TensorFlow.js.
import type { RunType } from './runRecord';

export interface TaskPrediction {
  task: string;
  labels: string[];
  probabilities: number[]; // one per label, summing to 1
  predicted: string;
}

/** One Fuse block's attention over its adapters, averaged over the sentence's tokens, per site it acts at. */
export interface FusionAttention {
  fusion: string; // AdapterHub's fusion name, e.g. "sentiment,domain"
  adapters: string[]; // what each column is: an adapter, or a Stack of them
  /** weights sum to 1; 'heads': a Fuse over K-adapters, read by the heads after the last layer (layer = the layer count). */
  sites: { layer: number; position: 'attention' | 'output' | 'heads'; weights: number[] }[];
}

export interface RunPrediction {
  dir: string;
  name: string; // "adapter:sentiment", "full", "composition:fused", …
  type: RunType;
  tasks: TaskPrediction[];
  /** CPU time of the sentence's forward pass, the fastest of a few. */
  msPerExample: number;
  layers: number;
  /** Layers whose adapters were skipped (AdapterDrop); 0 for runs without adapters. */
  dropped: number;
  hasAdapters: boolean;
  fusions: FusionAttention[];
}

export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
  maxTokens: number;
  seed: number;
}
