// Plain-JS forward passes of RoBERTa / XLM-R, DistilBERT and ELECTRA, written from Hugging Face's modeling_roberta.py,
// modeling_distilbert.py and modeling_electra.py, independent of the engine: they read a checkpoint's tensors by the
// family's own names in PyTorch layout (Linear weight [out, in]) and compute positions as the family does.
import { gelu, layerNorm, linear } from './referenceBert';

type Tensors = Map<string, { shape: number[]; data: Float32Array }>;
type Rows = number[][];

export interface FamilyRefConfig {
  hidden: number;
  layers: number;
  heads: number;
  eps: number;
}

function reader(t: Tensors) {
  return (name: string) => {
    const found = t.get(name);
    if (!found) throw new Error(`reference: missing ${name}`);
    return found;
  };
}

function rowOf(w: { shape: number[]; data: Float32Array }, i: number): number[] {
  const width = w.shape[1];
  return Array.from(w.data.subarray(i * width, (i + 1) * width));
}

const addRows = (a: Rows, b: Rows): Rows => a.map((r, i) => r.map((x, e) => x + b[i][e]));

/** Multi-head softmax(QKᵀ/√dh)·V over the keys where mask = 1. */
function selfAttention(q: Rows, k: Rows, v: Rows, mask: number[], heads: number): Rows {
  const d = q[0].length;
  const dh = d / heads;
  const context = q.map(() => new Array<number>(d).fill(0));
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < q.length; i++) {
      const scores = k.map((kj, j) => {
        let s = 0;
        for (let e = head * dh; e < (head + 1) * dh; e++) s += q[i][e] * kj[e];
        return mask[j] ? s / Math.sqrt(dh) : -Infinity;
      });
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let j = 0; j < k.length; j++) for (let e = head * dh; e < (head + 1) * dh; e++) context[i][e] += (exps[j] / total) * v[j][e];
    }
  }
  return context;
}

/** The names of one post-LayerNorm transformer layer's weights (each `.weight` / `.bias` added). */
interface LayerNames {
  query: string;
  key: string;
  value: string;
  attentionOut: string;
  attentionNorm: string;
  ffnIn: string;
  ffnOut: string;
  outputNorm: string;
}

function postNormLayer(t: Tensors, h: Rows, mask: number[], n: LayerNames, c: FamilyRefConfig, act: (x: number) => number): Rows {
  const w = reader(t);
  const lin = (x: Rows, name: string) => linear(x, w(`${name}.weight`), w(`${name}.bias`));
  const norm = (x: Rows, name: string) => layerNorm(x, w(`${name}.weight`), w(`${name}.bias`), c.eps);
  const context = selfAttention(lin(h, n.query), lin(h, n.key), lin(h, n.value), mask, c.heads);
  const attended = norm(addRows(lin(context, n.attentionOut), h), n.attentionNorm);
  const inner = lin(attended, n.ffnIn).map((r) => r.map(act));
  return norm(addRows(lin(inner, n.ffnOut), attended), n.outputNorm);
}

const bertLayerNames = (p: string): LayerNames => ({
  query: `${p}attention.self.query`,
  key: `${p}attention.self.key`,
  value: `${p}attention.self.value`,
  attentionOut: `${p}attention.output.dense`,
  attentionNorm: `${p}attention.output.LayerNorm`,
  ffnIn: `${p}intermediate.dense`,
  ffnOut: `${p}output.dense`,
  outputNorm: `${p}output.LayerNorm`,
});

/**
 * RoBERTa / XLM-R (RobertaModel under `roberta.`): create_position_ids_from_input_ids gives a token the position
 * padding_idx + (its count among the non-padding tokens so far); padding itself gets padding_idx. Token type 0.
 */
export function referenceRobertaForward(t: Tensors, c: FamilyRefConfig, ids: number[], paddingIdx: number): Rows {
  const w = reader(t);
  const mask = ids.map((id) => (id === paddingIdx ? 0 : 1));
  let seen = 0;
  const positions = mask.map((m) => (m ? paddingIdx + ++seen : paddingIdx));
  let h = ids.map((id, i) => {
    const word = rowOf(w('roberta.embeddings.word_embeddings.weight'), id);
    const position = rowOf(w('roberta.embeddings.position_embeddings.weight'), positions[i]);
    const type = rowOf(w('roberta.embeddings.token_type_embeddings.weight'), 0);
    return word.map((v, k) => v + position[k] + type[k]);
  });
  h = layerNorm(h, w('roberta.embeddings.LayerNorm.weight'), w('roberta.embeddings.LayerNorm.bias'), c.eps);
  for (let l = 0; l < c.layers; l++) h = postNormLayer(t, h, mask, bertLayerNames(`roberta.encoder.layer.${l}.`), c, gelu);
  return h;
}

/** DistilBERT (DistilBertModel under `distilbert.`): word + position, no token types; q_lin … ffn.lin2 per block. */
export function referenceDistilbertForward(t: Tensors, c: FamilyRefConfig, ids: number[], mask: number[], activation: 'gelu' | 'relu'): Rows {
  const w = reader(t);
  let h = ids.map((id, i) => {
    const word = rowOf(w('distilbert.embeddings.word_embeddings.weight'), id);
    const position = rowOf(w('distilbert.embeddings.position_embeddings.weight'), i);
    return word.map((v, k) => v + position[k]);
  });
  h = layerNorm(h, w('distilbert.embeddings.LayerNorm.weight'), w('distilbert.embeddings.LayerNorm.bias'), c.eps);
  const act = activation === 'relu' ? (x: number) => Math.max(0, x) : gelu;
  for (let l = 0; l < c.layers; l++) {
    const p = `distilbert.transformer.layer.${l}.`;
    const names: LayerNames = {
      query: `${p}attention.q_lin`,
      key: `${p}attention.k_lin`,
      value: `${p}attention.v_lin`,
      attentionOut: `${p}attention.out_lin`,
      attentionNorm: `${p}sa_layer_norm`,
      ffnIn: `${p}ffn.lin1`,
      ffnOut: `${p}ffn.lin2`,
      outputNorm: `${p}output_layer_norm`,
    };
    h = postNormLayer(t, h, mask, names, c, act);
  }
  return h;
}

/** ELECTRA discriminator (ElectraModel under `electra.`): BERT embeddings of width embedding_size, projected to hidden. */
export function referenceElectraForward(t: Tensors, c: FamilyRefConfig, ids: number[], mask: number[]): Rows {
  const w = reader(t);
  let h = ids.map((id, i) => {
    const word = rowOf(w('electra.embeddings.word_embeddings.weight'), id);
    const position = rowOf(w('electra.embeddings.position_embeddings.weight'), i);
    const type = rowOf(w('electra.embeddings.token_type_embeddings.weight'), 0);
    return word.map((v, k) => v + position[k] + type[k]);
  });
  h = layerNorm(h, w('electra.embeddings.LayerNorm.weight'), w('electra.embeddings.LayerNorm.bias'), c.eps);
  h = linear(h, w('electra.embeddings_project.weight'), w('electra.embeddings_project.bias'));
  for (let l = 0; l < c.layers; l++) h = postNormLayer(t, h, mask, bertLayerNames(`electra.encoder.layer.${l}.`), c, gelu);
  return h;
}

/** DistilBERT's create_sinusoidal_embeddings: sin on even, cos on odd columns of pos / 10000^(2⌊j/2⌋/dim). */
export function sinusoidalTable(positions: number, dim: number): Float32Array {
  const out = new Float32Array(positions * dim);
  for (let pos = 0; pos < positions; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}
