// AdapterHub's names for adapter tensors in a GPT-2 model (adapters/models/gpt2/mixin_gpt2.py): bottleneck adapters
// sit in each block's `attention_adapters` and `output_adapters`, LoRA-style matrices under the Conv1D they adapt
// (attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj), prefix tuning under `transformer.prefix_tuning`. Inside Adapter
// Lab the decoder's adapters keep the encoder's names (`bert.encoder.layer.{i}.…`), as the sites are the same; these
// functions rename them on save and back on load.
//
// The query, key and value linears are one Conv1D in GPT-2 (attn.c_attn); AdapterHub merges their LoRAs into one
// pair there, which this engine keeps apart: each is written as `attn.c_attn.{q|k|v}.loras.{name}.…`.

// [ours under bert.encoder.layer.{i}., AdapterHub's under transformer.h.{i}.] — the longest match wins.
const LAYER: readonly [string, string][] = [
  ['attention.self.query.', 'attn.c_attn.q.'],
  ['attention.self.key.', 'attn.c_attn.k.'],
  ['attention.self.value.', 'attn.c_attn.v.'],
  ['attention.output.dense.', 'attn.c_proj.'],
  ['attention.output.', 'attention_adapters.'],
  ['intermediate.dense.', 'mlp.c_fc.'],
  ['output.dense.', 'mlp.c_proj.'],
  ['output.', 'output_adapters.'],
];

function mapLayer(name: string, from: RegExp, to: string, direction: 0 | 1): string | undefined {
  const m = from.exec(name);
  if (!m) return undefined;
  const rest = name.slice(m[0].length);
  const pair = LAYER.filter((p) => rest.startsWith(p[direction])).sort((a, b) => b[direction].length - a[direction].length)[0];
  return `${to}${m[1]}.${pair ? pair[1 - direction] + rest.slice(pair[direction].length) : rest}`;
}

export function toGpt2AdapterName(ours: string): string {
  return mapLayer(ours, /^bert\.encoder\.layer\.(\d+)\./, 'transformer.h.', 0) ?? ours.replace(/^bert\./, 'transformer.');
}

export function fromGpt2AdapterName(theirs: string): string {
  return mapLayer(theirs, /^transformer\.h\.(\d+)\./, 'bert.encoder.layer.', 1) ?? theirs.replace(/^transformer\./, 'bert.');
}

/** AdapterHub's model class for GPT-2 (adapter_config.json's model_class). */
export const GPT2_ADAPTER_MODEL_CLASS = 'GPT2AdapterModel';
