// A tiny GPT-2-layout decoder (d = 8) for numerical tests.
import { Gpt2Decoder, type Gpt2Config, initGpt2Weights } from '../../src/core/model/gpt2';
import { Weights } from '../../src/core/model/weights';

export const TINY_GPT: Gpt2Config = {
  hiddenSize: 8,
  layers: 2,
  heads: 2,
  intermediateSize: 32,
  vocabSize: 24,
  maxPositions: 16,
  layerNormEps: 1e-5,
  activation: 'gelu_new',
  eosTokenId: 23,
};

/** Random weights with a large spread (std 0.5), so every token and position visibly moves the output. */
export function tinyDecoder(seed = 1, config: Gpt2Config = TINY_GPT): Gpt2Decoder {
  const values = initGpt2Weights(config, seed);
  for (const v of values.values()) if (v.shape.length === 2) v.data = v.data.map((x) => x * 25);
  return new Gpt2Decoder(config, new Weights(values));
}
