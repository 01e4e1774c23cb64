// Where runs are looked for, and the rule that training reads and writes only inside the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { resolveConfig } from '../../src/core/config/resolve';
import { isInside, pathsOutside, runsDirOf } from '../../src/extension/runLocations';

const CONFIG = '/ws/exp/tiny.adapterlab.json';

test('the runs folder is the config\'s runsDir, else the default, relative to the config', () => {
  assert.equal(runsDirOf(CONFIG, '{ // comment\n "runsDir": "out/runs", }', '', '/ws'), path.resolve('/ws/exp/out/runs'));
  assert.equal(runsDirOf(CONFIG, '{ "tasks": {} }', '', '/ws'), path.resolve('/ws/exp/.adapterlab/runs'));
});

test('a config that does not parse still has the default runs folder', () => {
  assert.equal(runsDirOf(CONFIG, '{ "runsDir": ', '', '/ws'), path.resolve('/ws/exp/.adapterlab/runs'));
});

test('the runsFolder setting wins, relative to the workspace folder', () => {
  assert.equal(runsDirOf(CONFIG, '{ "runsDir": "out" }', 'all-runs', '/ws'), path.resolve('/ws/all-runs'));
});

test('isInside: the folder itself and anything below, nothing beside or above', () => {
  assert.ok(isInside('/ws', '/ws'));
  assert.ok(isInside('/ws', '/ws/a/b'));
  assert.ok(!isInside('/ws', '/ws-other/a'));
  assert.ok(!isInside('/ws', '/'));
  assert.ok(!isInside('/ws/a', '/ws/a/../b'));
});

test('data, base model and runs folder outside the workspace are reported', () => {
  const config = resolveConfig({ tasks: { t: {} }, data: { path: '../../elsewhere/data.jsonl' }, base: { path: '/models/bert' }, runsDir: 'runs' }, CONFIG);
  assert.deepEqual(pathsOutside(config, ['/ws']), [
    { what: 'data file', path: path.resolve('/elsewhere/data.jsonl') },
    { what: 'base model', path: path.resolve('/models/bert') },
  ]);
  assert.deepEqual(pathsOutside(config, ['/ws', '/elsewhere', '/models']), []);
});
