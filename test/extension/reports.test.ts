// The parameter report the extension opens, from real runs of the tiny experiment.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { listRuns } from '../../src/core/io/runStore';
import { runParametersReport } from '../../src/extension/reports';
import type { RunEntry } from '../../src/extension/runsModel';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

let runs: RunEntry[];

before(() => {
  requireBuild();
  const { dir, configFile } = makeWorkspace(tinyConfig({ train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 1 } }));
  const trained = runCli(['train', configFile, '--only', 'adapter:mood', 'full'], dir);
  assert.equal(trained.status, 0, trained.stderr);
  runs = listRuns(path.join(dir, '.adapterlab', 'runs')).runs;
});

test('the parameters report gives counts, storage, speed and the training options of the run', () => {
  const adapter = runs.find((r) => r.record.name === 'adapter:mood')!;
  const report = runParametersReport(adapter);
  assert.match(report, /^# adapter:mood — tiny/);
  assert.match(report, new RegExp(`\\| trainable parameters \\| .* \\(${adapter.summary!.trainablePercent.toFixed(2)}% of total\\) \\|`));
  assert.match(report, /\| storage for mood \|/);
  assert.match(report, /"epochs": 1\n/);
});
