// The shipped base model loads through the same Hugging Face loader users' checkpoints go through.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { builtinModelDir } from '../../src/core/io/builtinModels';
import { loadEncoderCheckpoint } from '../../src/core/io/hfEncoder';
import { WordPieceTokenizer } from '../../src/core/data/tokenizer';
import { backendReady } from '../helpers/tiny';

before(backendReady);

test('builtin:lab-base is found, loads with every tensor checked, and its tokenizer covers the review sentences', () => {
  const dir = builtinModelDir('lab-base');
  assert.ok(dir, 'models/lab-base is missing');
  const base = loadEncoderCheckpoint(dir);
  assert.deepEqual([base.config.layers, base.config.hiddenSize, base.config.heads], [2, 128, 4]);
  assert.equal(base.notes.length, 0, 'the shipped base has every tensor, the pooler included');
  assert.ok(base.tokenizer instanceof WordPieceTokenizer, 'the shipped base has a WordPiece tokenizer');
  const ids = base.tokenizer.encode('The food was absolutely wonderful, from preparation to presentation.', 64).ids;
  assert.ok(!ids.includes(base.tokenizer.unkId));
  const record = JSON.parse(fs.readFileSync(path.join(dir, 'pretraining.json'), 'utf8'));
  assert.equal(record.steps, record.config.steps, 'the shipped base finished its pre-training');
});
