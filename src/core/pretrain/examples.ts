// Pre-training examples: word pieces with a label per token for each token-classification objective (on the first
// piece of each word; -1 = no label) and a label per sentence for each text-classification objective (-1 = none).
// Masking for MLM is drawn per batch (dynamic masking).
import * as tf from '@tensorflow/tfjs';
import type { WordPieceTokenizer } from '../data/tokenizer';
import type { LabelledSentence } from '../data/corpora';
import type { Rng } from '../data/random';
import type { Objective, TextObjective, TokenObjective } from './objectives';

export interface PretrainExample {
  ids: number[];
  tokenLabels: Record<string, number[]>; // by objective, one per token
  textLabels: Record<string, number>; // by objective
}

/** `sentences` have their words (texts already split by the tokenizer). */
export function buildExamples(
  sentences: LabelledSentence[],
  tokenizer: WordPieceTokenizer,
  objectives: readonly Objective[],
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
  const tokenObjectives = objectives.filter((o): o is TokenObjective => o.type === 'token-classification');
  const textObjectives = objectives.filter((o): o is TextObjective => o.type === 'text-classification');
  return sentences.map((s) => {
    const ids = [tokenizer.clsId];
    const labels = tokenObjectives.map(() => [-1]);
    for (let w = 0; w < s.words.length && ids.length < maxLength - 1; w++) {
      const wordPieces = pieces(s.words[w]).slice(0, maxLength - 1 - ids.length);
      if (!wordPieces.length) continue;
      wordPieces.forEach((id, k) => {
        ids.push(id);
        tokenObjectives.forEach((o, j) => labels[j].push(k === 0 ? o.labelOf(s, w) : -1));
      });
    }
    ids.push(tokenizer.sepId);
    labels.forEach((l) => l.push(-1));
    return {
      ids,
      tokenLabels: Object.fromEntries(tokenObjectives.map((o, j) => [o.name, labels[j]])),
      textLabels: Object.fromEntries(textObjectives.map((o) => [o.name, o.labelOf(s)])),
    };
  });
}

export interface PretrainBatch {
  ids: tf.Tensor2D; // masked input
  typeIds: tf.Tensor2D;
  mask: tf.Tensor2D;
  mlmPositions: tf.Tensor1D; // flat positions (row·T + t) chosen for MLM
  mlmTargets: tf.Tensor1D; // their original ids
  labels: Record<string, tf.Tensor1D>; // by objective: [B·T] per token or [B] per sentence, -1 = ignore
  /** [B, vocab]: 1/n on each of the n distinct word pieces of the unmasked sentence (bag of words), if asked for. */
  bagOfWords?: tf.Tensor2D;
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
  bagOfWords = false,
): PretrainBatch {
  const batch = indices.length;
  const length = Math.max(...indices.map((i) => examples[i].ids.length));
  const ids = new Int32Array(batch * length).fill(tokenizer.padId);
  const mask = new Float32Array(batch * length);
  const first = examples[indices[0]];
  const tokenLabels = Object.keys(first.tokenLabels).map((name) => [name, new Int32Array(batch * length).fill(-1)] as const);
  const positions: number[] = [];
  const targets: number[] = [];
  indices.forEach((exampleIndex, row) => {
    const ex = examples[exampleIndex];
    const offset = row * length;
    ids.set(ex.ids, offset);
    for (const [name, labels] of tokenLabels) labels.set(ex.tokenLabels[name], offset);
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
    targets.push(first.ids[1]);
    ids[1] = tokenizer.maskId;
  }
  return {
    ...(bagOfWords ? { bagOfWords: bagOfWordsTargets(examples, indices, tokenizer, firstRegularId) } : {}),
    ids: tf.tensor2d(ids, [batch, length], 'int32'),
    typeIds: tf.zeros([batch, length], 'int32') as tf.Tensor2D,
    mask: tf.tensor2d(mask, [batch, length]),
    mlmPositions: tf.tensor1d(positions, 'int32'),
    mlmTargets: tf.tensor1d(targets, 'int32'),
    labels: {
      ...Object.fromEntries(tokenLabels.map(([name, labels]) => [name, tf.tensor1d(labels, 'int32')])),
      ...Object.fromEntries(
        Object.keys(first.textLabels).map((name) => [
          name,
          tf.tensor1d(
            indices.map((i) => examples[i].textLabels[name]),
            'int32',
          ),
        ]),
      ),
    },
    maskedCount: positions.length,
  };
}

/** Each row spreads 1 evenly over its distinct regular pieces ([CLS], [SEP], [UNK]… are not words). */
function bagOfWordsTargets(examples: PretrainExample[], indices: number[], tokenizer: WordPieceTokenizer, firstRegularId: number): tf.Tensor2D {
  const vocab = tokenizer.vocabSize;
  const targets = new Float32Array(indices.length * vocab);
  indices.forEach((exampleIndex, row) => {
    const pieces = new Set(examples[exampleIndex].ids.filter((id) => id >= firstRegularId));
    for (const id of pieces) targets[row * vocab + id] = 1 / pieces.size;
  });
  return tf.tensor2d(targets, [indices.length, vocab]);
}

export function disposePretrainBatch(b: PretrainBatch): void {
  tf.dispose([b.ids, b.typeIds, b.mask, b.mlmPositions, b.mlmTargets, ...Object.values(b.labels), ...(b.bagOfWords ? [b.bagOfWords] : [])]);
}
