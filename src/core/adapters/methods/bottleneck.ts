// Bottleneck adapters: down projection d → m, non-linearity, up projection m → d, added to the block output.
//   houlsby  — after the attention and after the feed-forward block (Houlsby et al. 2019)
//   pfeiffer — after the feed-forward block only (Pfeiffer et al. 2020)
//   parallel — beside the feed-forward block, reading its input, output scaled (He et al. 2022)
import { type MethodDescriptor, type NonLinearity, bottleneckWidth, withDefaults } from './descriptor';

export interface BottleneckOptions {
  reductionFactor: number;
  nonLinearity: NonLinearity;
  scaling: number; // output scaling (parallel adapters; 1 for the others)
  initStd: number; // std of the down projection; the up projection starts at zero
  bottleneckSize?: number; // wins over reductionFactor when both are given
}

/** Where in a layer: AdapterHub's mh_adapter (after attention) and output_adapter (after the feed-forward). */
export type BottleneckPosition = 'attention' | 'output';

export const BOTTLENECK_DEFAULTS: Readonly<Omit<BottleneckOptions, 'bottleneckSize'>> = {
  reductionFactor: 16,
  nonLinearity: 'relu',
  scaling: 1,
  initStd: 0.01,
};
/** AdapterHub's default output scaling for parallel adapters (He et al., 2022). */
export const PARALLEL_SCALING = 4;

export const BOTTLENECK_METHODS = ['houlsby', 'pfeiffer', 'parallel'] as const;
export type BottleneckMethod = (typeof BOTTLENECK_METHODS)[number];

export function isBottleneckMethod(method: string): method is BottleneckMethod {
  return (BOTTLENECK_METHODS as readonly string[]).includes(method);
}

export function bottleneckPositions(method: BottleneckMethod): BottleneckPosition[] {
  return method === 'houlsby' ? ['attention', 'output'] : ['output'];
}

function bottleneckMethod(method: BottleneckMethod, label: string): MethodDescriptor<BottleneckOptions> {
  const positions = bottleneckPositions(method);
  const defaults = { ...BOTTLENECK_DEFAULTS, scaling: method === 'parallel' ? PARALLEL_SCALING : BOTTLENECK_DEFAULTS.scaling };
  return {
    label,
    options: ['reductionFactor', 'bottleneckSize', 'nonLinearity', 'scaling', 'initStd'],
    resolve: (written) => ({ ...withDefaults(defaults, written), ...(written.bottleneckSize !== undefined && { bottleneckSize: written.bottleneckSize }) }),
    issues: () => [],
    // per position: down d·m + m, up m·d + d
    paramsPerLayer: (o, { hiddenSize: d }) => (2 * d * bottleneckWidth(o, d) + bottleneckWidth(o, d) + d) * positions.length,
    sharedParams: () => 0,
    blocks: ['Stack', 'Fuse', 'Split', 'BatchSplit', 'Parallel', 'Average'],
    placements: method === 'parallel' ? ['parallel'] : positions.map((p) => (p === 'attention' ? 'after-attention' : 'after-feed-forward')),
    sizeLabel: (o, { hiddenSize }) => `m ${bottleneckWidth(o, hiddenSize)}`,
    hubConfig: (o, leaveOut, { hiddenSize }) => ({
      architecture: 'bottleneck',
      mh_adapter: method === 'houlsby',
      output_adapter: true,
      reduction_factor: hiddenSize / bottleneckWidth(o, hiddenSize),
      non_linearity: o.nonLinearity,
      original_ln_before: method !== 'houlsby',
      original_ln_after: true,
      residual_before_ln: true,
      ln_before: false,
      ln_after: false,
      init_weights: 'bert',
      is_parallel: method === 'parallel',
      scaling: o.scaling,
      use_gating: false,
      leave_out: leaveOut,
    }),
  };
}

export const houlsby = bottleneckMethod('houlsby', 'Houlsby');
export const pfeiffer = bottleneckMethod('pfeiffer', 'Pfeiffer');
export const parallel = bottleneckMethod('parallel', 'Parallel');
