// Choosing the next token: draws follow the softmax at the temperature, top-k and top-p keep exactly the tokens
// they should, temperature 0 is greedy, and the options are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/data/random';
import { type SamplingOptions, sampleToken, samplingProblem } from '../../src/core/generate/sampling';

const LOGITS = Float32Array.from([1, 3, 0, 2.5, -1, 3]); // ids 1 and 5 tie for the most likely
const DRAWS = 20000;

function frequencies(o: SamplingOptions, logits = LOGITS): number[] {
  const rng = createRng(9);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < DRAWS; i++) counts[sampleToken(logits, o, rng)]++;
  return counts.map((c) => c / DRAWS);
}

function softmax(values: number[], temperature: number): number[] {
  const exps = values.map((v) => Math.exp(v / temperature));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

const close = (a: number[], b: number[], tolerance: number) => a.every((v, i) => Math.abs(v - b[i]) < tolerance);

test('draws follow the softmax of logits / temperature', () => {
  for (const temperature of [1, 0.5, 2]) {
    assert.ok(close(frequencies({ temperature, topK: 0, topP: 1 }), softmax([...LOGITS], temperature), 0.015), `temperature ${temperature}`);
  }
});

test('top-k draws only among the k most likely, in proportion', () => {
  const f = frequencies({ temperature: 1, topK: 3, topP: 1 });
  const kept = softmax([3, 2.5, 3], 1); // ids 1, 3, 5
  assert.ok(close(f, [0, kept[0], 0, kept[1], 0, kept[2]], 0.015));
});

test('top-p keeps the smallest set of most likely tokens whose probability reaches p', () => {
  const p = softmax([...LOGITS], 1);
  const twoTop = p[1] + p[5]; // ≈ 0.63
  const f = frequencies({ temperature: 1, topK: 0, topP: twoTop - 0.01 });
  assert.deepEqual(
    f.map((v) => v > 0),
    [false, true, false, false, false, true],
  );
  const wider = frequencies({ temperature: 1, topK: 0, topP: twoTop + 0.01 });
  assert.deepEqual(
    wider.map((v) => v > 0),
    [false, true, false, true, false, true],
    'one more token once p passes the two tied ones',
  );
  const both = frequencies({ temperature: 1, topK: 2, topP: 0.99 });
  assert.deepEqual(
    both.map((v) => v > 0),
    [false, true, false, false, false, true],
    'top-k applies before top-p',
  );
});

test('temperature 0 is greedy (the first of tied maxima) and draws nothing from the generator', () => {
  const rng = createRng(3);
  assert.equal(sampleToken(LOGITS, { temperature: 0, topK: 0, topP: 1 }, rng), 1);
  assert.equal(rng(), createRng(3)(), 'the generator was not advanced');
});

test('sampling options are checked', () => {
  assert.equal(samplingProblem({ temperature: 0.7, topK: 40, topP: 0.9 }), undefined);
  assert.match(samplingProblem({ temperature: -0.1, topK: 0, topP: 1 })!, /temperature/);
  assert.match(samplingProblem({ temperature: NaN, topK: 0, topP: 1 })!, /temperature/);
  assert.match(samplingProblem({ temperature: 1, topK: 1.5, topP: 1 })!, /top-k/);
  assert.match(samplingProblem({ temperature: 1, topK: 0, topP: 0 })!, /top-p/);
  assert.match(samplingProblem({ temperature: 1, topK: 0, topP: 1.2 })!, /top-p/);
});
