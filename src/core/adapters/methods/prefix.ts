// Prefix tuning (Li & Liang 2021): learned keys and values in front of every layer's own, attended to by every
// token and never masked; trained through an MLP over a prefix embedding (unless flat), used flat at inference.
import { type MethodDescriptor, type NonLinearity, withDefaults } from './descriptor';

export interface PrefixOptions {
  prefixLength: number; // prefix_length: key/value positions added to every layer's attention
  bottleneckSize: number; // bottleneck_size of the re-parameterisation MLP
  nonLinearity: NonLinearity; // of the MLP (AdapterHub: tanh)
  dropout: number; // on the prefix keys/values in training
  flat: boolean; // train the prefix directly, without the MLP
}

/** AdapterHub's PrefixTuningConfig defaults. */
export const PREFIX_DEFAULTS: Readonly<PrefixOptions> = { prefixLength: 30, bottleneckSize: 512, nonLinearity: 'tanh', dropout: 0, flat: false };

export const prefix: MethodDescriptor<PrefixOptions> = {
  label: 'Prefix',
  options: ['prefixLength', 'bottleneckSize', 'nonLinearity', 'dropout', 'flat'],
  resolve: (written) => withDefaults(PREFIX_DEFAULTS, written),
  issues: () => [],
  // the MLP's output rows for the layer's keys and values: b·2d + 2d (flat: P·2d)
  paramsPerLayer: (o, { hiddenSize: d }) => (o.flat ? o.prefixLength * 2 * d : (o.bottleneckSize + 1) * 2 * d),
  // the prefix embedding and the MLP's first layer (AdapterHub: P·d + d·b + b + b·n·2d + n·2d over n layers in all)
  sharedParams: (o, { hiddenSize: d }) => (o.flat ? 0 : o.prefixLength * d + (d + 1) * o.bottleneckSize),
  blocks: ['Stack', 'BatchSplit', 'Parallel'], // PrefixTuningLayer.supported_compositions
  placements: ['inside'],
  insideTargets: () => ({ attention: ['k', 'v'], feedForward: [] }),
  sizeLabel: () => undefined,
  hubConfig: (o, leaveOut) => ({
    architecture: 'prefix_tuning',
    encoder_prefix: true,
    cross_prefix: true,
    leave_out: leaveOut,
    flat: o.flat,
    prefix_length: o.prefixLength,
    bottleneck_size: o.bottleneckSize,
    non_linearity: o.nonLinearity,
    dropout: o.dropout,
    use_gating: false,
    shared_gating: true,
  }),
};
