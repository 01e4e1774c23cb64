// Knowledge runs of K-adapters: part of speech on Brown sentences held apart for validation and test, a tagging head
// on [base; K-adapter] at each word's first piece, and training that leaves the base bit-identical.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWLEDGE_LABELS } from '../../src/core/adapters/methods/kAdapter';
import { KAdapter } from '../../src/core/adapters/modules/kAdapter';
import type { AdapterSpecOf } from '../../src/core/config/types';
import { POS_TAGS } from '../../src/core/data/corpora';
import { WordPieceTokenizer, trainWordPieceVocab } from '../../src/core/data/tokenizer';
import { adapterHeadParams } from '../../src/core/parameters/counts';
import { KnowledgeTagger, evaluateTagger, knowledgeData, trainTagger } from '../../src/core/run/knowledge';
import { TINY, backendReady, tinyEncoder } from '../helpers/tiny';

before(backendReady);

const SPEC: AdapterSpecOf<'k-adapter'> = {
  name: 'ling',
  method: 'k-adapter',
  task: 'pos',
  leaveOut: [],
  knowledge: 'pos',
  knowledgeExamples: 48,
  readLayers: [0, 2],
  transformerLayers: 1,
  adapterSize: 4,
  heads: 2,
  intermediateSize: 6,
  initStd: 0.0002,
};

const tokenizer = WordPieceTokenizer.fromVocab(trainWordPieceVocab(['the cat sat on the mat .', 'a dog ran to the park , fast'], 60));
const data = knowledgeData('pos', tokenizer, 16, 7, SPEC.knowledgeExamples);

test('pos knowledge: 1,000 validation and 1,000 test sentences apart from the training ones, a label on each word’s first piece', () => {
  assert.equal(KNOWLEDGE_LABELS.pos, POS_TAGS.length, 'the head count in inspect follows the tag set');
  assert.equal(adapterHeadParams(SPEC, 8, 2), 2 * 8 * POS_TAGS.length + POS_TAGS.length);
  assert.equal(data.validation.length, 1000);
  assert.equal(data.test.length, 1000);
  assert.equal(data.train.length, 48);
  assert.deepEqual(knowledgeData('pos', tokenizer, 16, 7, 48).train, data.train, 'the same seed draws the same sentences');
  for (const e of [...data.train, ...data.validation]) {
    const labels = e.tokenLabels.pos;
    assert.equal(labels.length, e.ids.length);
    assert.equal(labels[0], -1, '[CLS] has no label');
    assert.equal(labels[labels.length - 1], -1, '[SEP] has no label');
    assert.ok(labels.every((l) => l >= -1 && l < POS_TAGS.length));
  }
  assert.ok(
    data.train.some((e) => e.tokenLabels.pos.some((l, i) => i > 0 && l === -1 && e.ids[i] !== tokenizer.sepId)),
    'later pieces of a word have none',
  );
});

test('a knowledge run trains the K-adapter and its tagging head; the base stays bit-identical', async () => {
  const config = { ...TINY, vocabSize: tokenizer.vocabSize };
  const encoder = tinyEncoder(3, config);
  const before = encoder.weights.snapshot();
  const adapter = new KAdapter(SPEC, config, 5);
  const initial = adapter.weights.snapshot();
  const model = new KnowledgeTagger(encoder, adapter, 'pos', data.labels, 9);
  const small = { ...data, validation: data.validation.slice(0, 32), test: data.test.slice(0, 32) };
  const options = {
    epochs: 2,
    batchSize: 8,
    learningRate: 1e-2,
    warmupRatio: 0,
    weightDecay: 0,
    maxGradNorm: 1,
    dropout: 0.1,
    maxLength: 16,
    logEvery: 2,
    earlyStoppingPatience: 0,
  };
  const losses: number[] = [];
  const outcome = await trainTagger(model, small, options, 1, tokenizer.padId, {
    progress: (e) => losses.push(e.loss),
    evaluated() {},
    improved() {},
    cancelled: () => false,
  });
  assert.equal(outcome.status, 'completed');
  assert.equal(outcome.steps, 12);
  assert.equal(outcome.trainableParams, adapter.weights.size() + model.head.size());
  const labelled = small.test.reduce((n, e) => n + e.tokenLabels.pos.filter((l) => l >= 0).length, 0);
  assert.equal(outcome.test!.pos.count, labelled, 'accuracy counts labelled tokens only');
  assert.deepEqual(evaluateTagger(model, small.test, 8, tokenizer.padId), outcome.test!.pos, 'the best epoch’s weights were restored');
  const now = adapter.weights.snapshot();
  assert.ok(
    [...now].some(([n, { data: v }]) => v.some((x, i) => x !== initial.get(n)!.data[i])),
    'the K-adapter trained',
  );
  for (const [name, { data: values }] of encoder.weights.snapshot())
    assert.ok(
      values.every((v, i) => v === before.get(name)!.data[i]),
      name,
    );
});
