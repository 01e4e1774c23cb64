// A plain-JS BERT forward pass written from the paper / Hugging Face's modeling_bert.py, independent of the engine:
// it reads weights by their HF names in PyTorch layout (Linear weight [out, in]) straight from a safetensors map.
type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

export interface RefConfig {
  hidden: number;
  layers: number;
  heads: number;
  eps: number;
}

// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough for a float32 comparison.
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}

export const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

export function linear(x: number[][], w: { shape: number[]; data: Float32Array }, b: { data: Float32Array }): number[][] {
  const [out, inp] = w.shape;
  return x.map((row) =>
    Array.from({ length: out }, (_, o) => {
      let s = b.data[o];
      for (let i = 0; i < inp; i++) s += w.data[o * inp + i] * row[i];
      return s;
    }),
  );
}

export function layerNorm(x: number[][], g: { data: Float32Array }, b: { data: Float32Array }, eps: number): number[][] {
  return x.map((row) => {
    const mean = row.reduce((a, v) => a + v, 0) / row.length;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * g.data[i] + b.data[i]);
  });
}

/** Prefix tuning: keys and values [P][d] a layer attends to before the sentence's own, never masked. */
export type RefAttentionPrefix = (layer: number) => { keys: number[][]; values: number[][] } | undefined;

/** Last hidden states [T][d] of one sentence (attention over positions where mask = 1). */
export function referenceBertForward(t: Tensors, c: RefConfig, ids: number[], mask: number[], prefix = '', attentionPrefix?: RefAttentionPrefix): number[][] {
  const w = (name: string) => {
    const found = t.get(prefix + name);
    if (!found) throw new Error(`reference: missing ${prefix + name}`);
    return found;
  };
  const d = c.hidden;
  const row = (name: string, i: number) => Array.from(w(name).data.subarray(i * d, (i + 1) * d));
  let h = ids.map((id, pos) => {
    const word = row('embeddings.word_embeddings.weight', id);
    const position = row('embeddings.position_embeddings.weight', pos);
    const type = row('embeddings.token_type_embeddings.weight', 0);
    return word.map((v, k) => v + position[k] + type[k]);
  });
  h = layerNorm(h, w('embeddings.LayerNorm.weight'), w('embeddings.LayerNorm.bias'), c.eps);
  const dh = d / c.heads;
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}.`;
    const q = linear(h, w(`${p}attention.self.query.weight`), w(`${p}attention.self.query.bias`));
    const extra = attentionPrefix?.(l) ?? { keys: [], values: [] };
    const k = [...extra.keys, ...linear(h, w(`${p}attention.self.key.weight`), w(`${p}attention.self.key.bias`))];
    const v = [...extra.values, ...linear(h, w(`${p}attention.self.value.weight`), w(`${p}attention.self.value.bias`))];
    const keyMask = [...extra.keys.map(() => 1), ...mask];
    const context = h.map(() => new Array<number>(d).fill(0));
    for (let head = 0; head < c.heads; head++) {
      for (let i = 0; i < ids.length; i++) {
        const scores = k.map((_, j) => {
          let s = 0;
          for (let e = head * dh; e < (head + 1) * dh; e++) s += q[i][e] * k[j][e];
          return keyMask[j] ? s / Math.sqrt(dh) : -Infinity;
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, b) => a + b, 0);
        for (let j = 0; j < k.length; j++) {
          for (let e = head * dh; e < (head + 1) * dh; e++) context[i][e] += (exps[j] / total) * v[j][e];
        }
      }
    }
    const attn = linear(context, w(`${p}attention.output.dense.weight`), w(`${p}attention.output.dense.bias`));
    h = layerNorm(
      attn.map((r, i) => r.map((x, e) => x + h[i][e])),
      w(`${p}attention.output.LayerNorm.weight`),
      w(`${p}attention.output.LayerNorm.bias`),
      c.eps,
    );
    const inner = linear(h, w(`${p}intermediate.dense.weight`), w(`${p}intermediate.dense.bias`)).map((r) => r.map(gelu));
    const out = linear(inner, w(`${p}output.dense.weight`), w(`${p}output.dense.bias`));
    h = layerNorm(
      out.map((r, i) => r.map((x, e) => x + h[i][e])),
      w(`${p}output.LayerNorm.weight`),
      w(`${p}output.LayerNorm.bias`),
      c.eps,
    );
  }
  return h;
}
