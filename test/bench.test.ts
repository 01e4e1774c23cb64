// The benchmark's own logic (not its timings): FLOP counting, medians, and that every workload runs without
// leaving tensors behind.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { countFlops } from '../bench/flops';
import { interleaved, median } from '../bench/measure';
import { type BenchModel, MODELS, buildEncoder, syntheticBatch, syntheticExamples } from '../bench/models';
import { workloads } from '../bench/workloads';
import { type PaddingResult, benchPadding } from '../bench/padding';
import type { ModelResult } from '../bench/child';
import { BERT_BASE_STEPS, bertBaseEpochMinutes } from '../bench/report';
import { backendReady } from './helpers/tiny';

before(backendReady);

test('FLOPs: a tiny forward pass counted by hand; full fine-tuning is 3× the forward; head-only adds only the head', () => {
  const m = MODELS.tiny;
  const n = m.batch * m.length;
  const d = 128;
  const perLayer = 4 * 2 * n * d * d + 2 * 2 * n * d * 512 + 2 * 2 * n * m.length * d;
  const head = 2 * m.batch * d * d + 2 * m.batch * d * m.labels;
  const forward = 2 * perLayer + head;
  assert.equal(countFlops(m, { kind: 'forward', adapter: null }), forward);
  assert.equal(countFlops(m, { kind: 'train', adapter: null, trainBase: true }), 3 * forward);
  // Head-only: the first head layer needs no input gradient, the second both.
  assert.equal(countFlops(m, { kind: 'train', adapter: null, trainBase: false }), forward + 2 * m.batch * d * d + 2 * 2 * m.batch * d * m.labels);
  const houlsby = countFlops(m, { kind: 'train', adapter: 'houlsby', trainBase: false });
  const pfeiffer = countFlops(m, { kind: 'train', adapter: 'pfeiffer', trainBase: false });
  const lora = countFlops(m, { kind: 'train', adapter: 'lora', trainBase: false });
  assert.ok(
    pfeiffer < houlsby && houlsby < lora && lora < 3 * forward,
    'adapters backpropagate less than full fine-tuning; lora from the first projection, pfeiffer from the first FFN',
  );
});

test('median of odd and even counts', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('interleaved timing runs every variant warm-up + repeats times', () => {
  const calls = [0, 0];
  const variants = calls.map((_, i) => ({ run: () => void calls[i]++ }));
  const timings = interleaved(variants, 1, 3);
  assert.deepEqual(calls, [4, 4]);
  assert.equal(timings.get(variants[0])?.cpuSamplesMs.length, 3);
});

test('every workload (forward, full, each adapter method, head-only, from the prefix cache, stock attention) runs and leaves no tensors behind', () => {
  const small: BenchModel = {
    name: 'tiny',
    config: { ...MODELS.tiny.config, hiddenSize: 32, intermediateSize: 64, vocabSize: 50 },
    batch: 3,
    length: 7,
    labels: 2,
  };
  const encoder = buildEncoder(small);
  const batch = syntheticBatch(small);
  const list = workloads(small, encoder, batch, true, syntheticExamples(small));
  const names = ['forward', 'full', 'houlsby', 'pfeiffer', 'lora', 'forward+lora', 'head-only', 'full/batched', 'houlsby+cache', 'head-only+cache'];
  assert.ok(names.every((name) => list.some((w) => w.name === name)));
  for (const w of list) {
    w.run();
    const tensors = tf.memory().numTensors;
    w.run();
    assert.equal(tf.memory().numTensors, tensors, `${w.name} leaked tensors`);
  }
  list.forEach((w) => w.dispose());
});

test('padding of the README example: length-bucketed batches pad far less than shuffled ones or maxLength', () => {
  const p = benchPadding(3);
  const [toMax, shuffled, bucketed] = p.ways.map((w) => w.paddingShare);
  assert.equal(p.examples, 2100);
  assert.ok(bucketed < 0.1 && bucketed < shuffled && shuffled < toMax, JSON.stringify(p.ways));
  assert.ok(p.ways[2].meanPaddedLength < 2 * p.medianTokens);
});

test('a model measured with `only` runs just those steps (the bert-base job: forward, houlsby, lora)', () => {
  const m = MODELS.tiny;
  const encoder = buildEncoder(m);
  const runnables = workloads(m, encoder, syntheticBatch(m), true, syntheticExamples(m), [...BERT_BASE_STEPS]);
  assert.deepEqual(
    runnables.map((r) => r.name),
    ['forward', 'houlsby', 'lora'],
  );
  runnables.forEach((r) => r.dispose());
  encoder.weights.dispose();
  assert.deepEqual([MODELS['bert-base'].config.layers, MODELS['bert-base'].config.hiddenSize, MODELS['bert-base'].length], [12, 768, 128]);
});

test("bert-base minutes per epoch: each step's CPU ms per position × the example's padded positions, plus one validation pass", () => {
  const timing = (cpuMs: number) => ({ cpuMs, wallMs: cpuMs, gflops: 0, leakedTensors: 0 }) as unknown as ModelResult['variants'][string];
  const bert = { variants: { forward: timing(1024), houlsby: timing(3072), lora: timing(2048) } } as unknown as ModelResult;
  const padding = { examples: 2000, ways: [{ name: 'bucketed', paddingShare: 0.1, meanPaddedLength: 20 }] } as unknown as PaddingResult;
  // 8 × 128 = 1024 positions per measured step: forward 1 ms, houlsby 3 ms, lora 2 ms per position
  const epoch = bertBaseEpochMinutes(bert, padding, 500);
  assert.ok(Math.abs(epoch.houlsby - (20 * (2000 * 3 + 500 * 1)) / 60_000) < 1e-9);
  assert.ok(Math.abs(epoch.lora - (20 * (2000 * 2 + 500 * 1)) / 60_000) < 1e-9);
});
