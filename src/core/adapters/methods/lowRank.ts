// LoRA (Hu et al. 2021): W + (alpha / r)·BA on the chosen dense layers, B starting at zero; and (IA)³ (Liu et al.
// 2022): learned vectors scaling those layers' outputs, starting at one. Both take AdapterHub's LoRAConfig /
// IA3Config options and save as its "lora" architecture; both are linear, so they fold into the base.
import { type AttentionMatrix, type EncoderDims, type InsideTargets, type MethodDescriptor, type OptionIssue, withDefaults } from './descriptor';

export interface LoraOptions {
  r: number; // LoRA rank
  alpha: number; // LoRA: update scaled by alpha / r; IA³: vector scaled by alpha
  attnMatrices: AttentionMatrix[];
  intermediateLora: boolean; // also on intermediate.dense
  outputLora: boolean; // also on output.dense
}

/** AdapterHub's LoRAConfig defaults: rank 8 on the query and value matrices. */
export const LORA_DEFAULTS: Readonly<LoraOptions> = { r: 8, alpha: 8, attnMatrices: ['q', 'v'], intermediateLora: false, outputLora: false };
/** AdapterHub's IA3Config defaults: scale keys, values and the feed-forward's intermediate output. */
export const IA3_DEFAULTS: Readonly<LoraOptions> = { r: 1, alpha: 1, attnMatrices: ['k', 'v'], intermediateLora: true, outputLora: false };

/** [in, out] of each dense layer the adapter acts on. */
export function loraMatrices(
  o: Pick<LoraOptions, 'attnMatrices' | 'intermediateLora' | 'outputLora'>,
  { hiddenSize: d, intermediateSize: ff }: EncoderDims,
): [number, number][] {
  return [
    ...o.attnMatrices.map((): [number, number] => [d, d]),
    ...(o.intermediateLora ? [[d, ff] as [number, number]] : []),
    ...(o.outputLora ? [[ff, d] as [number, number]] : []),
  ];
}

export function loraIssues(o: Pick<LoraOptions, 'attnMatrices' | 'intermediateLora' | 'outputLora'>, name: string): OptionIssue[] {
  if (o.attnMatrices.length > 0 || o.intermediateLora || o.outputLora) return [];
  return [
    {
      option: 'attnMatrices',
      code: 'adapts-nothing',
      message: `adapter "${name}" adapts no matrix: list at least one of "q", "k", "v" or set intermediateLora`,
    },
  ];
}

export const insideTargets = (o: Pick<LoraOptions, 'attnMatrices' | 'intermediateLora' | 'outputLora'>): InsideTargets => ({
  attention: [...o.attnMatrices],
  feedForward: [...(o.intermediateLora ? ['intermediate'] : []), ...(o.outputLora ? ['output'] : [])],
});

/** AdapterHub's LoRAConfig fields, shared by LoRA, IA³ and VeRA. */
export function loraHubConfig(
  o: LoraOptions,
  leaveOut: readonly number[],
  variant: { r: number; composition_mode: 'add' | 'scale'; init_weights: 'lora' | 'ia3' | 'vera' },
): Record<string, unknown> {
  return {
    architecture: 'lora',
    selfattn_lora: o.attnMatrices.length > 0,
    intermediate_lora: o.intermediateLora,
    output_lora: o.outputLora,
    attn_matrices: o.attnMatrices,
    r: variant.r,
    alpha: o.alpha,
    dropout: 0,
    composition_mode: variant.composition_mode,
    init_weights: variant.init_weights,
    use_gating: false,
    leave_out: leaveOut,
  };
}

const LINEAR_BLOCKS = ['Stack', 'BatchSplit', 'Parallel', 'Average'] as const;

export const lora: MethodDescriptor<LoraOptions> = {
  label: 'LoRA',
  options: ['r', 'alpha', 'attnMatrices', 'intermediateLora', 'outputLora'],
  resolve: (written) => withDefaults(LORA_DEFAULTS, written),
  issues: loraIssues,
  // per adapted matrix W [in, out]: r·(in + out)
  paramsPerLayer: (o, dims) => loraMatrices(o, dims).reduce((n, [inputs, outputs]) => n + o.r * (inputs + outputs), 0),
  sharedParams: () => 0,
  blocks: LINEAR_BLOCKS,
  placements: ['inside'],
  insideTargets,
  sizeLabel: (o) => `r ${o.r}`,
  hubConfig: (o, leaveOut) => loraHubConfig(o, leaveOut, { r: o.r, composition_mode: 'add', init_weights: 'lora' }),
};

export const ia3: MethodDescriptor<LoraOptions> = {
  label: '(IA)³',
  options: ['alpha', 'attnMatrices', 'intermediateLora', 'outputLora'], // r is always 1
  resolve: (written) => withDefaults(IA3_DEFAULTS, written),
  issues: loraIssues,
  // per adapted matrix: out (2d + d_ff for k, v and the intermediate layer)
  paramsPerLayer: (o, dims) => loraMatrices(o, dims).reduce((n, [, outputs]) => n + outputs, 0),
  sharedParams: () => 0,
  blocks: LINEAR_BLOCKS,
  placements: ['inside'],
  insideTargets,
  sizeLabel: () => undefined,
  hubConfig: (o, leaveOut) => loraHubConfig(o, leaveOut, { r: 1, composition_mode: 'scale', init_weights: 'ia3' }),
};
