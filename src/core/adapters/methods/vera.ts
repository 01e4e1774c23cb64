// VeRA (Kopiczko et al. 2024): like LoRA, W + Λ_b·B·Λ_d·A on the chosen dense layers, but A [r, in] and B [out, r]
// are frozen random matrices shared by every layer (drawn from a fixed seed, so every VeRA adapter of one shape
// has the same ones), and only the scaling vectors d [r] and b [out] train: r + out parameters per matrix. b starts
// at zero, so a new adapter changes nothing. Linear, so it folds into the base. AdapterHub: VeraConfig.
import { type MethodDescriptor, withDefaults } from './descriptor';
import { type LoraOptions, insideTargets, loraHubConfig, loraIssues, loraMatrices } from './lowRank';

export interface VeraOptions extends Omit<LoraOptions, 'alpha'> {
  veraD: number; // vera_d: the value every entry of d starts at
  veraB: number; // vera_b: the value every entry of b starts at (0: the identity)
}

/** AdapterHub's VeraConfig defaults (r 8 on query and value, d from 0.1, b from 0). */
export const VERA_DEFAULTS: Readonly<VeraOptions> = { r: 8, veraD: 0.1, veraB: 0, attnMatrices: ['q', 'v'], intermediateLora: false, outputLora: false };

export const vera: MethodDescriptor<VeraOptions> = {
  label: 'VeRA',
  options: ['r', 'veraD', 'veraB', 'attnMatrices', 'intermediateLora', 'outputLora'],
  resolve: (written) => withDefaults(VERA_DEFAULTS, written),
  issues: loraIssues,
  // per adapted matrix W [in, out]: d [r] and b [out]
  paramsPerLayer: (o, dims) => loraMatrices(o, dims).reduce((n, [, outputs]) => n + o.r + outputs, 0),
  sharedParams: () => 0, // A and B are frozen
  blocks: ['Stack', 'BatchSplit', 'Parallel', 'Average'],
  placements: ['inside'],
  insideTargets,
  sizeLabel: (o) => `r ${o.r}`,
  hubConfig: (o, leaveOut) => ({
    ...loraHubConfig({ ...o, alpha: o.r }, leaveOut, { r: o.r, composition_mode: 'add', init_weights: 'vera' }),
    vera_d: o.veraD,
    vera_b: o.veraB,
  }),
};
