// How many kernel threads a run uses (src/core/model/kernels/threadedKernels.ts). The hosts hand out the cores: a run
// alone gets all of them, runs in parallel a share each, so that the runs in flight never use more threads than
// there are cores (a run started later sees no more runs in flight than one started before it, so its share is
// never smaller, and the shares of the runs in flight add up to at most the cores).
import * as os from 'os';

/** The cores of this machine (at least 1). */
export function defaultCores(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Threads for a run: the config's train.threads when it is a number, else its share of `cores` among `concurrent`
 * runs (the runs that may be in flight with it, itself included: min(parallel, runs not finished yet)).
 */
export function runThreads(setting: number | 'auto', cores: number, concurrent: number): number {
  if (setting !== 'auto') return setting;
  return Math.max(1, Math.floor(cores / Math.max(1, concurrent)));
}
