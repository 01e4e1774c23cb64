// Kernel threads per run: train.threads in the config (default auto), and the share of the cores the hosts hand out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runThreads } from '../../src/core/run/threads';
import { checkConfigText } from '../../src/core/config/validate';

const FILE = '/projects/demo/exp.adapterlab.json';
const config = (train: string) => `{ "tasks": { "sentiment": {} }, "adapters": { "s": { "task": "sentiment" } }, "train": ${train} }`;

test('auto: all cores for a run alone, cores ÷ runs in flight otherwise, at least 1; a number is taken as it is', () => {
  assert.equal(runThreads('auto', 2, 1), 2);
  assert.equal(runThreads('auto', 2, 2), 1);
  assert.equal(runThreads('auto', 8, 3), 2);
  assert.equal(runThreads('auto', 2, 4), 1);
  assert.equal(runThreads('auto', 4, 0), 4);
  assert.equal(runThreads(3, 2, 2), 3);
});

test('runs in flight together never get more threads than there are cores (unless there are more runs than cores)', () => {
  // Each run sees min(parallel, runs not finished) when it starts; runs in flight together are among the unfinished
  // ones when the last of them started, and ones started earlier saw at least as many.
  for (const cores of [1, 2, 3, 4, 8])
    for (const parallel of [1, 2, 3, 5])
      for (let unfinished = 1; unfinished <= 7; unfinished++) {
        const inFlight = Math.min(parallel, unfinished);
        const shares = Array.from({ length: inFlight }, (_, i) => runThreads('auto', cores, Math.min(parallel, unfinished + i)));
        const total = shares.reduce((a, b) => a + b, 0);
        assert.ok(total <= Math.max(cores, inFlight), `${cores} cores, parallel ${parallel}, ${unfinished} left: ${shares}`);
      }
});

test('train.threads: auto when unset, else a whole number ≥ 1; not a training option of a run type', () => {
  assert.equal(checkConfigText(config('{}'), FILE).config?.threads, 'auto');
  const two = checkConfigText(config('{ "threads": 2 }'), FILE);
  assert.deepEqual(two.problems, []);
  assert.equal(two.config?.threads, 2);
  assert.ok(!('threads' in (two.config?.train.adapter ?? {})));
  for (const bad of ['0', '1.5', '"all"', '"auto"'])
    assert.ok(
      checkConfigText(config(`{ "threads": ${bad} }`), FILE).problems.some((p) => p.path.join('.') === 'train.threads'),
      `threads ${bad} is refused`,
    );
});
