// The trainer process seen from its host: killing it mid-run or cancelling it leaves an honest run record and
// every metric line written so far.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/core/config/validate';
import { planRuns } from '../../src/core/run/plan';
import { readMetrics, readRun, readSummary } from '../../src/core/io/runStore';
import { TrainerProcess, type TrainerOptions } from '../../src/runner/trainerProcess';
import { createRuns } from '../../src/runner/runExperiment';
import type { FromTrainer } from '../../src/protocol/trainer';
import { TRAINER, makeWorkspace, requireBuild, tinyConfig } from '../helpers/workspace';

before(requireBuild);

function startFullRun(onMessage: (m: FromTrainer, trainer: TrainerProcess) => void, options: Pick<TrainerOptions, 'backend' | 'threads'> = {}) {
  const { configFile } = makeWorkspace(tinyConfig({ adapters: {}, baselines: ['full'], train: { batchSize: 4, maxLength: 16, logEvery: 1, epochs: 50 } }));
  const { config } = loadConfig(configFile);
  const [run] = createRuns(config!, planRuns(config!));
  let trainer: TrainerProcess | undefined = undefined;
  const messages: FromTrainer[] = [];
  trainer = new TrainerProcess({
    trainerScript: TRAINER,
    configFile,
    runName: run.plan.name,
    runDir: run.dir,
    ...options,
    onMessage: (m) => {
      messages.push(m);
      onMessage(m, trainer!);
    },
  });
  return { run, trainer, messages };
}

test('killing the trainer mid-run marks the run failed and keeps its metrics up to the last step', async () => {
  const { run, trainer } = startFullRun((m, t) => {
    if (m.type === 'progress' && m.event.step === 5) t.kill();
  });
  const exit = await trainer.done;
  assert.equal(exit.status, 'failed');
  assert.match(exit.reason ?? '', /killed \(SIGKILL\)/);
  const record = readRun(run.dir);
  assert.equal(record.status, 'failed');
  assert.match(record.reason ?? '', /killed/);
  assert.ok(record.finishedAt);
  const steps = readMetrics(run.dir)
    .filter((m) => m.kind === 'progress')
    .map((m) => (m as { step: number }).step);
  assert.deepEqual(steps.slice(0, 5), [1, 2, 3, 4, 5]);
});

test('cancelling stops the run after its current step and marks it cancelled', async () => {
  const { run, trainer, messages } = startFullRun((m, t) => {
    if (m.type === 'progress' && m.event.step === 3) t.cancel();
  });
  const exit = await trainer.done;
  assert.equal(exit.status, 'cancelled');
  assert.equal(readRun(run.dir).status, 'cancelled');
  assert.ok(
    messages.some((m) => m.type === 'done' && m.status === 'cancelled'),
    'the trainer said so itself (graceful)',
  );
  const steps = readMetrics(run.dir).filter((m) => m.kind === 'progress').length;
  assert.ok(steps >= 3 && steps < 50 * 12, `stopped early (${steps} steps logged)`);
});

test('a run offered more kernel threads mid-run uses them from then on and records it', async () => {
  const { run, trainer, messages } = startFullRun(
    (m, t) => {
      if (m.type === 'progress' && m.event.step === 2) t.offerThreads(2);
      if (m.type === 'progress' && m.event.step === 8) t.cancel();
    },
    { backend: 'wasm', threads: 1 },
  );
  const exit = await trainer.done;
  assert.equal(exit.status, 'cancelled');
  assert.equal(trainer.threads, 2);
  const said = messages.findIndex((m) => m.type === 'log' && /2 kernel threads from here on/.test(m.message));
  assert.ok(said > 0, 'the trainer said so');
  assert.ok(
    messages.slice(said).some((m) => m.type === 'progress'),
    'and trained on',
  );
  assert.equal(readRun(run.dir).threads, 2, 'run.json: the most threads the run had');
  assert.equal(readRun(run.dir).status, 'cancelled', 'and the end the run came to');
  const summary = readSummary(run.dir)!;
  assert.equal(summary.threads, 2);
  assert.equal(summary.speedThreads, 1, 'its ms/step and inference timed at the threads it started with');
});
