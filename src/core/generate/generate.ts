// Text generation with the causal decoder: one token at a time, yielded as soon as it is chosen so a front end can
// stream it. With the key/value cache each step runs only the new token through the model; without it each step
// recomputes the whole sequence (the reference the cache is tested against).
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../data/random';
import { type DecoderForwardOptions, type Gpt2Decoder, KeyValueCache } from '../model/gpt2';
import { type SamplingOptions, sampleToken } from './sampling';

export interface GenerateOptions extends SamplingOptions {
  maxTokens: number;
  seed: number;
  /** Stop after this token (the model's `<|endoftext|>`); null: run to maxTokens. */
  stopId: number | null;
  /** false: recompute every position each step (slow; for checking the cache). Default true. */
  useCache?: boolean;
  /** Adapters to run the decoder with, made afresh for each pass: `() => setup.forwardOptions(0, null)`. */
  adapters?: () => Pick<DecoderForwardOptions, 'hook' | 'linearHook' | 'prefixHook' | 'replicate'>;
}

/**
 * Token ids continuing `prompt` (not repeated), as they are drawn; stops at maxTokens, the stop token (yielded) or the
 * model's last position. Also reports each step's next-token logits through `onLogits` (tests compare them).
 */
export function* generateTokens(
  decoder: Gpt2Decoder,
  prompt: readonly number[],
  o: GenerateOptions,
  onLogits?: (logits: Float32Array) => void,
): Generator<number> {
  const problem = promptProblem(prompt.length, decoder.config.maxPositions);
  if (problem) throw new Error(problem);
  const room = decoder.config.maxPositions - prompt.length;
  const rng = createRng(o.seed);
  const cache = o.useCache === false ? null : new KeyValueCache();
  const ids = [...prompt];
  try {
    let fresh = ids; // the tokens the next pass must read
    for (let step = 0; step < Math.min(o.maxTokens, room); step++) {
      const logits = tf.tidy(() => {
        const input = tf.tensor2d([cache ? fresh : ids], undefined, 'int32');
        const hidden = decoder.forward(input, { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...o.adapters?.() }, cache ?? undefined);
        return decoder.logits(tf.slice(hidden, [hidden.shape[0] - 1, 0], [1, -1]) as tf.Tensor2D).dataSync() as Float32Array;
      });
      onLogits?.(logits);
      const next = sampleToken(logits, o, rng);
      ids.push(next);
      fresh = [next];
      yield next;
      if (next === o.stopId) return;
    }
  } finally {
    cache?.dispose();
  }
}

/**
 * Continuations of one prompt, one per seed, drawn side by side as one batch over a shared key/value cache: sequence i
 * is what generateTokens writes with seed seeds[i] (the same draws of its own RNG), at the cost of one pass per step
 * for all of them. A sequence that has stopped is fed its stop token until the others stop; nothing more is drawn for it.
 */
export function generateMany(
  decoder: Gpt2Decoder,
  prompt: readonly number[],
  seeds: readonly number[],
  o: Omit<GenerateOptions, 'seed' | 'useCache'>,
): number[][] {
  const problem = promptProblem(prompt.length, decoder.config.maxPositions);
  if (problem) throw new Error(problem);
  const steps = Math.min(o.maxTokens, decoder.config.maxPositions - prompt.length);
  const rngs = seeds.map((seed) => createRng(seed));
  const written = seeds.map(() => [] as number[]);
  const stopped = seeds.map(() => false);
  const cache = new KeyValueCache();
  try {
    let fresh = seeds.map(() => [...prompt]);
    for (let step = 0; step < steps && stopped.includes(false); step++) {
      const length = fresh[0].length;
      const logits = tf.tidy(() => {
        const hidden = decoder.forward(
          tf.tensor2d(fresh, undefined, 'int32'),
          { trainBase: false, dropoutRate: 0, dropoutSeed: null, ...o.adapters?.() },
          cache,
        );
        const last = tf.tensor1d(
          seeds.map((_, i) => i * length + length - 1),
          'int32',
        );
        return decoder.logits(tf.gather(hidden, last)).dataSync() as Float32Array;
      });
      const vocab = logits.length / seeds.length;
      fresh = seeds.map((_, i) => {
        if (stopped[i]) return [o.stopId!];
        const next = sampleToken(logits.subarray(i * vocab, (i + 1) * vocab), o, rngs[i]);
        written[i].push(next);
        if (next === o.stopId) stopped[i] = true;
        return [next];
      });
    }
    return written;
  } finally {
    cache.dispose();
  }
}

/** Why a prompt of this many tokens cannot be continued by a model with `maxPositions` positions, or undefined. */
export function promptProblem(tokens: number, maxPositions: number): string | undefined {
  if (tokens === 0) return 'the prompt has no tokens: give some text (or start from the end-of-text token)';
  if (tokens >= maxPositions) return `the prompt has ${tokens} tokens; the model reads at most ${maxPositions - 1} to write one more`;
  return undefined;
}

/** Turns a stream of token ids into a stream of text: each call returns the text the new token completes. */
export class TextStream {
  private readonly ids: number[] = [];
  private emitted = 0;

  constructor(private readonly decode: (ids: readonly number[]) => string) {}

  push(id: number): string {
    this.ids.push(id);
    const text = this.decode(this.ids);
    // A byte-level token can end inside a UTF-8 character: hold it back until the character is complete.
    if (text.endsWith('\uFFFD')) return '';
    const piece = text.slice(this.emitted);
    this.emitted = text.length;
    return piece;
  }
}
