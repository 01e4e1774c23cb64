// Tick values for a logarithmic chart axis that can be read: chart.js puts a tick at every 1..9 × 10^k and at the
// data's own min and max, whose labels pile up on a narrow range (a loss between 0.67 and 0.69 gets "0.67" over
// "0.69"). Here the ticks are 1-2-5 × 10^k, or every digit, or every decade (or every few), whichever set is the
// densest whose labels are a label's height apart; a range too narrow for any of them gets a few evenly spaced
// round values instead. Pure, so it is unit-tested; logAxisTicks() plugs it into a chart.js axis.

/** Mantissas per decade, densest first. */
const MANTISSAS: readonly (readonly number[])[] = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5], [1]];

/**
 * Tick values in [min, max] for a log axis `lengthPx` long whose labels need `labelPx` each (their height on a
 * vertical axis, their width on a horizontal one). Empty when the range is not a positive one.
 */
export function logTicks(min: number, max: number, lengthPx: number, labelPx: number): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max)) return [];
  const span = Math.log10(max) - Math.log10(min);
  const minGap = (span * labelPx) / Math.max(lengthPx, labelPx); // in decades: two labels must be this far apart
  for (const mantissas of MANTISSAS) {
    const ticks = decadeTicks(min, max, mantissas);
    if (ticks.length >= 2 && spacedApart(ticks, minGap)) return ticks;
  }
  const linear = evenTicks(min, max, minGap);
  if (linear.length >= 2) return linear;
  // A very wide range: every few decades; a very short axis: the round values that fit.
  const decades = decadeTicks(min, max, [1]);
  if (decades.length >= 2) return thin(decades, minGap);
  const fitting = [spaced(decadeTicks(min, max, MANTISSAS[1]), minGap), spaced(decadeTicks(min, max, MANTISSAS[0]), minGap), linear];
  return fitting.reduce((most, t) => (t.length > most.length ? t : most));
}

/** m × 10^k for each mantissa m, inside [min, max]. */
function decadeTicks(min: number, max: number, mantissas: readonly number[]): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of mantissas) {
      const value = round(m * 10 ** k);
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/** Round values evenly spaced in [min, max] (a step of 1, 2 or 5 × 10^k), at most 7: the most that are spaced apart. */
function evenTicks(min: number, max: number, minGap: number): number[] {
  for (let step = niceStep((max - min) / 6); ; step = niceStep(step * 1.5)) {
    const ticks: number[] = [];
    for (let i = Math.max(1, Math.ceil((min / step) * (1 - 1e-9))); i * step <= max * (1 + 1e-9); i++) ticks.push(round(i * step));
    if (ticks.length < 2 || spacedApart(ticks, minGap)) return ticks; // one tick: the axis has room for no more
  }
}

/** The smallest 1, 2 or 5 × 10^k at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * power >= raw * (1 - 1e-9)) return round(m * power);
  return round(10 * power);
}

function spacedApart(ticks: readonly number[], minGap: number): boolean {
  return ticks.every((t, i) => i === 0 || Math.log10(t) - Math.log10(ticks[i - 1]) >= minGap * (1 - 1e-9));
}

/** Keeps every n-th tick, n the smallest that spaces them apart. */
function thin(ticks: readonly number[], minGap: number): number[] {
  for (let n = 2; ; n++) {
    const kept = ticks.filter((_, i) => i % n === 0);
    if (kept.length < 2 || spacedApart(kept, minGap)) return kept;
  }
}

/** Keeps each tick that is far enough from the last one kept. */
function spaced(ticks: readonly number[], minGap: number): number[] {
  const kept: number[] = [];
  for (const t of ticks) if (!kept.length || Math.log10(t) - Math.log10(kept[kept.length - 1]) >= minGap) kept.push(t);
  return kept;
}

/** Drops the binary noise of m × 10^k (0.30000000000000004 → 0.3). */
function round(value: number): number {
  return +value.toPrecision(12);
}

/** What logAxisTicks needs of a chart.js scale (structural, so this file does not import chart.js). */
export interface TickedAxis {
  min: number;
  max: number;
  width: number;
  height: number;
  isHorizontal(): boolean;
  ticks: { value: number }[];
}

/** A chart.js `afterBuildTicks` hook for a logarithmic axis: replaces its ticks with logTicks'. */
export function logAxisTicks(axis: TickedAxis): void {
  const horizontal = axis.isHorizontal();
  // A label's height with its padding on a vertical axis; a "100k"/"0.6924" label's width on a horizontal one.
  const ticks = logTicks(axis.min, axis.max, horizontal ? axis.width : axis.height, horizontal ? 56 : 22);
  if (ticks.length) axis.ticks = ticks.map((value) => ({ value }));
}
