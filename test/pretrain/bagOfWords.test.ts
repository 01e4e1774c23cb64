// The bag-of-words objective: its targets spread 1 evenly over a sentence's distinct word pieces, its loss is the
// cross-entropy against them (checked against plain JS), its held-out "accuracy" is precision at 1, and a short
// pre-training with it makes the pooled sentence predict its own words better than any guess blind to the sentence.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { SPECIAL_TOKENS, WordPieceTokenizer } from '../../src/core/data/tokenizer';
import { createRng } from '../../src/core/data/random';
import { buildExamples, disposePretrainBatch, makePretrainBatch } from '../../src/core/pretrain/examples';
import { bagOfWordsHitLabels, bagOfWordsLoss } from '../../src/core/pretrain/model';
import { backendReady } from '../helpers/tiny';
import { runSmallPretraining, smallPretrainConfig } from '../helpers/pretrain';
import { loadEncoderCheckpoint } from '../../src/core/io/hfEncoder';
import type { LabelledSentence } from '../../src/core/data/corpora';

before(backendReady);

const tokenizer = WordPieceTokenizer.fromVocab([...SPECIAL_TOKENS, 'the', 'sky', 'green', '##ish', 'is', '.']);
const id = (piece: string) => tokenizer.vocabList().indexOf(piece);

test('bag-of-words targets: 1/n on each distinct piece of the unmasked sentence, none on special tokens', () => {
  const examples = buildExamples(
    [{ words: ['the', 'sky', 'the', 'greenish'] }, { words: ['qwerty'] }],
    tokenizer,
    [{ type: 'bag-of-words', name: 'bow', weight: 1 }],
    16,
  );
  const batch = makePretrainBatch(examples, [0, 1], tokenizer, 0.9, createRng(3), SPECIAL_TOKENS.length, true);
  const targets = batch.bagOfWords!.arraySync();
  const expected = new Array(tokenizer.vocabSize).fill(0);
  for (const piece of ['the', 'sky', 'green', '##ish']) expected[id(piece)] = 0.25; // "the" twice: counted once
  assert.deepEqual(targets[0], expected, 'masking the input does not change the targets');
  assert.deepEqual(targets[1], new Array(tokenizer.vocabSize).fill(0), 'a sentence of unknown words has no target');
  disposePretrainBatch(batch);
  const without = makePretrainBatch(examples, [0, 1], tokenizer, 0.15, createRng(3), SPECIAL_TOKENS.length);
  assert.equal(without.bagOfWords, undefined, 'built only when an objective needs them');
  disposePretrainBatch(without);
});

test('bag-of-words loss and hit labels equal a plain-JS computation', () => {
  const logits = [
    [2, -1, 0.5, 3],
    [0, 0, 1, -2],
  ];
  const targets = [
    [0.5, 0, 0, 0.5],
    [0, 1, 0, 0],
  ];
  const rowLoss = (z: number[], t: number[]) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z.reduce((s, v, i) => s + v * t[i], 0);
  const expected = (rowLoss(logits[0], targets[0]) + rowLoss(logits[1], targets[1])) / 2;
  const loss = bagOfWordsLoss(tf.tensor2d(logits), tf.tensor2d(targets));
  assert.ok(Math.abs(loss.dataSync()[0] - expected) < 1e-5, `${loss.dataSync()[0]} vs ${expected}`);
  // Row 0 predicts piece 3, which the sentence has: its label is 3 (a hit). Row 1 predicts 2, absent: label 1 (a miss).
  assert.deepEqual(Array.from(bagOfWordsHitLabels(tf.tensor2d(logits), tf.tensor2d(targets)).dataSync()), [3, 1]);
});

test('pre-training with bow alone: the pooled sentence predicts its own pieces better than any constant guess', async () => {
  const config = smallPretrainConfig('bow', 400);
  const { corpus, losses, evaluations } = await runSmallPretraining(config);
  const early = losses.slice(0, 2).reduce((a, b) => a + b) / 2;
  const late = losses.slice(-2).reduce((a, b) => a + b) / 2;
  assert.ok(late < early - 0.3, `training loss ${early.toFixed(3)} → ${late.toFixed(3)}`);

  // Baselines from the held-out sentences themselves: the best constant prediction (their mean target, which knows
  // nothing of the sentence) and always naming the commonest piece. The model must beat both.
  const { tokenizer: trained } = loadEncoderCheckpoint(config.output);
  assert.ok(trained instanceof WordPieceTokenizer, 'pre-training writes a WordPiece tokenizer');
  const asWords = (s: LabelledSentence) => (s.text === undefined ? s : { ...s, words: trained.words(s.text) });
  const targets = buildExamples(corpus.heldOut.map(asWords), trained, [{ type: 'bag-of-words', name: 'bow', weight: 1 }], config.maxLength)
    .map((e) => [...new Set(e.ids.filter((i) => i >= SPECIAL_TOKENS.length))])
    .filter((pieces) => pieces.length > 0);
  const mean = new Float64Array(trained.vocabSize);
  for (const pieces of targets) for (const p of pieces) mean[p] += 1 / pieces.length / targets.length;
  const constantLoss = targets.reduce((sum, pieces) => sum - pieces.reduce((s, p) => s + Math.log(mean[p]) / pieces.length, 0), 0) / targets.length;
  const counts = new Map<number, number>();
  for (const pieces of targets) for (const p of pieces) counts.set(p, (counts.get(p) ?? 0) + 1);
  const commonestShare = Math.max(...counts.values()) / targets.length;
  const heldOut = evaluations.at(-1)!.metrics.bow;
  assert.ok(heldOut.loss < constantLoss - 0.1, `held-out loss ${heldOut.loss.toFixed(3)} vs ${constantLoss.toFixed(3)} for the best constant prediction`);
  assert.ok(
    heldOut.accuracy > commonestShare + 0.03,
    `held-out precision at 1: ${heldOut.accuracy.toFixed(3)} vs ${commonestShare.toFixed(3)} always naming the commonest piece`,
  );
});
