// Choosing the next token from logits: temperature, top-k and nucleus (top-p) sampling with the project's seeded RNG
// (data/random.ts), so a seed replays the same text on every backend. Temperature 0 is greedy decoding.
import type { Rng } from '../data/random';

export interface SamplingOptions {
  temperature: number; // ≥ 0; 0 = always the most likely token
  topK: number; // keep the k most likely tokens; 0 = all
  topP: number; // keep the smallest set of most likely tokens whose probability reaches p; 1 = all
}

export const DEFAULT_SAMPLING: SamplingOptions = { temperature: 1, topK: 0, topP: 1 };

/** A problem with the options, worded for a command-line user, or undefined. */
export function samplingProblem(o: SamplingOptions): string | undefined {
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) return `temperature must be a number ≥ 0, got ${o.temperature}`;
  if (!Number.isInteger(o.topK) || o.topK < 0) return `top-k must be a whole number ≥ 0 (0 = off), got ${o.topK}`;
  if (!(o.topP > 0 && o.topP <= 1)) return `top-p must be in (0, 1] (1 = off), got ${o.topP}`;
  return undefined;
}

/** The id drawn from `logits` [vocab]; one draw of `rng` per call (none when greedy). */
export function sampleToken(logits: Float32Array, o: SamplingOptions, rng: Rng): number {
  if (o.temperature === 0) return argmax(logits);
  // Most likely first; ties by id, so the order (and the draw) does not depend on the sort's stability.
  let order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  if (o.topK > 0) order = order.slice(0, o.topK);
  const top = logits[order[0]];
  const weights = order.map((id) => Math.exp((logits[id] - top) / o.temperature));
  let total = weights.reduce((a, b) => a + b, 0);
  if (o.topP < 1) {
    let kept = 0;
    let mass = 0;
    while (kept < weights.length && mass < o.topP * total) mass += weights[kept++];
    order = order.slice(0, kept);
    weights.length = kept;
    total = mass;
  }
  let u = rng() * total;
  for (let i = 0; i < order.length; i++) {
    u -= weights[i];
    if (u < 0) return order[i];
  }
  return order[order.length - 1];
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
