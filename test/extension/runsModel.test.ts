// What the Runs tree shows for runs: grouping by experiment, newest first; the headline metric; live progress while
// a run trains; the status icon; a tooltip that summarises the run's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config/resolve';
import type { RunRecord, RunStatus, RunSummary } from '../../src/common/runRecord';
import type { ProgressEvent } from '../../src/common/events';
import { type RunEntry, groupByExperiment, runAccessibilityLabel, runDescription, runTooltip } from '../../src/extension/runsModel';

const config = resolveConfig(
  { name: 'tiny', tasks: { mood: {}, topic: {} }, adapters: { mood: { method: 'pfeiffer', bottleneckSize: 4 } }, train: { epochs: 3 } },
  '/ws/tiny.adapterlab.json',
);

function run(name: string, experiment: string, createdAt: string, status: RunStatus = 'completed'): RunEntry {
  const record: RunRecord = {
    id: `${createdAt}-${experiment}-${name}`,
    experiment,
    name,
    type: name.startsWith('adapter:') ? 'adapter' : 'full',
    tasks: ['mood'],
    status,
    configFile: '/ws/tiny.adapterlab.json',
    config,
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 8, node: 'v20' },
    createdAt,
  };
  return { dir: `/ws/.adapterlab/runs/${record.id}`, record };
}

const summary = (accuracy: Record<string, number>): RunSummary => ({
  id: 'x',
  name: 'adapter:mood',
  type: 'adapter',
  status: 'completed',
  backend: 'wasm',
  base: 'random',
  test: Object.fromEntries(Object.entries(accuracy).map(([t, a]) => [t, { accuracy: a, macroF1: a, loss: 0.5, count: 16 }])),
  validation: {},
  bestEpoch: 1,
  steps: 10,
  totalParams: 20000,
  trainableParams: 1200,
  trainablePercent: 6,
  bytesOnDisk: 4800,
  bytesPerTask: { mood: 4800 },
  msPerStep: 3,
  inferenceMsPerExample: 0.1,
  paddingShare: 0.2,
  wallMs: 1000,
});

test('runs are grouped by experiment; the experiment trained last comes first, its runs newest first', () => {
  const groups = groupByExperiment([
    run('full', 'a', '2026-01-01T10:00:00Z'),
    run('adapter:mood', 'b', '2026-01-02T10:00:00Z'),
    run('adapter:mood', 'a', '2026-01-03T10:00:00Z'),
    run('full', 'b', '2026-01-02T10:00:00Z'),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.experiment, g.runs.map((r) => `${r.record.name}@${r.record.createdAt.slice(8, 10)}`)]),
    [
      ['a', ['adapter:mood@03', 'full@01']],
      ['b', ['adapter:mood@02', 'full@02']],
    ],
  );
});

test('a completed run shows test accuracy per task; others show their status', () => {
  const done = { ...run('full', 'a', '2026-01-01T10:00:00Z'), summary: summary({ mood: 0.875, topic: 1 }) };
  assert.equal(runDescription(done), 'mood 87.5% · topic 100.0%');
  assert.equal(runDescription(run('full', 'a', '2026-01-01T10:00:00Z', 'queued')), 'queued');
  assert.equal(runDescription(run('full', 'a', '2026-01-01T10:00:00Z', 'failed')), 'failed');
});

test('a running run shows its live progress, percent and time left first, and says so to screen readers; the tooltip has all of it', () => {
  const event: ProgressEvent = {
    step: 12,
    totalSteps: 40,
    epoch: 1,
    loss: 0.5321,
    lossPerTask: {},
    learningRate: 0.01,
    gradNorm: 1,
    elapsedMs: 6000,
    examplesPerSec: 10,
    tokensPerSec: 100,
  };
  const live = { event, etaMs: 14_000 };
  const running = run('adapter:mood', 'a', '2026-01-01T10:00:00Z', 'running');
  assert.equal(runDescription(running, live), '30% · ETA 0:14 · 12/40 · loss 0.532');
  assert.equal(runDescription(running), 'running');
  assert.equal(runAccessibilityLabel(running, live), 'adapter:mood, running, 30% · ETA 0:14 · 12/40 · loss 0.532');
  assert.ok(runTooltip(running, live).includes('Progress: 30% · ETA 0:14 · 12/40 · loss 0.532 · epoch 1.00 · 10 examples/s'));
  assert.ok(!runTooltip(running).includes('Progress:'));
});

test('the tooltip summarises the config the run trained with', () => {
  const entry = { ...run('adapter:mood', 'tiny', '2026-01-01T10:00:00Z'), summary: summary({ mood: 0.875 }) };
  const tooltip = runTooltip(entry);
  for (const part of [
    '**adapter:mood** · completed',
    'Base: random, 2 layers × 128 hidden',
    'Adapter: pfeiffer, reductionFactor 16, bottleneckSize 4, nonLinearity relu',
    'Training: 3 epochs',
    'mood 87.5%',
    '1,200 of 20,000 parameters',
  ]) {
    assert.ok(tooltip.includes(part), `tooltip has "${part}":\n${tooltip}`);
  }
});
