// A plain-JS GPT-2 forward pass written from the published architecture (Radford et al. 2019; Hugging Face's
// modeling_gpt2.py), independent of the engine: it reads weights by their HF names in Conv1D layout ([in, out]).
type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

export interface RefGpt2Config {
  hidden: number;
  layers: number;
  heads: number;
  eps: number;
}

const geluNew = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** x · W + b for a Conv1D weight W [in, out]. */
function conv1d(x: number[][], w: { shape: number[]; data: Float32Array }, b: { data: Float32Array }): number[][] {
  const [inp, out] = w.shape;
  return x.map((row) =>
    Array.from({ length: out }, (_, o) => {
      let s = b.data[o];
      for (let i = 0; i < inp; i++) s += row[i] * w.data[i * out + o];
      return s;
    }),
  );
}

function layerNorm(x: number[][], g: Float32Array, b: Float32Array, eps: number): number[][] {
  return x.map((row) => {
    const mean = row.reduce((a, v) => a + v, 0) / row.length;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * g[i] + b[i]);
  });
}

/** Next-token logits [T, vocab] for one sequence of ids. `find` maps a GPT2LMHeadModel name to a tensor. */
export function referenceGpt2Logits(tensors: Tensors, c: RefGpt2Config, ids: number[]): number[][] {
  const t = (name: string) => {
    const v = tensors.get(name) ?? tensors.get(name.replace(/^transformer\./, ''));
    if (!v) throw new Error(`reference: no tensor ${name}`);
    return v;
  };
  const d = c.hidden;
  const dh = d / c.heads;
  const wte = t('transformer.wte.weight').data;
  const wpe = t('transformer.wpe.weight').data;
  let x = ids.map((id, pos) => Array.from({ length: d }, (_, j) => wte[id * d + j] + wpe[pos * d + j]));
  for (let l = 0; l < c.layers; l++) {
    const p = `transformer.h.${l}`;
    const a = layerNorm(x, t(`${p}.ln_1.weight`).data, t(`${p}.ln_1.bias`).data, c.eps);
    const qkv = conv1d(a, t(`${p}.attn.c_attn.weight`), t(`${p}.attn.c_attn.bias`));
    const context = ids.map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < c.heads; h++) {
      for (let i = 0; i < ids.length; i++) {
        const scores: number[] = [];
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let e = 0; e < dh; e++) s += qkv[i][h * dh + e] * qkv[j][d + h * dh + e];
          scores.push(s / Math.sqrt(dh));
        }
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const sum = exps.reduce((u, v) => u + v, 0);
        for (let j = 0; j <= i; j++) for (let e = 0; e < dh; e++) context[i][h * dh + e] += (exps[j] / sum) * qkv[j][2 * d + h * dh + e];
      }
    }
    const attn = conv1d(context, t(`${p}.attn.c_proj.weight`), t(`${p}.attn.c_proj.bias`));
    x = x.map((row, i) => row.map((v, j) => v + attn[i][j]));
    const m = layerNorm(x, t(`${p}.ln_2.weight`).data, t(`${p}.ln_2.bias`).data, c.eps);
    const inner = conv1d(m, t(`${p}.mlp.c_fc.weight`), t(`${p}.mlp.c_fc.bias`)).map((row) => row.map(geluNew));
    const mlp = conv1d(inner, t(`${p}.mlp.c_proj.weight`), t(`${p}.mlp.c_proj.bias`));
    x = x.map((row, i) => row.map((v, j) => v + mlp[i][j]));
  }
  const final = layerNorm(x, t('transformer.ln_f.weight').data, t('transformer.ln_f.bias').data, c.eps);
  const vocab = wte.length / d;
  return final.map((row) =>
    Array.from({ length: vocab }, (_, v) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += row[j] * wte[v * d + j];
      return s;
    }),
  );
}
