// The step loop every pre-training objective shares: seeded batch order per epoch (so a resumed run replays exactly),
// the learning-rate schedule, progress and held-out evaluations every few steps, checkpoints, cancellation and
// divergence. What a step computes and how the model is evaluated are the caller's.
import type { EvalEvent, ProgressEvent, TaskMetrics } from '../../common/events';
import { seedFor } from '../model/init';
import { bucketedBatches } from '../train/batches';
import { linearWarmupDecay } from '../train/schedule';
import type { StepResult } from '../train/step';
import type { PretrainConfig } from './config';

export interface PretrainHooks {
  progress(e: ProgressEvent): void;
  evaluated(e: EvalEvent): void;
  log(message: string): void;
  cancelled(): boolean;
}

export interface PretrainOutcome {
  status: 'completed' | 'cancelled' | 'diverged';
  reason?: string;
  step: number;
  elapsedMs: number; // over all sessions of this run
  heldOut?: Record<string, TaskMetrics>;
}

export interface PretrainSteps {
  /** Length of each training example, for batches of similar lengths. */
  lengths: number[];
  /** One optimiser step on the examples at `indices`; the tokens it read count towards tokens/s. */
  step(indices: number[], step: number, learningRate: number): { result: StepResult; tokens: number };
  /** Held-out metrics per objective and the one score the curves show. */
  evaluate(): { metrics: Record<string, TaskMetrics>; score: number };
  saveCheckpoint(step: number, elapsedMs: number): void;
}

/** Runs from `startStep` to config.steps; a completed run is checkpointed and has held-out metrics at its last step. */
export async function runPretrainSteps(
  config: PretrainConfig,
  start: { step: number; elapsedMs: number },
  hooks: PretrainHooks,
  steps: PretrainSteps,
): Promise<PretrainOutcome> {
  const stepsPerEpoch = Math.ceil(steps.lengths.length / config.batchSize);
  const sessionStart = performance.now();
  const elapsed = () => start.elapsedMs + (performance.now() - sessionStart);
  let heldOut: Record<string, TaskMetrics> | undefined;
  let evaluatedAt = -1;
  let examplesSeen = 0;
  let tokensSeen = 0;
  const evaluate = (step: number) => {
    const { metrics, score } = steps.evaluate();
    heldOut = metrics;
    evaluatedAt = step;
    hooks.evaluated({ epoch: step / stepsPerEpoch, step, split: 'validation', metrics, score, best: false, elapsedMs: elapsed() });
  };

  let step = start.step;
  while (step < config.steps) {
    const epoch = Math.floor(step / stepsPerEpoch);
    const batches = bucketedBatches(steps.lengths, config.batchSize, seedFor(config.seed, `epoch${epoch}`));
    for (let k = step % stepsPerEpoch; k < batches.length && step < config.steps; k++) {
      if (hooks.cancelled()) {
        steps.saveCheckpoint(step, elapsed());
        return { status: 'cancelled', reason: `cancelled at step ${step}; run the same command again to resume`, step, elapsedMs: elapsed(), heldOut };
      }
      const learningRate = linearWarmupDecay(step, config.steps, config.warmupSteps, config.learningRate);
      const { result, tokens } = steps.step(batches[k], step, learningRate);
      if (result.diverged)
        return { status: 'diverged', reason: `loss became ${result.loss} at step ${step + 1}; lower the learning rate`, step, elapsedMs: elapsed() };
      examplesSeen += batches[k].length;
      tokensSeen += tokens;
      step++;
      if (step % config.logEvery === 0 || step === config.steps) {
        const sessionMs = performance.now() - sessionStart;
        hooks.progress({
          step,
          totalSteps: config.steps,
          epoch: step / stepsPerEpoch,
          loss: result.loss,
          lossPerTask: result.parts,
          learningRate,
          gradNorm: result.gradNorm,
          elapsedMs: elapsed(),
          examplesPerSec: (examplesSeen * 1000) / sessionMs,
          tokensPerSec: (tokensSeen * 1000) / sessionMs,
        });
      }
      if (step % config.evalEvery === 0 || step === config.steps) evaluate(step);
      if (step % config.checkpointEvery === 0) steps.saveCheckpoint(step, elapsed());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  steps.saveCheckpoint(step, elapsed());
  // A run resumed at its last step (its step count lowered to where it was stopped) has no evaluation there yet.
  if (evaluatedAt !== step) evaluate(step);
  return { status: 'completed', step, elapsedMs: elapsed(), heldOut };
}
