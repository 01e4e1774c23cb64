// Merged inference (adapters/mergedInference.ts): during Classifier.inference a LoRA / IA³ / ARC adapter runs folded
// into the frozen weights. Same logits as the unmerged forward, nothing leaked, and training — inside or after an
// inference pass — still reaches the adapter, whose update the next inference pass sees.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { AdapterModule } from '../../src/core/adapters/modules/module';
import { createAdapter } from '../../src/core/adapters/modules/index';
import type { AdapterSpec } from '../../src/core/config/types';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { crossEntropy } from '../../src/core/model/ops';
import { AdamW } from '../../src/core/train/adamw';
import { train } from '../../src/core/train/loop';
import { TINY, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

const common = { task: 't', leaveOut: [] as number[] };
const SPECS: Record<'lora' | 'ia3' | 'arc', AdapterSpec> = {
  lora: { ...common, name: 'lo', method: 'lora', r: 2, alpha: 4, attnMatrices: ['q', 'v'], intermediateLora: true, outputLora: false },
  ia3: { ...common, name: 'ia', method: 'ia3', r: 1, alpha: 1, attnMatrices: ['k', 'v'], intermediateLora: true, outputLora: false },
  arc: { ...common, name: 'ar', method: 'arc', bottleneckSize: 3, reductionFactor: 16 },
};
// Dense layers each adapts (per layer): lora q, v, intermediate; ia3 k, v, intermediate; arc q, k, v, attention output.
const SITES_PER_LAYER = { lora: 3, ia3: 3, arc: 4 };

function perturb(module: AdapterModule, seed = 1): void {
  module.weights.entries().forEach(([, v], i) => v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.3, 'float32', seed + i)))));
}

function model(method: keyof typeof SPECS): { model: Classifier; module: AdapterModule; dispose(): void } {
  const module = createAdapter(SPECS[method], TINY, 3);
  perturb(module);
  const encoder = tinyEncoder(2);
  const head = new ClassificationHead('t', ['no', 'yes'], 'mean', TINY.hiddenSize, 4);
  return {
    model: new Classifier(encoder, [head], module, false),
    module,
    dispose: () => [encoder.weights, module.weights, head.weights].forEach((w) => w.dispose()),
  };
}

const logits = (m: Classifier) => tf.tidy(() => m.logits(tinyInput(), 0, null)[0].arraySync());
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r][i]))));

for (const method of ['lora', 'ia3', 'arc'] as const) {
  test(`${method}: inside an inference pass the merged weights are used, with the unmerged forward's logits`, () => {
    const { model: m, dispose } = model(method);
    const unmerged = logits(m);
    const outside = tf.memory().numTensors;
    let merged: number[][] = [];
    let held = 0;
    m.inference(() => {
      held = tf.memory().numTensors - outside;
      merged = logits(m);
    });
    assert.equal(held, 2 * SITES_PER_LAYER[method] * TINY.layers, 'a merged weight and bias per adapted dense layer');
    assert.ok(maxDiff(merged, unmerged) < 1e-5, `max difference ${maxDiff(merged, unmerged)}`);
    dispose();
  });
}

test('repeated inference passes leave no tensors behind', () => {
  const { model: m, dispose } = model('lora');
  m.inference(() => logits(m)); // first use of each kernel may allocate once
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) m.inference(() => [logits(m), logits(m)]);
  assert.equal(tf.memory().numTensors, before);
  dispose();
});

test('lora: a training step inside an inference pass still gets gradients for A and B; the next pass sees the update', () => {
  const { model: m, module, dispose } = model('lora');
  const variables = module.weights.entries().map(([, v]) => v);
  const optimizer = new AdamW(
    module.weights.entries().map(([name, variable]) => ({ name, variable, decay: false })),
    0,
  );
  const initial = module.weights.snapshot();
  const labels = tf.tensor1d([0, 1], 'int32');
  const first = m.inference(() => {
    const out = logits(m);
    // A training pass (dropout seed set) while the merged weights exist must take the unmerged path.
    const { value, grads } = tf.variableGrads(() => crossEntropy(m.logits(tinyInput(), 0, 1)[0], labels), variables);
    for (const v of variables) assert.ok(tf.tidy(() => tf.norm(grads[v.name]).dataSync()[0]) > 0, `gradient of ${v.name}`);
    optimizer.clipAndStep(
      variables.map((v) => grads[v.name]),
      1,
      0.1,
    );
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  });
  for (const [name, { data }] of module.weights.snapshot())
    assert.ok(
      data.some((x, i) => x !== initial.get(name)!.data[i]),
      `${name} updated`,
    );
  const unmerged = logits(m);
  const second = m.inference(() => logits(m));
  assert.ok(maxDiff(second, unmerged) < 1e-5, 'the new pass merges the updated weights');
  assert.ok(maxDiff(second, first) > 5e-5, `and differs from the pass before the update (by ${maxDiff(second, first)})`);
  labels.dispose();
  optimizer.dispose();
  dispose();
});

test('lora: training after evaluation passes (the trainer’s loop) updates A and B every epoch', async () => {
  const { model: m, module, dispose } = model('lora');
  const examples = Array.from({ length: 16 }, (_, i) => ({ ids: [2, 4 + (i % 5), 10 + (i % 3), 3], labels: [i % 2] }));
  const data = { tasks: [{ name: 't', labels: ['no', 'yes'] }], train: examples, validation: examples.slice(0, 4), test: examples.slice(0, 4), padId: 0 };
  const options = {
    epochs: 3,
    batchSize: 4,
    learningRate: 1e-2,
    warmupRatio: 0,
    weightDecay: 0,
    maxGradNorm: 1,
    dropout: 0,
    maxLength: 16,
    logEvery: 1,
    earlyStoppingPatience: 0,
  };
  const atEvaluation: Map<string, { data: Float32Array }>[] = [];
  await train(m, data, options, 1, {
    progress() {},
    evaluated: (e) => void (e.split === 'validation' && atEvaluation.push(module.weights.snapshot())),
    improved() {},
    cancelled: () => false,
  });
  assert.equal(atEvaluation.length, 3);
  for (let e = 1; e < atEvaluation.length; e++) {
    for (const [name, { data: now }] of atEvaluation[e])
      assert.ok(
        now.some((x, i) => x !== atEvaluation[e - 1].get(name)!.data[i]),
        `${name} changed in epoch ${e + 1}`,
      );
  }
  dispose();
});
