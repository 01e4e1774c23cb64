/** Linear warm-up from 0 to `peak` over `warmupSteps`, then linear decay to 0 at `totalSteps` (as HF's default). */
export function linearWarmupDecay(step: number, totalSteps: number, warmupSteps: number, peak: number): number {
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
