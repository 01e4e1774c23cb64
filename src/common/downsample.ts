// Min-max downsampling that keeps up with streaming: consecutive points are grouped in buckets of `size`, and each
// bucket contributes its lowest and highest point (in x order), so spikes survive and the line looks the same at
// chart resolution. Appending only redoes the last, unfinished bucket; when there would be more than `maxBuckets`
// buckets the size doubles and everything is regrouped — O(n) a logarithmic number of times, O(new points) otherwise.

export interface XY {
  x: number;
  y: number;
}

export class MinMaxDownsampler {
  /** The downsampled points (rebuilt in place). */
  readonly points: XY[] = [];
  private size = 1;
  private doneBuckets = 0; // buckets that are full, whose points are final
  private donePoints = 0; // points of those buckets in `points`

  constructor(private readonly maxBuckets = 600) {}

  /** Brings `points` up to date with the first `n` input points (xs and ys at least that long). */
  update(xs: readonly number[], ys: readonly number[], n = ys.length): void {
    let size = this.size;
    while (Math.ceil(n / size) > this.maxBuckets) size *= 2;
    // Regroup when the bucket size grew (old buckets are not buckets of the new size) or the input shrank.
    if (size !== this.size || this.doneBuckets * size > n) {
      this.size = size;
      this.reset();
    }
    this.points.length = this.donePoints;
    for (let start = this.doneBuckets * size; start < n; start += size) {
      const end = Math.min(start + size, n);
      this.emit(xs, ys, start, end);
      if (end - start === size) {
        this.doneBuckets++;
        this.donePoints = this.points.length;
      }
    }
  }

  /** Forgets the buckets (the input changed, not only grew); the next update regroups from the start. */
  reset(): void {
    this.points.length = 0;
    this.doneBuckets = 0;
    this.donePoints = 0;
  }

  /** Input points per bucket. */
  get bucketSize(): number {
    return this.size;
  }

  private emit(xs: readonly number[], ys: readonly number[], start: number, end: number): void {
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const y = ys[i];
      if (!Number.isFinite(y)) continue;
      if (lo < 0 || y < ys[lo]) lo = i;
      if (hi < 0 || y > ys[hi]) hi = i;
    }
    if (lo < 0) return; // nothing finite in this bucket: a gap
    const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
    this.points.push({ x: xs[a], y: ys[a] });
    if (b !== a) this.points.push({ x: xs[b], y: ys[b] });
  }
}
