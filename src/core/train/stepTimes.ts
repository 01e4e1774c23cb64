// The step times behind a run's speed figures (train ms/step, inference ms/example). A run can be handed more kernel
// threads mid-run, when the runs beside it end (src/runner/runExperiment.ts): its figures are still measured at the
// thread count it started with, like the runs it is compared with, so a run is not shown faster for having ended last.
import { kernelThreads, withKernelThreads } from '../model/kernels/threadedKernels';

export class StepTimes {
  /** The kernel threads the speed figures are measured at: the run's when it started. */
  readonly threads = kernelThreads();
  private readonly atStart: number[] = [];
  private readonly all: number[] = [];
  private total = 0;

  /** A step that took `ms`; call it before the run can be handed more threads (the next yield to the event loop). */
  add(ms: number): void {
    this.all.push(ms);
    if (kernelThreads() === this.threads) this.atStart.push(ms);
    this.total += ms;
  }

  /** The median step at the starting thread count (every step when fewer than 2 ran at it). */
  medianMs(): number {
    return medianStepMs(this.atStart.length >= 2 ? this.atStart : this.all);
  }

  /** The time of every step, in ms. */
  get totalMs(): number {
    return this.total;
  }

  /** `tokens` trained over every step, per second of step time. */
  perSecond(tokens: number): number {
    return this.totalMs ? (tokens * 1000) / this.totalMs : 0;
  }

  /** Runs `f` (an inference timing) at the starting thread count, then goes back to the run's threads. */
  atStartThreads<T>(f: () => T): T {
    return withKernelThreads(this.threads, f);
  }
}

/**
 * The median time of a training step, leaving out the first when there are others: it compiles the backend's kernels
 * and can take seconds (a one-batch run reports its only step).
 */
export function medianStepMs(stepTimes: readonly number[]): number {
  const values = stepTimes.length > 1 ? stepTimes.slice(1) : stepTimes;
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
