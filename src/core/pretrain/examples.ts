// Pre-training examples: word pieces with per-token labels on the first piece of each word (POS, AFINN polarity)
// and a per-sentence label (genre); -1 marks "no label here". Masking for MLM is drawn per batch (dynamic masking).
import * as tf from '@tensorflow/tfjs';
import type { WordPieceTokenizer } from '../data/tokenizer';
import { POS_TAGS, type LabelledSentence } from '../data/corpora';
import type { Rng } from '../data/random';

export interface PretrainExample {
  ids: number[];
  pos: number[]; // per token, -1 = none
  polarity: number[];
  genre: number; // -1 = none
}

export function buildExamples(
  sentences: LabelledSentence[],
  tokenizer: WordPieceTokenizer,
  afinn: Map<string, number>,
  genres: string[],
  maxLength: number,
): PretrainExample[] {
  const piecesOf = new Map<string, number[]>();
  const pieces = (word: string) => {
    let ids = piecesOf.get(word);
    if (!ids) {
      ids = tokenizer.pieceIds(word);
      piecesOf.set(word, ids);
    }
    return ids;
  };
  const posIndex = new Map<string, number>(POS_TAGS.map((t, i) => [t, i]));
  return sentences.map((s) => {
    const ids = [tokenizer.clsId];
    const pos = [-1];
    const polarity = [-1];
    for (let w = 0; w < s.words.length && ids.length < maxLength - 1; w++) {
      const wordPieces = pieces(s.words[w]).slice(0, maxLength - 1 - ids.length);
      if (!wordPieces.length) continue;
      wordPieces.forEach((id, k) => {
        ids.push(id);
        pos.push(k === 0 && s.pos ? (posIndex.get(s.pos[w]) ?? -1) : -1);
        polarity.push(k === 0 ? (afinn.get(s.words[w].toLowerCase()) ?? 1) : -1);
      });
    }
    ids.push(tokenizer.sepId);
    pos.push(-1);
    polarity.push(-1);
    return { ids, pos, polarity, genre: s.genre ? genres.indexOf(s.genre) : -1 };
  });
}

export interface PretrainBatch {
  ids: tf.Tensor2D; // masked input
  typeIds: tf.Tensor2D;
  mask: tf.Tensor2D;
  mlmPositions: tf.Tensor1D; // flat positions (row·T + t) chosen for MLM
  mlmTargets: tf.Tensor1D; // their original ids
  pos: tf.Tensor1D; // [B·T], -1 = ignore
  polarity: tf.Tensor1D;
  genre: tf.Tensor1D; // [B]
  maskedCount: number;
}

/** BERT's masking: choose `p` of the real tokens; of those 80% → [MASK], 10% → a random piece, 10% unchanged. */
export function makePretrainBatch(
  examples: PretrainExample[],
  indices: number[],
  tokenizer: WordPieceTokenizer,
  maskProbability: number,
  rng: Rng,
  firstRegularId: number,
): PretrainBatch {
  const batch = indices.length;
  const length = Math.max(...indices.map((i) => examples[i].ids.length));
  const ids = new Int32Array(batch * length).fill(tokenizer.padId);
  const mask = new Float32Array(batch * length);
  const pos = new Int32Array(batch * length).fill(-1);
  const polarity = new Int32Array(batch * length).fill(-1);
  const positions: number[] = [];
  const targets: number[] = [];
  indices.forEach((exampleIndex, row) => {
    const ex = examples[exampleIndex];
    const offset = row * length;
    ids.set(ex.ids, offset);
    pos.set(ex.pos, offset);
    polarity.set(ex.polarity, offset);
    mask.fill(1, offset, offset + ex.ids.length);
    for (let t = 1; t < ex.ids.length - 1; t++) {
      if (rng() >= maskProbability) continue;
      positions.push(offset + t);
      targets.push(ex.ids[t]);
      const r = rng();
      if (r < 0.8) ids[offset + t] = tokenizer.maskId;
      else if (r < 0.9) ids[offset + t] = firstRegularId + Math.floor(rng() * (tokenizer.vocabSize - firstRegularId));
    }
  });
  if (positions.length === 0) {
    // Keep every batch's MLM loss defined: mask the first real token of the first row.
    positions.push(1);
    targets.push(examples[indices[0]].ids[1]);
    ids[1] = tokenizer.maskId;
  }
  return {
    ids: tf.tensor2d(ids, [batch, length], 'int32'),
    typeIds: tf.zeros([batch, length], 'int32') as tf.Tensor2D,
    mask: tf.tensor2d(mask, [batch, length]),
    mlmPositions: tf.tensor1d(positions, 'int32'),
    mlmTargets: tf.tensor1d(targets, 'int32'),
    pos: tf.tensor1d(pos, 'int32'),
    polarity: tf.tensor1d(polarity, 'int32'),
    genre: tf.tensor1d(indices.map((i) => examples[i].genre), 'int32'),
    maskedCount: positions.length,
  };
}

export function disposePretrainBatch(b: PretrainBatch): void {
  tf.dispose([b.ids, b.typeIds, b.mask, b.mlmPositions, b.mlmTargets, b.pos, b.polarity, b.genre]);
}
