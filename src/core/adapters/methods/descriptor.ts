// What an adapter method tells the rest of Adapter Lab, without TensorFlow.js: its config options and their
// defaults, its own checks, its parameter count, the composition blocks it supports, how the graph draws it and
// its AdapterHub adapter_config.json. The extension host reads descriptors (config checks, graph, parameters view);
// the TensorFlow.js module that computes the method lives in ../modules/.
import type { BlockKind } from '../../../common/blocks';
import type { AdapterPlacement } from '../../../common/graphModel';

export type NonLinearity = 'relu' | 'gelu' | 'swish' | 'tanh';

/** AdapterHub's attn_matrices: which of the attention's dense layers an adapter acts on. */
export type AttentionMatrix = 'q' | 'k' | 'v';

/** What a method needs to know of the encoder. */
export interface EncoderDims {
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
}

/** A problem with one of the method's options (the config checks place it at `adapters.<name>.<option>`). */
export interface OptionIssue {
  option: string;
  code: string;
  message: string;
}

/** The dense layers an adapter acting inside them changes, by block (the graph draws a "modifies" edge to each). */
export interface InsideTargets {
  attention: string[];
  feedForward: string[];
}

export interface MethodDescriptor<Options> {
  /** As the graph and tables name it: "LoRA", "(IA)³". */
  label: string;
  /** The config keys the method takes, besides the common method, task, leaveOut, adapterDrop and train. */
  options: readonly (keyof Options & string)[];
  /** Every option, the written value or its default. */
  resolve(written: Partial<Options>): Options;
  /** Problems no schema can see (combinations of options). */
  issues(options: Options, name: string): OptionIssue[];
  /** Trainable parameters in each layer the adapter acts in. */
  paramsPerLayer(options: Options, dims: EncoderDims): number;
  /** Trainable parameters shared by all layers (ARC's projections, prefix tuning's embedding and MLP input). */
  sharedParams(options: Options, dims: EncoderDims): number;
  /** The composition blocks the method may appear in (AdapterHub's table). */
  blocks: readonly BlockKind[];
  /** Where the graph draws it in a layer; for 'inside', `insideTargets` names the dense layers it changes. */
  placements: readonly AdapterPlacement[];
  insideTargets?(options: Options): InsideTargets;
  /** Its size in the graph's detail line: "m 32", "r 8", or nothing. */
  sizeLabel(options: Options, dims: EncoderDims): string | undefined;
  /** The `config` object of AdapterHub's adapter_config.json. */
  hubConfig(options: Options, leaveOut: readonly number[], dims: EncoderDims): Record<string, unknown>;
}

/** Bottleneck width m: bottleneckSize when given, else hiddenSize / reductionFactor (AdapterHub's rule). */
export function bottleneckWidth(options: { bottleneckSize?: number; reductionFactor: number }, hiddenSize: number): number {
  return options.bottleneckSize ?? Math.max(1, Math.floor(hiddenSize / options.reductionFactor));
}

/** Each option of `defaults` (in its order), the written value where there is one; arrays are copied. */
export function withDefaults<Options extends object>(defaults: Options, written: Partial<Options>): Options {
  const out = {} as Options;
  for (const key of Object.keys(defaults) as (keyof Options)[]) {
    const value = written[key] ?? defaults[key];
    out[key] = (Array.isArray(value) ? [...value] : value) as Options[keyof Options];
  }
  return out;
}
