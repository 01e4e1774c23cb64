// A run record to build test run folders from.
import type { RunRecord } from '../../src/common/runRecord';

export function runRecord(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    experiment: 'tiny',
    name: 'adapter:mood',
    type: 'adapter',
    tasks: ['mood'],
    status: 'completed',
    configFile: '/w/tiny.adapterlab.json',
    config: {},
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 4, node: 'v20' },
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}
