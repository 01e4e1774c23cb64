// WordNet 3.1 knowledge (src/core/data/wordnet.ts): the relations are WordNet's, classes are balanced, the split is
// fixed by seed, and the synsets of the downstream set wordnet-relations never reach the knowledge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORDNET_RELATIONS, isHeldOutSynset, loadWordNet, loadWordNetRelations, wordnetKnowledge } from '../../src/core/data/wordnet';

const POINTERS: Record<string, string[]> = { hypernym: ['@', '@i'], hyponym: ['~', '~i'], antonym: ['!'], meronym: ['%m', '%s', '%p'] };

test('every pair is what WordNet says: the second word is in a synset the first points to with that relation', () => {
  const synsets = loadWordNet();
  const { train } = wordnetKnowledge(3, 1200, 60);
  for (const pair of train) {
    const first = synsets.get(pair.synset)!;
    const [a, , b] = pair.words;
    assert.ok(first.words.includes(a), `${a} is a lemma of ${pair.synset}`);
    const linked = first.pointers.filter((p) => POINTERS[pair.relation]?.includes(p.symbol)).flatMap((p) => synsets.get(p.target)!.words);
    if (pair.relation === 'synonym') assert.ok(first.words.includes(b) && a !== b);
    else if (pair.relation === 'unrelated') assert.ok(!first.words.includes(b) && !first.pointers.some((p) => synsets.get(p.target)!.words.includes(b)));
    else assert.ok(linked.includes(b), `${a} → ${b} is a ${pair.relation} pointer`);
    assert.deepEqual(pair.words.slice(4), first.gloss, 'the context is the first word’s gloss');
  }
});

test('classes are balanced (chance 1/6), and the split is fixed by the seed', () => {
  const a = wordnetKnowledge(1, 600, 120);
  for (const part of [a.train, a.validation, a.test])
    for (const r of WORDNET_RELATIONS) assert.equal(part.filter((p) => p.relation === r).length, part.length / 6, r);
  assert.deepEqual(wordnetKnowledge(1, 600, 120), a);
  assert.notDeepEqual(wordnetKnowledge(2, 600, 120).train, a.train);
});

test('held-out synsets: the knowledge never has a synset of wordnet-relations, and validation/test first synsets are no training pair’s', () => {
  const synsets = loadWordNet();
  const { train, validation, test: testPairs } = wordnetKnowledge(5, 3000, 500);
  const trainSynsets = new Set(train.map((p) => p.synset));
  for (const p of [...validation, ...testPairs]) assert.ok(!trainSynsets.has(p.synset), `${p.synset} is held out of training`);
  for (const p of [...train, ...validation, ...testPairs]) assert.ok(!isHeldOutSynset(p.synset));
  const heldOut = [...synsets.keys()].filter(isHeldOutSynset).length / synsets.size;
  assert.ok(heldOut > 0.2 && heldOut < 0.3, `about a quarter of the synsets are held out (${heldOut})`);
  const downstream = loadWordNetRelations();
  assert.ok(downstream.length > 2500);
  const knowledgeTexts = new Set(train.map((p) => p.words.join(' ')));
  assert.equal(downstream.filter((r) => knowledgeTexts.has(r.text)).length, 0, 'no downstream sentence is a knowledge sentence');
});
