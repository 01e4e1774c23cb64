// The tone objective: each sentence's polarity from the AFINN lexicon (the sign of its summed word scores, negation
// flipping a word), as a text-classification objective on every corpus; a short pre-training with it alone makes the
// pooled sentence tell the classes apart better than always naming the commonest one.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { POLARITY_LABELS, loadSentenceTone } from '../../src/core/data/corpora';
import { SPECIAL_TOKENS, WordPieceTokenizer } from '../../src/core/data/tokenizer';
import { buildExamples } from '../../src/core/pretrain/examples';
import { resolveObjectives } from '../../src/core/pretrain/objectives';
import { loadPretrainCorpus } from '../../src/core/pretrain/corpus';
import { backendReady } from '../helpers/tiny';
import { runSmallPretraining, smallPretrainConfig } from '../helpers/pretrain';

before(backendReady);

const label = (name: (typeof POLARITY_LABELS)[number]) => POLARITY_LABELS.indexOf(name);

test('tone: the sign of the AFINN sum, with a negator flipping the next word', () => {
  const tone = loadSentenceTone();
  assert.equal(tone('The food was good.'), label('positive'));
  assert.equal(tone('The food was not good.'), label('negative'), '"not good" scores -3');
  assert.equal(tone("I don't like it"), label('negative'));
  assert.equal(tone('The table has four legs.'), label('neutral'), 'no word in the lexicon');
  assert.equal(tone('Good acting, terrible plot, awful music.'), label('negative'), 'good +3, terrible -3, awful -3');
  assert.equal(tone('Good acting, bad plot.'), label('neutral'), '+3 - 3 = 0');
});

test('tone labels each sentence once, from its raw text when it has one (the reviews) or from its words (Brown)', () => {
  const config = smallPretrainConfig('tone', 10);
  const { corpus } = loadPretrainCorpus(config);
  const objectives = resolveObjectives(config, corpus!);
  assert.equal(objectives.length, 1);
  const [tone] = objectives;
  assert.equal(tone.type, 'text-classification');
  assert.ok(tone.type === 'text-classification');
  assert.deepEqual(tone.labels, POLARITY_LABELS);
  assert.equal(tone.recallExcept, label('neutral'), 'held-out recall on polar sentences is reported');
  const tokenizer = WordPieceTokenizer.fromVocab([...SPECIAL_TOKENS, 'it', 'was', 'not', 'good', 'great', '.']);
  const sentences = [{ words: ['it', 'was', 'not', 'good'] }, { words: [], text: "I don't like it." }, { words: ['It', 'was', '.'] }];
  const examples = buildExamples(sentences, tokenizer, objectives, 16);
  assert.deepEqual(
    examples.map((e) => e.textLabels.tone),
    [label('negative'), label('negative'), label('neutral')],
  );
});

test('pre-training with tone alone: held-out accuracy beats always naming the commonest tone', async () => {
  const { corpus, evaluations } = await runSmallPretraining(smallPretrainConfig('tone', 300));
  const tone = loadSentenceTone();
  const counts = [0, 0, 0];
  for (const s of corpus.heldOut) counts[tone(s.text ?? s.words.join(' '))]++;
  const commonestShare = Math.max(...counts) / corpus.heldOut.length;
  const heldOut = evaluations.at(-1)!.metrics;
  assert.equal(heldOut.tone.count, corpus.heldOut.length, 'every held-out sentence has a tone');
  assert.ok(
    heldOut.tone.accuracy > commonestShare + 0.08,
    `held-out accuracy ${heldOut.tone.accuracy.toFixed(3)} vs ${commonestShare.toFixed(3)} for the commonest tone`,
  );
  assert.ok(heldOut['tone-recall'].accuracy > 0.5, `recall on polar sentences ${heldOut['tone-recall'].accuracy.toFixed(3)}`);
});
