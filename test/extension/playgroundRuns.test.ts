// The runs the Playground shows for an experiment: the newest completed run of each name of that config, in a
// fixed order of kinds; failed, running, sweep and other configs' runs are left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config/resolve';
import type { RunRecord, RunStatus, RunType } from '../../src/common/runRecord';
import { playgroundRuns } from '../../src/extension/playgroundRuns';

const CONFIG_FILE = '/ws/tiny.adapterlab.json';
const config = resolveConfig({ name: 'tiny', tasks: { mood: {} }, adapters: { mood: { method: 'pfeiffer', bottleneckSize: 4 } } }, CONFIG_FILE);

function run(name: string, type: RunType, createdAt: string, over: Partial<RunRecord> = {}, status: RunStatus = 'completed') {
  const record: RunRecord = {
    id: `${createdAt}-${name}`,
    experiment: 'tiny',
    name,
    type,
    tasks: ['mood'],
    status,
    configFile: CONFIG_FILE,
    config,
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 8, node: 'v20' },
    createdAt,
    ...over,
  };
  return { dir: `/ws/.adapterlab/runs/${record.id}`, record };
}

test('the newest completed run of each name, adapters, compositions, full, head-only in that order', () => {
  // listRuns gives them newest first.
  const runs = [
    run('head-only', 'head-only', '2026-01-05'),
    run('adapter:mood', 'adapter', '2026-01-04', {}, 'failed'),
    run('composition:fused', 'composition', '2026-01-03'),
    run('full', 'full', '2026-01-03'),
    run('adapter:mood', 'adapter', '2026-01-02'),
    run('adapter:mood', 'adapter', '2026-01-01'),
    run('adapter:topic', 'adapter', '2026-01-01', {}, 'running'),
    run('adapter:mood', 'adapter', '2026-01-06', { sweep: { key: 'k', setting: 'adapter:mood · lr=0.1', values: { lr: 0.1 }, seed: 1, total: 2 } }),
    run('adapter:other', 'adapter', '2026-01-06', { configFile: '/ws/other.adapterlab.json' }),
  ];
  const shown = playgroundRuns(runs, CONFIG_FILE);
  assert.deepEqual(
    shown.map((r) => r.name),
    ['adapter:mood', 'composition:fused', 'full', 'head-only'],
  );
  assert.equal(shown[0].dir, '/ws/.adapterlab/runs/2026-01-02-adapter:mood', 'the newest completed one, not the failed or the sweep run');
  assert.deepEqual(
    playgroundRuns(runs, '/ws/other.adapterlab.json').map((r) => r.name),
    ['adapter:other'],
  );
});
