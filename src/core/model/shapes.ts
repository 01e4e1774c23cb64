// Weight shapes of a BERT encoder, without TensorFlow.js: parameter counts (params.ts) run in the VS Code extension
// host, which must not load it.
import type { EncoderShape } from '../config/types';

export interface BertConfig extends EncoderShape {
  typeVocabSize: number; // 0: no token type embeddings (DistilBERT)
  layerNormEps: number;
  /** The Hugging Face family the weights came from (io/hfFamilies.ts); absent for BERT. */
  modelType?: string;
  /** Width of the embedding tables when it differs from hiddenSize (ELECTRA): a projection follows them. */
  embeddingSize?: number;
  /** The feed-forward non-linearity; absent for GELU. DistilBERT may say "relu". */
  activation?: 'gelu' | 'relu';
}

/** The embedding tables' width: ELECTRA's embedding_size, else hiddenSize. */
export function embeddingWidth(c: BertConfig): number {
  return c.embeddingSize ?? c.hiddenSize;
}

/** Dense weights are held as [in, out] so the forward pass is a plain 2-D matMul (HF's Linear stores [out, in]). */
export function denseWeightShape(inputs: number, outputs: number): [number, number] {
  return [inputs, outputs];
}

/** Names and shapes of every weight of a BERT encoder with this config (HF naming; dense as [in, out]). */
export function bertWeightShapes(c: BertConfig): Map<string, number[]> {
  const d = c.hiddenSize;
  const e = embeddingWidth(c);
  const shapes = new Map<string, number[]>([
    ['bert.embeddings.word_embeddings.weight', [c.vocabSize, e]],
    ['bert.embeddings.position_embeddings.weight', [c.maxPositions, e]],
  ]);
  if (c.typeVocabSize > 0) shapes.set('bert.embeddings.token_type_embeddings.weight', [c.typeVocabSize, e]);
  shapes.set('bert.embeddings.LayerNorm.weight', [e]);
  shapes.set('bert.embeddings.LayerNorm.bias', [e]);
  if (e !== d) {
    shapes.set('bert.embeddings_project.weight', denseWeightShape(e, d));
    shapes.set('bert.embeddings_project.bias', [d]);
  }
  for (let i = 0; i < c.layers; i++) {
    const p = `bert.encoder.layer.${i}`;
    for (const m of ['query', 'key', 'value']) {
      shapes.set(`${p}.attention.self.${m}.weight`, denseWeightShape(d, d));
      shapes.set(`${p}.attention.self.${m}.bias`, [d]);
    }
    shapes.set(`${p}.attention.output.dense.weight`, denseWeightShape(d, d));
    shapes.set(`${p}.attention.output.dense.bias`, [d]);
    shapes.set(`${p}.attention.output.LayerNorm.weight`, [d]);
    shapes.set(`${p}.attention.output.LayerNorm.bias`, [d]);
    shapes.set(`${p}.intermediate.dense.weight`, denseWeightShape(d, c.intermediateSize));
    shapes.set(`${p}.intermediate.dense.bias`, [c.intermediateSize]);
    shapes.set(`${p}.output.dense.weight`, denseWeightShape(c.intermediateSize, d));
    shapes.set(`${p}.output.dense.bias`, [d]);
    shapes.set(`${p}.output.LayerNorm.weight`, [d]);
    shapes.set(`${p}.output.LayerNorm.bias`, [d]);
  }
  shapes.set('bert.pooler.dense.weight', denseWeightShape(d, d));
  shapes.set('bert.pooler.dense.bias', [d]);
  return shapes;
}
