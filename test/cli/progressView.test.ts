// The live progress line of a run and its time left, on their own: what fits in a width, and how the pace is measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgressEvent } from '../../src/common/events';
import { type RunView, StepRate, runLine } from '../../src/cli/progressView';
import { wrapWords } from '../../src/cli/terminalWidth';

function view(over: Partial<RunView> = {}): RunView {
  return {
    name: 'adapter:sentiment',
    state: 'training',
    step: 367,
    totalSteps: 990,
    epoch: 5.5,
    epochs: 15,
    loss: 0.4123,
    stepsPerSec: 5.3,
    etaMs: (623 / 5.3) * 1000,
    ...over,
  };
}

test('a run line fits the width by leaving out parts, never the steps or the time left', () => {
  for (const width of [200, 120, 80, 60, 44]) {
    const line = runLine(view(), 17, width);
    assert.ok([...line].length < width, `${width}: "${line}" is ${[...line].length} wide`);
    assert.match(line, /^adapter:sentiment /);
    assert.match(line, /367\/990/, `${width}: "${line}"`);
    assert.match(line, /ETA 1:58/, `${width}: "${line}"`);
  }
  const wide = runLine(view(), 17, 200);
  for (const part of ['37%', 'loss 0.412', '5.3 steps/s', 'epoch 6/15']) assert.ok(wide.includes(part), `${part} in "${wide}"`);
  assert.match(wide, /█+░+/);
  const queued = runLine(view({ state: 'queued', step: undefined, totalSteps: undefined, etaMs: undefined }), 17, 80);
  assert.match(queued, /queued/);
  assert.doesNotMatch(queued, /ETA|\d\/\d/);
});

test('the time left follows the rate shown: steps left ÷ recent steps per second', () => {
  const rate = new StepRate();
  const event = (step: number, elapsedMs: number): ProgressEvent => ({
    step,
    totalSteps: 990,
    epoch: 1,
    loss: 1,
    lossPerTask: {},
    learningRate: 0,
    gradNorm: 0,
    elapsedMs,
    examplesPerSec: 0,
    tokensPerSec: 0,
  });
  for (let step = 1; step <= 300; step++) rate.add(event(step, step * 100)); // 10 steps/s…
  for (let step = 301; step <= 710; step++) rate.add(event(step, 30_000 + (step - 300) * 200)); // …then 5 steps/s (82 s)
  assert.ok(Math.abs(rate.stepsPerSec()! - 5) < 0.05, `recent pace: ${rate.stepsPerSec()}`);
  assert.ok(Math.abs(rate.etaMs()! - 280 * 200) < 1000, `280 steps left at 5/s: ${rate.etaMs()} ms`);
});

test('messages wider than the terminal break at spaces, keep their own spacing, and indent what follows', () => {
  const line = `${'head-only'.padEnd(17)}  epoch 11 validation: sentiment 80.7%, domain 65.6% (best so far)`;
  assert.equal(wrapWords(line, 79, 19), `${'head-only'.padEnd(17)}  epoch 11 validation: sentiment 80.7%, domain 65.6% (best so\n${' '.repeat(19)}far)`);
  assert.equal(wrapWords(line, 200, 19), line);
  assert.equal(wrapWords(line, undefined, 19), line, 'not a terminal: whole lines');
});
