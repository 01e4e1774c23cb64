// The launcher shared by the CLI and the extension, with stand-in trainers: what run.json says after a cancel, a
// trainer killed from outside, or a trainer that cannot be started. The Runs view and `adapter-lab runs` show it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../src/core/config/validate';
import { readRunFile } from '../../src/core/io/runStore';
import { planRuns } from '../../src/core/run/plan';
import { ExperimentExecution, createRuns } from '../../src/runner/runExperiment';
import { fakeTrainer, makeWorkspace, tinyConfig } from '../helpers/workspace';

/** Says it is ready, then waits to be cancelled and reports it (what the real trainer does between steps). */
const CANCELLABLE = `
process.on('message', (m) => {
  if (m.type === 'start') process.send({ type: 'ready', backend: 'cpu', pid: process.pid });
  if (m.type === 'cancel') process.send({ type: 'done', status: 'cancelled', reason: 'cancelled by the user' }, () => process.exit(0));
});`;

function experiment(trainerScript: string, parallel: number) {
  const { configFile } = makeWorkspace(tinyConfig({ adapters: {}, baselines: ['full', 'head-only'] }));
  const { config } = loadConfig(configFile);
  const runs = createRuns(config!, planRuns(config!));
  let started!: () => void;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const execution = new ExperimentExecution(runs, {
    trainerScript,
    parallel,
    onMessage: (_run, m) => m.type === 'ready' && started(),
  });
  return { runs, execution, firstStarted };
}

test('cancelling (the extension\'s Cancel, the CLI\'s Ctrl-C) writes "cancelled" into the run.json of runs that had not started', async () => {
  const { runs, execution, firstStarted } = experiment(fakeTrainer(CANCELLABLE), 1);
  await firstStarted;
  execution.cancel();
  const results = await execution.finished;
  const [running, queued] = runs;
  assert.equal(results.get(running.id)!.status, 'cancelled');
  assert.equal(readRunFile(running.dir).status, 'queued', 'the stand-in does not write run.json; the real trainer does');
  assert.deepEqual(results.get(queued.id), { status: 'cancelled', reason: 'cancelled before it started' });
  const record = readRunFile(queued.dir);
  assert.equal(record.status, 'cancelled', 'not left "queued" for the Runs view');
  assert.equal(record.reason, 'cancelled before it started');
  assert.ok(record.finishedAt);
});

test('a trainer killed by a signal from outside is not said to have "not stopped in time"', async () => {
  // Killed by its own SIGTERM when asked to cancel: as if the terminal or the system had killed it.
  const trainer = fakeTrainer(`
process.on('message', (m) => {
  if (m.type === 'start') process.send({ type: 'ready', backend: 'cpu', pid: process.pid });
  if (m.type === 'cancel') process.kill(process.pid, 'SIGTERM');
});`);
  const { runs, execution, firstStarted } = experiment(trainer, 2);
  await firstStarted;
  execution.cancel();
  const results = await execution.finished;
  for (const run of runs) {
    const exit = results.get(run.id)!;
    assert.equal(exit.status, 'cancelled');
    assert.doesNotMatch(exit.reason ?? '', /in time/, exit.reason);
    assert.match(exit.reason ?? '', /killed \(SIGTERM\)/);
  }
});

test('a trainer that cannot be started leaves no run "queued": each is marked failed with the reason', async () => {
  const { runs, execution } = experiment(path.join(os.tmpdir(), 'no-such-dir', 'trainer.js'), 1);
  await assert.rejects(execution.finished, /trainer not built/);
  for (const run of runs) {
    const record = readRunFile(run.dir);
    assert.equal(record.status, 'failed', run.plan.name);
    assert.match(record.reason ?? '', /trainer not built/);
  }
});
