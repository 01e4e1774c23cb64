// ARC (Dong et al. 2023): x + (x·W·diag(cₗ))·Wᵀ + bₗ on the input of the attention and of the feed-forward, with
// W [d, r] shared across layers (one for attention, one for the feed-forward) and per layer only cₗ [r] and bₗ [d].
import { type MethodDescriptor, bottleneckWidth, withDefaults } from './descriptor';

export interface ArcOptions {
  reductionFactor: number;
  bottleneckSize?: number; // the rank r; wins over reductionFactor
}

/** The inputs ARC re-scales in each layer, as saved in adapter_config.json. */
export const ARC_POSITIONS = ['attention', 'intermediate'] as const;

export const arc: MethodDescriptor<ArcOptions> = {
  label: 'ARC',
  options: ['reductionFactor', 'bottleneckSize'],
  resolve: (written) => ({
    ...withDefaults({ reductionFactor: 16 }, written),
    ...(written.bottleneckSize !== undefined && { bottleneckSize: written.bottleneckSize }),
  }),
  issues: () => [],
  // per position (attention, feed-forward): r + d
  paramsPerLayer: (o, { hiddenSize: d }) => 2 * (bottleneckWidth(o, d) + d),
  // the two down projections W [d, r]
  sharedParams: (o, { hiddenSize: d }) => 2 * d * bottleneckWidth(o, d),
  blocks: ['Stack', 'BatchSplit', 'Parallel', 'Average'], // linear, like LoRA
  placements: ['inside'],
  insideTargets: () => ({ attention: ['q', 'k', 'v'], feedForward: ['intermediate'] }),
  sizeLabel: (o, { hiddenSize }) => `r ${bottleneckWidth(o, hiddenSize)}`,
  hubConfig: (o, leaveOut, { hiddenSize }) => ({
    architecture: 'arc',
    r: bottleneckWidth(o, hiddenSize),
    positions: [...ARC_POSITIONS],
    shared_projections: true,
    leave_out: leaveOut,
  }),
};
