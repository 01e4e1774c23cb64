// Pre-training examples: a word's label sits on its first word piece only, everything else is -1 (ignored), and
// sentences without a label for an objective carry -1 for it, also in the batch tensors.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SPECIAL_TOKENS, WordPieceTokenizer } from '../../src/core/data/tokenizer';
import { createRng } from '../../src/core/data/random';
import { buildExamples, disposePretrainBatch, makePretrainBatch } from '../../src/core/pretrain/examples';
import type { Objective } from '../../src/core/pretrain/objectives';
import { backendReady } from '../helpers/tiny';

before(backendReady);

const tokenizer = WordPieceTokenizer.fromVocab([...SPECIAL_TOKENS, 'the', 'sky', 'green', '##ish', 'is', '.']);
const id = (piece: string) => tokenizer.vocabList().indexOf(piece);
const tags = ['COLOUR', 'O'];
const objectives: Objective[] = [
  { type: 'masked-lm', name: 'mlm', weight: 1 },
  { type: 'token-classification', name: 'tags', weight: 1, labels: tags, labelOf: (s, w) => tags.indexOf(s.wordLabels?.tags?.[w] ?? '') },
  { type: 'text-classification', name: 'mood', weight: 1, labels: ['calm', 'grim'], labelOf: (s) => ['calm', 'grim'].indexOf(s.labels?.mood ?? '') },
];

test('token labels go on the first word piece of each word; [CLS], [SEP] and later pieces get -1', () => {
  assert.deepEqual(tokenizer.pieceIds('greenish'), [id('green'), id('##ish')]);
  const [labelled, bare] = buildExamples(
    [{ words: ['the', 'greenish', 'sky', '.'], wordLabels: { tags: ['O', 'COLOUR', null, 'O'] }, labels: { mood: 'grim' } }, { words: ['sky', 'is', 'green'] }],
    tokenizer,
    objectives,
    16,
  );
  assert.deepEqual(labelled.ids, [tokenizer.clsId, id('the'), id('green'), id('##ish'), id('sky'), id('.'), tokenizer.sepId]);
  assert.deepEqual(labelled.tokenLabels.tags, [-1, 1, 0, -1, -1, 1, -1]);
  assert.equal(labelled.textLabels.mood, 1);
  assert.deepEqual(bare.tokenLabels.tags, [-1, -1, -1, -1, -1]);
  assert.equal(bare.textLabels.mood, -1);
  assert.deepEqual(Object.keys(labelled.tokenLabels), ['tags'], 'masked-LM needs no per-token labels');

  const batch = makePretrainBatch([labelled, bare], [0, 1], tokenizer, 0.15, createRng(1), SPECIAL_TOKENS.length);
  assert.deepEqual(Array.from(batch.labels.tags.dataSync()), [-1, 1, 0, -1, -1, 1, -1, ...[-1, -1, -1, -1, -1], -1, -1]); // row 2 padded to 7
  assert.deepEqual(Array.from(batch.labels.mood.dataSync()), [1, -1]);
  disposePretrainBatch(batch);
});

test('a word cut by maxLength keeps its label only if its first piece fits', () => {
  const [cut] = buildExamples([{ words: ['the', 'greenish'], wordLabels: { tags: ['O', 'COLOUR'] } }], tokenizer, objectives, 4);
  assert.deepEqual(cut.ids, [tokenizer.clsId, id('the'), id('green'), tokenizer.sepId]);
  assert.deepEqual(cut.tokenLabels.tags, [-1, 1, 0, -1]);
});
