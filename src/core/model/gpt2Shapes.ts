// Weight shapes of a GPT-2-layout causal decoder, without TensorFlow.js (parameter counts run in the extension host).
// Names are Hugging Face GPT2LMHeadModel's; every matrix is a Conv1D [in, out], which is also how this engine holds
// dense weights, so nothing is transposed on import or export.

export type Gpt2Activation = 'gelu_new' | 'gelu' | 'relu';

export interface Gpt2Config {
  hiddenSize: number; // n_embd
  layers: number; // n_layer
  heads: number; // n_head
  intermediateSize: number; // n_inner, 4·n_embd when null
  vocabSize: number;
  maxPositions: number; // n_positions
  layerNormEps: number; // layer_norm_epsilon
  activation: Gpt2Activation; // activation_function
  /** Id of `<|endoftext|>` (eos_token_id): generation stops there. */
  eosTokenId: number | null;
}

/** Names and shapes of every weight of a GPT-2 decoder (the LM head is the token embedding, tied). */
export function gpt2WeightShapes(c: Gpt2Config): Map<string, number[]> {
  const d = c.hiddenSize;
  const shapes = new Map<string, number[]>([
    ['transformer.wte.weight', [c.vocabSize, d]],
    ['transformer.wpe.weight', [c.maxPositions, d]],
  ]);
  for (let i = 0; i < c.layers; i++) {
    const p = `transformer.h.${i}`;
    shapes.set(`${p}.ln_1.weight`, [d]);
    shapes.set(`${p}.ln_1.bias`, [d]);
    shapes.set(`${p}.attn.c_attn.weight`, [d, 3 * d]);
    shapes.set(`${p}.attn.c_attn.bias`, [3 * d]);
    shapes.set(`${p}.attn.c_proj.weight`, [d, d]);
    shapes.set(`${p}.attn.c_proj.bias`, [d]);
    shapes.set(`${p}.ln_2.weight`, [d]);
    shapes.set(`${p}.ln_2.bias`, [d]);
    shapes.set(`${p}.mlp.c_fc.weight`, [d, c.intermediateSize]);
    shapes.set(`${p}.mlp.c_fc.bias`, [c.intermediateSize]);
    shapes.set(`${p}.mlp.c_proj.weight`, [c.intermediateSize, d]);
    shapes.set(`${p}.mlp.c_proj.bias`, [d]);
  }
  shapes.set('transformer.ln_f.weight', [d]);
  shapes.set('transformer.ln_f.bias', [d]);
  return shapes;
}
