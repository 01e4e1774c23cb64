// Setups over K-adapters (Wang et al. 2021), which sit beside the base: `Concat(a, b)` gives the heads
// [base; a; b] (the paper's combination); `Fuse(a, b)` gives them [base; a fusion of a and b per token]
// (composition/fusion.ts). Neither acts at any site inside the base.
import { type Block, type SetupNode, adapterNames, isBlock } from './tree';

/** The setup's Fuse over K-adapters (then the whole setup), if it is one; `isKnowledge` tells K-adapters by name. */
export function knowledgeFuse(setup: SetupNode, isKnowledge: (adapter: string) => boolean): Block | undefined {
  return isBlock(setup) && setup.kind === 'Fuse' && adapterNames(setup).every(isKnowledge) ? setup : undefined;
}
