// The causal-LM objective: the loss is each token's negative log-likelihood given the tokens before it, padding
// changes nothing, and it trains — the whole decoder, or a LoRA adapter on the frozen one (whose base stays
// bit-identical) — until greedy generation continues a pattern it was shown.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { AdapterSpecOf } from '../../src/core/config/types';
import { LoraAdapter } from '../../src/core/adapters/modules/lora';
import { AdapterSetup } from '../../src/core/composition/setup';
import { generateTokens } from '../../src/core/generate/generate';
import { causalLmLoss, disposeLmBatch, lmBatch, perplexity } from '../../src/core/model/causalLm';
import { type DecoderForwardOptions, Gpt2Decoder, initGpt2Weights } from '../../src/core/model/gpt2';
import { Weights } from '../../src/core/model/weights';
import { AdamW, decays } from '../../src/core/train/adamw';
import { optimizerStep } from '../../src/core/train/step';
import { backendReady } from '../helpers/tiny';
import { TINY_GPT, tinyDecoder } from '../helpers/tinyDecoder';

before(backendReady);

const INFERENCE: DecoderForwardOptions = { trainBase: false, dropoutRate: 0, dropoutSeed: null };
const A = [3, 7, 1, 12, 5, 9];
const B = [4, 2, 8];

/** −log p(next | before), averaged over the sequence's predictions, from the logits of a plain forward pass. */
function handLoss(decoder: Gpt2Decoder, s: number[]): number {
  const logits = tf.tidy(() => decoder.logits(decoder.forward(tf.tensor2d([s], undefined, 'int32'), INFERENCE)).arraySync() as number[][]);
  let nats = 0;
  for (let t = 0; t + 1 < s.length; t++) {
    const row = logits[t];
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    nats += logSum - row[s[t + 1]];
  }
  return nats / (s.length - 1);
}

function loss(decoder: Gpt2Decoder, sequences: number[][], opts = INFERENCE): number {
  const batch = lmBatch(sequences);
  const value = tf.tidy(() => causalLmLoss(decoder, batch, opts).dataSync()[0]);
  disposeLmBatch(batch);
  return value;
}

test('the loss is the mean next-token negative log-likelihood, and right padding changes nothing', () => {
  const decoder = tinyDecoder();
  const [a, b] = [handLoss(decoder, A), handLoss(decoder, B)];
  assert.ok(a > 0.5, 'a random model is unsure');
  assert.ok(Math.abs(loss(decoder, [A]) - a) < 1e-4);
  const pooled = (a * (A.length - 1) + b * (B.length - 1)) / (A.length + B.length - 2);
  assert.ok(Math.abs(loss(decoder, [A, B]) - pooled) < 1e-4, 'B padded to A’s length: its padding is neither read nor scored');
  assert.ok(Math.abs(perplexity(decoder, [A, B], 1) - Math.exp(pooled)) < 1e-3 * Math.exp(pooled), 'perplexity pools tokens over batches');
  assert.ok(Math.abs(perplexity(decoder, [A, B], 2) - perplexity(decoder, [A, B], 1)) < 1e-3 * Math.exp(pooled));
});

/** Sequences that count upward modulo 10 from every start: a pattern a model can learn in a few dozen steps. */
const COUNTING = Array.from({ length: 10 }, (_, start) => Array.from({ length: 8 }, (_, i) => (start + i) % 10));

function train(decoder: Gpt2Decoder, variables: [string, tf.Variable][], opts: () => DecoderForwardOptions, steps: number, learningRate: number): void {
  const optimizer = new AdamW(
    variables.map(([name, variable]) => ({ name, variable, decay: decays(name) })),
    0,
  );
  const batch = lmBatch(COUNTING);
  for (let step = 0; step < steps; step++) {
    const result = optimizerStep(
      () => {
        const total = causalLmLoss(decoder, batch, opts());
        return { total, parts: {} };
      },
      variables.map(([, v]) => v),
      optimizer,
      1,
      learningRate,
    );
    assert.equal(result.diverged, false);
  }
  disposeLmBatch(batch);
}

const fresh = () => new Gpt2Decoder(TINY_GPT, new Weights(initGpt2Weights(TINY_GPT, 4)));

test('full training of the decoder learns to count: the loss falls and greedy generation continues the count', () => {
  const decoder = fresh();
  const before = loss(decoder, COUNTING);
  train(decoder, decoder.weights.entries(), () => ({ trainBase: true, dropoutRate: 0, dropoutSeed: null }), 60, 1e-2);
  const after = loss(decoder, COUNTING);
  assert.ok(after < 0.3 * before, `loss ${before} → ${after}`);
  const continued = [...generateTokens(decoder, [2, 3, 4], { temperature: 0, topK: 0, topP: 1, maxTokens: 4, seed: 1, stopId: null })];
  assert.deepEqual(continued, [5, 6, 7, 8]);
});

test('a LoRA adapter trained as a language model on the frozen decoder lowers the loss; the base stays bit-identical', () => {
  const decoder = tinyDecoder(4);
  const base = decoder.weights.snapshot();
  const spec: AdapterSpecOf<'lora'> = {
    name: 'count',
    method: 'lora',
    task: 'lm',
    leaveOut: [],
    r: 4,
    alpha: 8,
    attnMatrices: ['q', 'v'],
    intermediateLora: true,
    outputLora: true,
  };
  const lora = new LoraAdapter(spec, { hiddenSize: TINY_GPT.hiddenSize, intermediateSize: TINY_GPT.intermediateSize, layers: TINY_GPT.layers }, 2);
  const setup = AdapterSetup.single(lora, TINY_GPT.layers);
  const withAdapter = () => ({ trainBase: false, dropoutRate: 0, dropoutSeed: null, ...setup.forwardOptions(0, null) });
  const before = loss(decoder, COUNTING, withAdapter());
  train(decoder, lora.weights.entries(), withAdapter, 60, 3e-2);
  const after = loss(decoder, COUNTING, withAdapter());
  assert.ok(after < 0.7 * before, `loss ${before} → ${after}`);
  for (const [name, { data }] of decoder.weights.snapshot()) assert.deepEqual(data, base.get(name)!.data, `base weight ${name} changed`);
});

test('weight decay skips biases and LayerNorms under GPT-2 names too, as under BERT names', () => {
  assert.deepEqual(['transformer.h.0.ln_1.weight', 'transformer.h.11.ln_2.weight', 'transformer.ln_f.weight', 'transformer.h.0.attn.c_attn.bias'].map(decays), [
    false,
    false,
    false,
    false,
  ]);
  assert.deepEqual(['transformer.wte.weight', 'transformer.h.0.mlp.c_fc.weight', 'bert.embeddings.LayerNorm.weight'].map(decays), [true, true, false]);
});
