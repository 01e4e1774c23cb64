// Kernel threads per run: train.threads in the config (default auto), and the share of the cores the hosts hand out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runThreads } from '../../src/core/run/threads';
import { checkConfigText, loadConfig } from '../../src/core/config/validate';
import { planRuns } from '../../src/core/run/plan';
import { ExperimentExecution, createRuns } from '../../src/runner/runExperiment';
import { fakeTrainer, makeWorkspace, tinyConfig } from '../helpers/workspace';

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

// ---- the cores of runs that end go to the runs still training ------------------------------------------------------

/**
 * A stand-in trainer that writes every message it receives to messages.json in its run folder. The head-only run ends
 * at once; the full run ends when it is offered threads, or cancelled.
 */
const RECORDING = `
const fs = require('fs'), path = require('path');
let runDir, runName;
const received = [];
process.on('message', (m) => {
  if (m.type === 'start') ({ runDir, runName } = m);
  received.push(m);
  fs.writeFileSync(path.join(runDir, 'messages.json'), JSON.stringify(received));
  if (m.type === 'start') process.send({ type: 'ready', backend: 'wasm', pid: process.pid });
  const status = m.type === 'cancel' ? 'cancelled' : 'completed';
  if ((m.type === 'start' && runName === 'head-only') || (m.type !== 'start' && runName === 'full'))
    process.send({ type: 'done', status }, () => process.exit(0));
});`;

async function twoRuns(train: Record<string, unknown>, threads?: number) {
  const { configFile } = makeWorkspace(tinyConfig({ adapters: {}, baselines: ['full', 'head-only'], train: { ...(tinyConfig().train as object), ...train } }));
  const { config } = loadConfig(configFile);
  const runs = createRuns(config!, planRuns(config!));
  const trainerScript = fakeTrainer(RECORDING);
  let headOnlyEnded!: () => void;
  const ended = new Promise<void>((resolve) => (headOnlyEnded = resolve));
  const execution = new ExperimentExecution(runs, {
    trainerScript,
    parallel: 2,
    cores: 2,
    threads,
    onExit: (run) => run.plan.name === 'head-only' && headOnlyEnded(),
  });
  await ended;
  // A run that is not offered threads waits to be cancelled: give an offer time to arrive first.
  await new Promise((resolve) => setTimeout(resolve, 500));
  execution.cancel();
  await execution.finished;
  const full = runs.find((r) => r.plan.name === 'full')!;
  return JSON.parse(fs.readFileSync(path.join(full.dir, 'messages.json'), 'utf8')) as { type: string; threads?: number }[];
}

test('a run sharing the cores gets the cores of the run beside it once that one ends: the last run has them all', async () => {
  const messages = await twoRuns({});
  assert.deepEqual(
    messages.map((m) => [m.type, m.threads]),
    [
      ['start', 1],
      ['threads', 2],
    ],
  );
});

test('a run whose thread count was chosen (train.threads, --threads) keeps it when the run beside it ends', async () => {
  for (const messages of [await twoRuns({ threads: 1 }), await twoRuns({}, 1)])
    assert.deepEqual(
      messages.map((m) => [m.type, m.threads]),
      [
        ['start', 1],
        ['cancel', undefined],
      ],
    );
});
