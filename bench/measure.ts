// Timing: warm-up passes, then repeats that run every variant once each, in a new random order every pass, so a
// slow moment of the machine hits all variants alike and no variant always follows the same one (whose garbage it
// would otherwise collect). Garbage is collected before each run, outside the timing, when node runs with
// --expose-gc. Each run is timed twice: wall clock (what a user waits for) and the CPU time of this process (tfjs
// runs on one thread, so on a quiet machine the two agree; when other processes share the cores, CPU time still
// measures the work while wall clock also counts the waiting). Leaked tensors are counted.
import * as tf from '@tensorflow/tfjs';
import { type Rng, createRng, shuffleInPlace } from '../src/core/data/random';

export interface Timed {
  run(): void;
}

export interface Timing {
  wallMs: number; // median
  cpuMs: number; // median
  wallSamplesMs: number[];
  cpuSamplesMs: number[];
  leakedTensors: number; // most tensors one run left behind (should be 0)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall-clock and CPU milliseconds of one call. */
export function timeOnce(f: () => void): { wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * `groupOf`: variants of one group (the same step with 1 and 2 threads, say) run back to back, in a random order, and
 * the groups in a new random order every pass, so that a ratio of two members can be taken pass by pass (paired:
 * both measured within seconds, the host's drifts over minutes cancel).
 */
export function interleaved<T extends Timed>(variants: T[], warmup: number, repeats: number, groupOf?: (v: T) => string): Map<T, Timing> {
  const wall = new Map(variants.map((v) => [v, [] as number[]]));
  const cpu = new Map(variants.map((v) => [v, [] as number[]]));
  const leaked = new Map(variants.map((v) => [v, 0]));
  const rng = createRng(1);
  const collectGarbage = (globalThis as { gc?: () => void }).gc;
  for (let pass = -warmup; pass < repeats; pass++) {
    for (const v of passOrder(variants, rng, groupOf)) {
      collectGarbage?.();
      const tensors = tf.memory().numTensors;
      const t = timeOnce(() => v.run());
      leaked.set(v, Math.max(leaked.get(v) as number, tf.memory().numTensors - tensors));
      if (pass >= 0) {
        wall.get(v)?.push(t.wallMs);
        cpu.get(v)?.push(t.cpuMs);
      }
    }
  }
  return new Map(
    variants.map((v) => {
      const [w, c] = [wall.get(v) as number[], cpu.get(v) as number[]];
      return [v, { wallMs: median(w), cpuMs: median(c), wallSamplesMs: w, cpuSamplesMs: c, leakedTensors: leaked.get(v) as number }];
    }),
  );
}

function passOrder<T>(variants: T[], rng: Rng, groupOf?: (v: T) => string): T[] {
  if (!groupOf) return shuffleInPlace([...variants], rng);
  const groups = new Map<string, T[]>();
  for (const v of variants) {
    const key = groupOf(v);
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return shuffleInPlace([...groups.values()], rng).flatMap((members) => shuffleInPlace([...members], rng));
}

/** Peak resident set size of this process, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
