// Generation speed of the causal decoder with and without the key/value cache, side by side in one run (interleaved
// passes, bench/measure.ts), at lab-base's size: 2 layers × 128, 4 heads, FFN 512, 8,000 tokens, 256 positions.
// Random weights: speed does not depend on what the weights say. Run: npx tsx --expose-gc bench/generation.ts [backend]
import { generateTokens } from '../src/core/generate/generate';
import { selectBackend } from '../src/core/model/backend';
import { type Gpt2Config, Gpt2Decoder, initGpt2Weights } from '../src/core/model/gpt2';
import { Weights } from '../src/core/model/weights';
import { interleaved } from './measure';

const CONFIG: Gpt2Config = {
  hiddenSize: 128,
  layers: 2,
  heads: 4,
  intermediateSize: 512,
  vocabSize: 8000,
  maxPositions: 256,
  layerNormEps: 1e-5,
  activation: 'gelu_new',
  eosTokenId: null,
};
const PROMPT = Array.from({ length: 16 }, (_, i) => 100 + i);

async function main(): Promise<void> {
  const backend = await selectBackend((process.argv[2] as 'wasm' | 'cpu' | undefined) ?? 'auto');
  const decoder = new Gpt2Decoder(CONFIG, new Weights(initGpt2Weights(CONFIG, 1)));
  for (const tokens of [32, 128]) {
    const variant = (useCache: boolean) => ({
      useCache,
      run: () => {
        const ids = [...generateTokens(decoder, PROMPT, { temperature: 1, topK: 40, topP: 1, maxTokens: tokens, seed: 1, stopId: null, useCache })];
        if (ids.length !== tokens) throw new Error(`wrote ${ids.length} tokens, not ${tokens}`);
      },
    });
    const variants = [variant(true), variant(false)];
    const timings = interleaved(variants, 1, 5);
    const [cached, uncached] = variants.map((v) => timings.get(v)!);
    console.log(
      `${backend.name}, prompt 16 + ${tokens} tokens: cache ${(cached.cpuMs / tokens).toFixed(2)} ms/token (wall ${(cached.wallMs / tokens).toFixed(2)}), ` +
        `no cache ${(uncached.cpuMs / tokens).toFixed(2)} (wall ${(uncached.wallMs / tokens).toFixed(2)}); ` +
        `ratio ${(uncached.cpuMs / cached.cpuMs).toFixed(2)}× CPU, ${(uncached.wallMs / cached.wallMs).toFixed(2)}× wall; ` +
        `tensors left behind: ${cached.leakedTensors} / ${uncached.leakedTensors}`,
    );
  }
}

void main();
