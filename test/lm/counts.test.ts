// A decoder base counts its own weights (not an encoder's of the same shape), and the comparison table shows a
// causal-lm task's test perplexity instead of accuracy / F1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseParamCounts } from '../../src/core/parameters/counts';
import { gpt2WeightShapes } from '../../src/core/model/gpt2Shapes';
import { comparisonTable } from '../../src/cli/report';
import type { RunSummary } from '../../src/common/runRecord';

test('a GPT-2 base counts its tables, blocks and final LayerNorm', () => {
  const c = {
    hiddenSize: 16,
    layers: 2,
    heads: 2,
    intermediateSize: 32,
    vocabSize: 300,
    maxPositions: 48,
    layerNormEps: 1e-5,
    typeVocabSize: 0,
    modelType: 'gpt2',
  };
  const counts = baseParamCounts(c);
  const expected = [...gpt2WeightShapes({ ...c, activation: 'gelu_new', eosTokenId: null }).values()].reduce(
    (s, shape) => s + shape.reduce((a, b) => a * b, 1),
    0,
  );
  assert.equal(counts.total, expected);
  assert.equal(counts.embeddings, 300 * 16 + 48 * 16);
  assert.equal(counts.pooler, 2 * 16, 'ln_f');
  // Per block: 2 LayerNorms, c_attn, c_proj, c_fc, mlp.c_proj.
  assert.equal(counts.perLayer[0], 4 * 16 + (16 * 48 + 48) + (16 * 16 + 16) + (16 * 32 + 32) + (32 * 16 + 16));
});

test('the comparison table shows perplexity for causal-lm runs', () => {
  const summary = (name: string, perplexity: number, trainable: number): RunSummary =>
    ({
      id: name,
      name,
      type: name.startsWith('full') ? 'full' : 'adapter',
      status: 'completed',
      backend: 'test',
      base: 'b',
      test: { positive: { accuracy: 0.3, macroF1: 0.3, loss: Math.log(perplexity), count: 10, perplexity } },
      validation: {},
      bestEpoch: 1,
      steps: 1,
      totalParams: 1000,
      trainableParams: trainable,
      trainablePercent: trainable / 10,
      bytesOnDisk: 1,
      bytesPerTask: { positive: 4 * trainable },
      msPerStep: 1,
      inferenceMsPerExample: 1,
      paddingShare: 0,
      wallMs: 1,
    }) as RunSummary;
  const table = comparisonTable(
    [
      { label: 'adapter:positive', summary: summary('adapter:positive', 41.25, 10) },
      { label: 'full:positive', summary: summary('full:positive', 38.5, 1000) },
    ],
    { markdown: true },
  );
  assert.match(table, /positive perplexity/);
  assert.match(table, /\| adapter:positive \| 41\.3 \|/);
  assert.doesNotMatch(table, /acc \/ F1/);
});
