// A tiny random GPT-2 checkpoint in Hugging Face's exact layout (GPT2LMHeadModel names, Conv1D [in, out], the
// causal-mask buffers, a tied lm_head) with a byte-level BPE vocab.json + merges.txt, written to a temporary folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type TensorToWrite, writeSafetensors } from '../../src/core/io/safetensors';
import { normalValues } from '../../src/core/model/init';

export const D = 8,
  LAYERS = 2,
  HEADS = 2,
  POSITIONS = 12;
export const MERGES = ['Ġ t', 'h e', 'Ġt he', 'Ġ c', 'a t'];

/** GPT-2's bytes_to_unicode: the printable stand-in of each byte, in its vocabulary order. */
function byteAlphabet(): string[] {
  const printable = [...range(33, 126), ...range(161, 172), ...range(174, 255)];
  const chars = new Map(printable.map((b) => [b, b]));
  let extra = 0;
  for (let b = 0; b < 256; b++) if (!chars.has(b)) chars.set(b, 256 + extra++);
  return [...chars.entries()].map(([, c]) => String.fromCharCode(c));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function vocabJson(): Record<string, number> {
  const tokens = [...byteAlphabet(), ...MERGES.map((m) => m.replace(' ', '')), '<|endoftext|>'];
  return Object.fromEntries(tokens.map((token, id) => [token, id]));
}

export const VOCAB = Object.keys(vocabJson()).length;

/** GPT2LMHeadModel tensors (Conv1D weights [in, out]), random but seeded, with HF's causal-mask buffers and a tied lm_head. */
export function hfTensors(): Map<string, { shape: number[]; data: Float32Array }> {
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  let seed = 1;
  const add = (name: string, shape: number[], std = 0.5, mean = 0) =>
    t.set(name, {
      shape,
      data: normalValues(
        shape.reduce((a, b) => a * b, 1),
        std,
        seed++,
      ).map((v) => v + mean),
    });
  add('transformer.wte.weight', [VOCAB, D]);
  add('transformer.wpe.weight', [POSITIONS, D]);
  for (let l = 0; l < LAYERS; l++) {
    const p = `transformer.h.${l}`;
    add(`${p}.ln_1.weight`, [D], 0.1, 1);
    add(`${p}.ln_1.bias`, [D], 0.1);
    add(`${p}.attn.c_attn.weight`, [D, 3 * D]);
    add(`${p}.attn.c_attn.bias`, [3 * D], 0.1);
    add(`${p}.attn.c_proj.weight`, [D, D]);
    add(`${p}.attn.c_proj.bias`, [D], 0.1);
    add(`${p}.ln_2.weight`, [D], 0.1, 1);
    add(`${p}.ln_2.bias`, [D], 0.1);
    add(`${p}.mlp.c_fc.weight`, [D, 4 * D]);
    add(`${p}.mlp.c_fc.bias`, [4 * D], 0.1);
    add(`${p}.mlp.c_proj.weight`, [4 * D, D]);
    add(`${p}.mlp.c_proj.bias`, [D], 0.1);
    const mask = new Float32Array(POSITIONS * POSITIONS).map((_, i) => (i % POSITIONS <= Math.floor(i / POSITIONS) ? 1 : 0));
    t.set(`${p}.attn.bias`, { shape: [1, 1, POSITIONS, POSITIONS], data: mask });
  }
  add('transformer.ln_f.weight', [D], 0.1, 1);
  add('transformer.ln_f.bias', [D], 0.1);
  t.set('lm_head.weight', t.get('transformer.wte.weight')!);
  return t;
}

export const CONFIG = {
  model_type: 'gpt2',
  architectures: ['GPT2LMHeadModel'],
  n_embd: D,
  n_layer: LAYERS,
  n_head: HEADS,
  n_inner: null,
  n_positions: POSITIONS,
  vocab_size: VOCAB,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  eos_token_id: VOCAB - 1,
  bos_token_id: VOCAB - 1,
};

export function writeFolder(tensors = hfTensors(), config: Record<string, unknown> = CONFIG): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-gpt2-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const out: Record<string, TensorToWrite> = {};
  for (const [name, { shape, data }] of tensors) out[name] = { dtype: 'F32', shape, data };
  fs.writeFileSync(path.join(dir, 'model.safetensors'), writeSafetensors(out, { format: 'pt' }));
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(vocabJson()));
  fs.writeFileSync(path.join(dir, 'merges.txt'), `#version: 0.2\n${MERGES.join('\n')}\n`);
  return dir;
}
