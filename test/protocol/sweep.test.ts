// The sweep panel's messages are checked on arrival at both ends: what the host builds from a sweep's run folders
// passes the webview's guard, what the webview sends passes the host's, and a misspelt, missing or mistyped field
// does not; the saved state too, before a reload restores from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepMessage, SweepState } from '../../src/protocol/sweep';
import { isSweepMessage, isSweepState, isSweepToWebview } from '../../src/protocol/sweep';

const stats = (mean: number) => ({ mean, sd: 0.01, n: 2 });
const message: SweepMessage = {
  type: 'sweep',
  title: 'Sweep: tinysweep',
  configFile: '/w/sweep.adapterlab.json',
  summary: '4 points (bottleneckSize 2 × 2 seeds)',
  report: {
    experiment: 'tinysweep',
    base: 'random init (2×16)',
    paths: ['adapters.mood.bottleneckSize'],
    settings: [
      {
        setting: 'adapter:mood · bottleneckSize=2',
        runName: 'adapter:mood',
        runType: 'adapter',
        values: { 'adapters.mood.bottleneckSize': 2 },
        seeds: [1, 2],
        runIds: ['r1', 'r2'],
        runDirs: ['/w/runs/r1', '/w/runs/r2'],
        tasks: { mood: { test: stats(0.8), testF1: stats(0.78), validation: stats(0.81), difference: { reference: 'full', mean: 0.02, se: 0.01, n: 2 } } },
        trainableParams: 500,
        bytesPerAttribute: 2000,
        msPerStep: stats(12),
        inferenceMsPerExample: stats(0.4),
      },
    ],
    reference: 'full',
    referenceSettings: ['full'],
    tasks: ['mood'],
    best: { mood: { setting: 'adapter:mood · bottleneckSize=2', validation: stats(0.81), test: stats(0.8) } },
    frontiers: { mood: { params: ['adapter:mood · bottleneckSize=2'], speed: [], storage: [] } },
    progress: { completed: 2, total: 6, failed: 0 },
  },
  runs: [
    {
      key: 'k1',
      setting: 'adapter:mood · bottleneckSize=2',
      runName: 'adapter:mood',
      seed: 1,
      values: { 'adapters.mood.bottleneckSize': 2 },
      status: 'completed',
      id: 'r1',
      dir: '/w/runs/r1',
      color: '#2f7fd1',
      tasks: { mood: { test: 0.8, testF1: 0.78, validation: 0.81 } },
      trainableParams: 500,
      msPerStep: 12,
      bytesPerAttribute: 2000,
    },
    { key: 'k5', setting: 'full', runName: 'full', seed: 1, values: {}, status: 'not started', tasks: {} },
  ],
  settings: ['adapter:mood · bottleneckSize=2', 'full'],
  pathLabels: { 'adapters.mood.bottleneckSize': 'bottleneckSize' },
  notices: [{ severity: 'warning', message: '/w/runs/x: has metrics.jsonl but no run.json' }],
};

test('host → sweep panel: the whole picture passes; a broken report, run or extra field does not', () => {
  assert.ok(isSweepToWebview(message));
  assert.ok(isSweepToWebview({ type: 'error', message: 'sweep.adapterlab.json has no "sweep"' }));
  const composition = { ...message.report.settings[0], setting: 'composition:both', runType: 'composition', loads: ['adapter:mood'] };
  assert.ok(isSweepToWebview({ ...message, report: { ...message.report, settings: [composition] } }), 'a composition names the runs it loads');
  const broken: unknown[] = [
    { ...message, extra: 1 },
    { ...message, runs: [{ ...message.runs[0], status: 'done' }] },
    { ...message, runs: [{ ...message.runs[0], seed: '1' }] },
    { ...message, runs: [{ ...message.runs[0], tasks: { mood: { test: 0.8 } } }] },
    { ...message, report: { ...message.report, progress: { completed: 2, total: 6 } } },
    { ...message, report: { ...message.report, settings: [{ ...message.report.settings[0], msPerStep: 12 }] } },
    { ...message, report: { ...message.report, settings: [{ ...message.report.settings[0], runType: 'lora' }] } },
    { ...message, report: { ...message.report, settings: [{ ...message.report.settings[0], loads: 'adapter:mood' }] } },
    { ...message, report: { ...message.report, frontiers: { mood: { params: [] } } } },
    { ...message, pathLabels: { b: 2 } },
    { ...message, settings: undefined },
  ];
  for (const m of broken) assert.equal(isSweepToWebview(m), false, JSON.stringify(m).slice(0, 200));
});

test('sweep panel → host: a reference and run folders to open, nothing else', () => {
  assert.ok(isSweepMessage({ type: 'setReference', setting: 'full' }));
  assert.ok(isSweepMessage({ type: 'openCurves', runDirs: ['/w/runs/r1'] }));
  assert.ok(isSweepMessage({ type: 'compareRuns', runDirs: ['/w/runs/r1', '/w/runs/r2'] }));
  for (const m of [
    { type: 'openCurves', runDirs: [] },
    { type: 'compareRuns', runDirs: [1] },
    { type: 'compareRuns', runDirs: '/w/runs/r1' },
    { type: 'setReference' },
    { type: 'setReference', setting: 'full', extra: true },
    { type: 'deleteRuns', runDirs: ['/w'] },
    { type: 'ready' }, // handled by the panel controller before the view's guard
  ])
    assert.equal(isSweepMessage(m), false, JSON.stringify(m));
});

test('the saved state is checked before a reload restores from it', () => {
  const state: SweepState = {
    configFile: '/w/sweep.adapterlab.json',
    reference: 'full',
    task: 'mood',
    metric: 'validation',
    cost: 'params',
    filter: 'seed 1$',
    sort: { column: 'task:mood:test', descending: true },
    hiddenColumns: ['folder'],
    differencesOnly: true,
    brushes: { seed: { kind: 'values', values: ['2'] }, 'metric:test': { kind: 'range', min: 0.7, max: 0.9 } },
    selected: ['k1'],
  };
  assert.ok(isSweepState(state));
  assert.ok(isSweepState({ ...state, reference: undefined, task: undefined, sort: undefined }));
  for (const bad of [
    { ...state, metric: 'f1' },
    { ...state, cost: 'time' },
    { ...state, brushes: { seed: { kind: 'range', min: 2, max: 1 } } },
    { ...state, brushes: { seed: { kind: 'values', values: [2] } } },
    { ...state, sort: { column: 'run' } },
    { ...state, selected: 'k1' },
    { ...state, configFile: undefined },
  ])
    assert.equal(isSweepState(bad), false, JSON.stringify(bad));
});
