// Cancelling one run of a training (the Runs view's Cancel Run) with the real trainer: that run ends cancelled with
// the reason and its files, a queued one is not started, and the other runs train on to completion.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/core/config/validate';
import { readMetrics, readRun } from '../../src/core/io/runStore';
import { planRuns } from '../../src/core/run/plan';
import { ExperimentExecution, createRuns } from '../../src/runner/runExperiment';
import { TRAINER, makeWorkspace, requireBuild, tinyConfig } from '../helpers/workspace';

before(requireBuild);

const REASON = 'cancelled from the Runs view';

/** full trains for long; head-only and the adapter briefly. */
function experiment() {
  const train = { ...(tinyConfig().train as object), full: { learningRate: 0.001, epochs: 500 } };
  const { configFile } = makeWorkspace(tinyConfig({ adapters: { mood: { method: 'pfeiffer', bottleneckSize: 4 } }, train }));
  const { config } = loadConfig(configFile);
  const runs = createRuns(config!, planRuns(config!));
  const byName = (name: string) => runs.find((r) => r.plan.name === name)!;
  return { runs, byName };
}

test('a running run cancelled on its own stops after its step with the reason and its metrics; the others complete', async () => {
  const { runs, byName } = experiment();
  const full = byName('full');
  const execution: ExperimentExecution = new ExperimentExecution(runs, {
    trainerScript: TRAINER,
    parallel: 2,
    onMessage: (run, m) => {
      if (run === full && m.type === 'progress' && m.event.step >= 3) execution.cancelRun(full.id, REASON); // again on later steps: no-op
    },
  });
  const results = await execution.finished;
  assert.deepEqual(results.get(full.id), { status: 'cancelled', reason: REASON });
  const record = readRun(full.dir);
  assert.equal(record.status, 'cancelled');
  assert.equal(record.reason, REASON);
  const steps = readMetrics(full.dir).filter((m) => m.kind === 'progress').length;
  assert.ok(steps >= 1 && steps < 100, `its metrics up to the cancel are kept (${steps} progress lines)`);
  assert.ok(fs.existsSync(path.join(full.dir, 'run.json')));
  for (const run of runs.filter((r) => r !== full)) assert.equal(readRun(run.dir).status, 'completed', run.plan.name);
});

test('a queued run cancelled on its own is never started and says why at once; the others complete', async () => {
  const { runs, byName } = experiment();
  const full = byName('full');
  const exits: string[] = [];
  const execution = new ExperimentExecution(runs, { trainerScript: TRAINER, parallel: 1, onExit: (run) => exits.push(run.plan.name) });
  execution.cancelRun(full.id, REASON);
  assert.deepEqual(exits, ['full'], 'ended before any other run');
  assert.equal(readRun(full.dir).status, 'cancelled');
  assert.equal(readRun(full.dir).reason, REASON);
  const results = await execution.finished;
  assert.deepEqual(results.get(full.id), { status: 'cancelled', reason: REASON });
  for (const run of runs.filter((r) => r !== full)) assert.equal(results.get(run.id)!.status, 'completed', run.plan.name);
});
