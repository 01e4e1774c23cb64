// The summary.json of a run that trained — an experiment's run or a knowledge run alike: what its outcome measured,
// with the sizes only the caller knows (what the run adds to the base, what serving each attribute stores).
import type { RunSummary } from '../../common/runRecord';
import { folderBytes, writeSummary } from '../io/runStore';
import type { TrainOutcome } from '../train/loop';
import { endStatus } from './lifecycle';
import { kernelThreads } from '../model/kernels/threadedKernels';
import { kernelVariant } from '../model/kernels/kernelVariant';

export interface TrainedRun {
  id: string;
  dir: string;
  backend: string;
  name: string;
  type: RunSummary['type'];
  /** What the base was, e.g. "random init (2×128)". */
  base: string;
  /** performance.now() when the run started. */
  startedMs: number;
}

/** Writes the run's summary.json and returns it. */
export function writeTrainedSummary(run: TrainedRun, outcome: TrainOutcome, totalParams: number, bytesPerTask: Record<string, number>): RunSummary {
  const summary: RunSummary = {
    id: run.id,
    name: run.name,
    type: run.type,
    status: endStatus(outcome),
    backend: run.backend,
    threads: kernelThreads(),
    ...(outcome.speedThreads !== undefined && { speedThreads: outcome.speedThreads }),
    ...(run.backend === 'wasm' && { kernels: kernelVariant() }),
    base: run.base,
    test: outcome.test ?? {},
    validation: outcome.validation ?? {},
    bestEpoch: outcome.bestEpoch,
    steps: outcome.steps,
    totalParams,
    trainableParams: outcome.trainableParams,
    trainablePercent: (100 * outcome.trainableParams) / totalParams,
    bytesOnDisk: folderBytes(run.dir),
    bytesPerTask,
    msPerStep: outcome.msPerStep,
    inferenceMsPerExample: outcome.inferenceMsPerExample,
    paddingShare: outcome.paddingShare,
    tokensPerSec: outcome.tokensPerSec,
    frozenPrefix: outcome.frozenPrefix,
    wallMs: performance.now() - run.startedMs,
  };
  writeSummary(run.dir, summary);
  return summary;
}
