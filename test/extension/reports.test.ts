// The comparison and parameter reports the extension opens, from real runs of the tiny experiment.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { listRuns } from '../../src/core/io/runStore';
import { comparisonReport, runParametersReport } from '../../src/extension/reports';
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

test('the comparison is the CLI\'s Markdown table, one row per finished run', () => {
  const report = comparisonReport(runs);
  assert.match(report, /^# Compare runs: tiny/);
  assert.match(report, /\| run \| mood acc \/ F1 \| topic acc \/ F1 \| trainable params \|/);
  assert.match(report, /\| adapter:mood \|/);
  assert.match(report, /\| full \|/);
  assert.match(report, /Storage for N attributes/);
});

test('runs without a summary are listed apart, with their status', () => {
  const unfinished: RunEntry = { ...runs[0], summary: undefined, record: { ...runs[0].record, status: 'cancelled' } };
  const report = comparisonReport([unfinished, runs[1]]);
  assert.match(report, new RegExp(`Not in the table \\(no summary.json\\):\\n\\n- ${runs[0].record.name} \\(${runs[0].record.id}\\): cancelled`));
});

test('the parameters report gives counts, storage, speed and the training options of the run', () => {
  const adapter = runs.find((r) => r.record.name === 'adapter:mood')!;
  const report = runParametersReport(adapter);
  assert.match(report, /^# adapter:mood — tiny/);
  assert.match(report, new RegExp(`\\| trainable parameters \\| .* \\(${adapter.summary!.trainablePercent.toFixed(2)}% of total\\) \\|`));
  assert.match(report, /\| storage for mood \|/);
  assert.match(report, /"epochs": 1\n/);
});
