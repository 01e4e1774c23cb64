// WordPiece through @huggingface/tokenizers with a BERT-uncased tokenizer.json: the behaviour of HF's BertTokenizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPECIAL_TOKENS, WordPieceTokenizer, trainWordPieceVocab } from '../../src/core/data/tokenizer';

const vocab = [
  ...SPECIAL_TOKENS,
  'hello',
  'world',
  ',',
  '!',
  "'",
  'don',
  't',
  'un',
  '##want',
  '##ed',
  'cafe',
  'naive',
  'runn',
  '##ing',
  '中',
  '国',
  'x',
  '##y',
];
const tokenizer = WordPieceTokenizer.fromVocab(vocab);

test('lower-cases, strips accents and splits punctuation like BERT-uncased', () => {
  assert.deepEqual(tokenizer.tokenize('Héllo, WORLD!'), ['hello', ',', 'world', '!']);
  assert.deepEqual(tokenizer.tokenize('Café NAÏVE'), ['cafe', 'naive']);
  assert.deepEqual(tokenizer.tokenize("don't"), ['don', "'", 't']);
});

test('greedy longest-match-first pieces with the ## continuation prefix', () => {
  assert.deepEqual(tokenizer.tokenize('unwanted running'), ['un', '##want', '##ed', 'runn', '##ing']);
});

test('a word that cannot be fully covered becomes one [UNK], as in HF', () => {
  assert.deepEqual(tokenizer.tokenize('xyz hello'), ['[UNK]', 'hello']);
  assert.deepEqual(tokenizer.tokenize('xy'), ['x', '##y']);
});

test('CJK characters are split one by one', () => {
  assert.deepEqual(tokenizer.tokenize('中国'), ['中', '国']);
});

test('encode adds [CLS] … [SEP] and truncates keeping [SEP]', () => {
  const ids = (tokens: string[]) => tokens.map((t) => vocab.indexOf(t));
  assert.deepEqual(tokenizer.encode('hello world', 16).ids, ids(['[CLS]', 'hello', 'world', '[SEP]']));
  assert.deepEqual(tokenizer.encode('hello world hello world', 4).ids, ids(['[CLS]', 'hello', 'world', '[SEP]']));
  assert.deepEqual(tokenizer.pieceIds('running'), ids(['runn', '##ing']));
});

test('a trained vocabulary is deterministic, starts with the special tokens and covers its own text without [UNK]', () => {
  const texts = ['The movie was great, really great!', 'Terrible food; the waiter was rude.', 'I loved the acting and the plot.'];
  const a = trainWordPieceVocab(texts, 120);
  assert.deepEqual(a, trainWordPieceVocab(texts, 120));
  assert.deepEqual(a.slice(0, 5), [...SPECIAL_TOKENS]);
  assert.ok(a.length <= 120);
  const t = WordPieceTokenizer.fromVocab(a);
  for (const text of texts) assert.ok(!t.encode(text, 64).ids.includes(t.unkId), text);
  assert.deepEqual(t.vocabList(), a);
});
