// The byte-level BPE trainer: merges follow pair counts (checked by hand on a small corpus), and the trained
// tokenizer round-trips any UTF-8 text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { END_OF_TEXT, bpeTokenizerOf, byteLevelPieces, byteToUnicode, trainByteLevelBpe } from '../../src/core/data/bpeTrainer';

test("bytes map to GPT-2's printable characters: a space is Ġ, a newline Ċ", () => {
  const chars = byteToUnicode();
  assert.equal(chars[0x20], 'Ġ');
  assert.equal(chars[0x0a], 'Ċ');
  assert.equal(chars[0x41], 'A');
  assert.equal(new Set(chars).size, 256);
});

test("pieces follow GPT-2's pre-tokeniser: a word keeps its leading space, contractions split off", () => {
  assert.deepEqual(byteLevelPieces("I don't  like it!"), ['I', 'Ġdon', "'t", 'Ġ', 'Ġlike', 'Ġit', '!']);
});

test('merges reproduce the most frequent pairs of a small corpus, in order', () => {
  // Pieces: "low" ×2, " low" ×3, " lower" ×1 → pair counts: (l,o)=6 … "Ġ l" 4, "o w" 6, "l o" 6.
  const { merges, vocab } = trainByteLevelBpe(['low low low low low lower'], 256 + 4);
  // (l,o) and (o,w) both occur 6 times: ties go to the pair whose tokens sort first ("l" < "o").
  assert.deepEqual(merges.slice(0, 3), [
    ['l', 'o'],
    ['lo', 'w'],
    ['Ġ', 'low'],
  ]);
  assert.equal(Object.keys(vocab).length, 256 + 4);
  assert.equal(vocab[END_OF_TEXT], 256 + 3);
  assert.equal(vocab['Ġlow'], 256 + 2);
});

test('stops early when no pair occurs twice', () => {
  const { merges } = trainByteLevelBpe(['abc'], 1000);
  assert.equal(merges.length, 0);
});

test('the trained tokenizer round-trips arbitrary UTF-8 and uses its merges', () => {
  const corpus = ['The food was great and the service was great.', 'Terrible food, rude service.', 'great great great'];
  const tokenizer = bpeTokenizerOf(trainByteLevelBpe(corpus, 300));
  for (const text of ['The food was great.', 'naïve café — 東京 🍣!\n\ttabs  and  spaces ', "it's 42°C", '']) {
    assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
  }
  const ids = tokenizer.encode(' great');
  assert.equal(ids.length, 1, 'a frequent word is one token');
  // The corpus runs out of repeated pairs before 300 tokens; <|endoftext|> is always last.
  assert.ok(tokenizer.vocabSize > 260 && tokenizer.vocabSize <= 300);
  assert.equal(tokenizer.endOfTextId, tokenizer.vocabSize - 1);
});
