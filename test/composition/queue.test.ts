// The run queue with dependencies: a composition run starts only after the runs it needs have finished, and is
// marked failed without starting when one of them failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { loadConfig } from '../../src/core/config/validate';
import { readRun } from '../../src/core/io/runStore';
import { planRuns } from '../../src/core/run/plan';
import { ExperimentExecution, createRuns } from '../../src/runner/runExperiment';
import { fakeTrainer, makeWorkspace, tinyConfig } from '../helpers/workspace';

/** A stand-in trainer: waits a little, then reports done; adapter:mood fails. */
const FAKE_TRAINER = `
process.on('message', (m) => {
  if (m.type !== 'start') return;
  setTimeout(() => {
    const status = m.runName === 'adapter:mood' ? 'failed' : 'completed';
    process.send({ type: 'done', status, reason: status === 'failed' ? 'boom' : undefined }, () => process.exit(0));
  }, m.runName.startsWith('adapter:') ? 150 : 10);
});`;

test('composition runs wait for their adapters; a failed adapter fails them without starting them', async () => {
  const { dir, configFile } = makeWorkspace(
    tinyConfig({
      baselines: ['head-only'],
      compositions: { onlyTopic: { setup: 'Stack(topic)' }, both: { setup: 'Parallel(mood, topic)' } },
    }),
  );
  const trainer = fakeTrainer(FAKE_TRAINER);
  const { config } = loadConfig(configFile);
  const plans = planRuns(config!);
  assert.deepEqual(
    plans.map((p) => [p.name, p.needs]),
    [
      ['adapter:mood', []],
      ['adapter:topic', []],
      ['head-only', []],
      ['composition:onlyTopic', ['adapter:topic']],
      ['composition:both', ['adapter:mood', 'adapter:topic']],
    ],
  );
  const runs = createRuns(config!, plans);
  const events: string[] = [];
  const execution = new ExperimentExecution(runs, {
    trainerScript: trainer,
    parallel: 2,
    onStart: (run) => events.push(`start ${run.plan.name}`),
    onExit: (run, exit) => events.push(`${exit.status} ${run.plan.name}`),
  });
  const results = await execution.finished;
  const at = (e: string) => events.indexOf(e);
  assert.ok(at('start composition:onlyTopic') > at('completed adapter:topic'), events.join('\n'));
  assert.ok(at('start composition:onlyTopic') >= 0);
  assert.equal(at('start composition:both'), -1, 'never started');
  const both = runs.find((r) => r.plan.name === 'composition:both')!;
  assert.deepEqual(results.get(both.id), { status: 'failed', reason: 'needs adapter:mood, which failed' });
  assert.equal(readRun(both.dir).status, 'failed');
  assert.equal(readRun(both.dir).reason, 'needs adapter:mood, which failed');
  assert.equal(results.size, 5);
  fs.rmSync(dir, { recursive: true, force: true });
});
