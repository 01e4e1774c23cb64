// A sweep trained with the real CLI and trainer processes, interrupted by Ctrl-C and by a killed CLI, and finished
// by the same command: completed runs are never trained again.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { listRuns } from '../../src/core/io/runStore';
import { startCli, until } from '../helpers/cliProcess';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

const completed = (dir: string) => listRuns(path.join(dir, '.adapterlab/runs')).runs.filter((r) => r.record.status === 'completed' && r.summary);

test('a sweep stopped by Ctrl-C, then by a killed CLI, is finished by the same command without retraining a run', async () => {
  const config = tinyConfig({
    baselines: ['head-only'],
    train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 2, adapter: { learningRate: 0.01 }, 'head-only': { learningRate: 0.01 } },
    sweep: { grid: { 'adapters.mood.bottleneckSize': [2, 4] }, seeds: [1, 2] },
  });
  const { dir, configFile } = makeWorkspace(config);
  const args = ['train', configFile, '--parallel', '1'];

  // Ctrl-C once two runs have completed.
  const first = startCli(args, dir);
  await until(() => completed(dir).length >= 2, first);
  process.kill(-first.child.pid!, 'SIGINT');
  assert.equal((await first.exited).code, 1, first.output());
  assert.match(first.output(), /8 distinct runs; 0 done before, 8 to train/);
  const afterCtrlC = completed(dir);
  assert.ok(afterCtrlC.length >= 2 && afterCtrlC.length < 8, `${afterCtrlC.length} completed`);

  // Kill the CLI outright (its trainers stop by themselves) once one more run has completed.
  const second = startCli(args, dir);
  await until(() => completed(dir).length >= afterCtrlC.length + 1, second);
  process.kill(second.child.pid!, 'SIGKILL');
  await second.exited;
  assert.match(second.output(), new RegExp(`${afterCtrlC.length} done before, ${8 - afterCtrlC.length} to train`));
  const afterKill = completed(dir);
  assert.ok(afterKill.length < 8, 'the kill left runs to train');

  const third = runCli(args, dir);
  assert.equal(third.status, 0, third.stdout + third.stderr);
  assert.match(third.stdout, new RegExp(`${afterKill.length} done before, ${8 - afterKill.length} to train`));
  const done = completed(dir);
  const keys = done.map((r) => r.record.sweep!.key);
  assert.equal(done.length, 8, 'every run completed once');
  assert.equal(new Set(keys).size, 8, 'no run trained twice');
  for (const run of afterKill) {
    assert.ok(
      done.some((r) => r.dir === run.dir),
      `${run.dir} is still the completed run of its key`,
    );
    assert.equal(fs.readFileSync(path.join(run.dir, 'summary.json'), 'utf8'), JSON.stringify(run.summary, null, 2) + '\n', 'its summary untouched');
  }
  assert.match(third.stdout, /adapter:mood · bottleneckSize=4/);

  const again = runCli(args, dir);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /8 done before, 0 to train/);
  assert.equal(completed(dir).length, 8);
});
