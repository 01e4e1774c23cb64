// Series arithmetic for the curves: TensorBoard-style exponential smoothing (debiased, so the first points are not
// pulled towards zero) computed incrementally as points stream in, and the best point of a series.

export type Direction = 'min' | 'max';

/** Smooths one series point by point: push() returns the smoothed value of each new raw value. */
export class EmaSmoother {
  private last = 0;
  private count = 0;

  /** `weight` in [0, 1): 0 is no smoothing, 0.99 very smooth. */
  constructor(readonly weight: number) {
    if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1), got ${weight}`);
  }

  push(value: number): number {
    if (!Number.isFinite(value)) return value; // a NaN or Infinity is shown as is and does not poison what follows
    this.last = this.last * this.weight + (1 - this.weight) * value;
    this.count++;
    const debias = this.weight === 0 ? 1 : 1 - this.weight ** this.count;
    return this.last / debias;
  }
}

export function smoothEma(values: readonly number[], weight: number): number[] {
  const smoother = new EmaSmoother(weight);
  return values.map((v) => smoother.push(v));
}

export interface BestPoint {
  index: number;
  value: number;
}

/** The best of the finite values (first one on ties), or undefined when there is none. */
export function bestPoint(values: readonly number[], direction: Direction, from = 0, best?: BestPoint): BestPoint | undefined {
  let out = best;
  for (let i = from; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (!out || (direction === 'min' ? v < out.value : v > out.value)) out = { index: i, value: v };
  }
  return out;
}
