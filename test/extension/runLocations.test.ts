// Where runs are looked for, and the rule that training reads and writes only inside the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveConfig } from '../../src/core/config/resolve';
import { isInside, pathsOutside, runsDirOf, workspaceDiskChecks } from '../../src/extension/runLocations';
import { checkConfigText } from '../../src/core/config/validate';

const CONFIG = '/ws/exp/tiny.adapterlab.json';

test("the runs folder is the config's runsDir, else the default, relative to the config", () => {
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

test('a symbolic link inside the workspace that points outside it counts as outside; one pointing inside does not', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runlocations-')));
  try {
    const ws = path.join(root, 'ws');
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(path.join(ws, 'exp'), { recursive: true });
    fs.mkdirSync(path.join(elsewhere, 'model'), { recursive: true });
    fs.writeFileSync(path.join(elsewhere, 'data.jsonl'), '');
    fs.writeFileSync(path.join(ws, 'inside.jsonl'), '');
    fs.symlinkSync(path.join(elsewhere, 'data.jsonl'), path.join(ws, 'exp/data.jsonl'));
    fs.symlinkSync(path.join(elsewhere, 'model'), path.join(ws, 'exp/model'));
    fs.symlinkSync(elsewhere, path.join(ws, 'exp/runs')); // the runs folder, and new run folders under it
    fs.symlinkSync(path.join(ws, 'inside.jsonl'), path.join(ws, 'exp/near.jsonl'));
    const file = path.join(ws, 'exp/tiny.adapterlab.json');
    const outside = resolveConfig({ tasks: { t: {} }, data: { path: 'data.jsonl' }, base: { path: 'model' }, runsDir: 'runs/new/deeper' }, file);
    assert.deepEqual(
      pathsOutside(outside, [ws]).map((o) => o.what),
      ['runs folder', 'data file', 'base model'],
    );
    const inside = resolveConfig({ tasks: { t: {} }, data: { path: 'near.jsonl' }, runsDir: 'not-yet/made' }, file);
    assert.deepEqual(pathsOutside(inside, [ws]), []);
    // A workspace opened through a link is still itself.
    fs.symlinkSync(ws, path.join(root, 'ws-link'));
    assert.deepEqual(pathsOutside(inside, [path.join(root, 'ws-link')]), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a base model folder inside the workspace whose files link outside it counts as outside', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runlocations-')));
  try {
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'model'), { recursive: true });
    fs.writeFileSync(path.join(root, 'weights.safetensors'), '');
    fs.writeFileSync(path.join(ws, 'model/config.json'), '{}');
    fs.symlinkSync(path.join(root, 'weights.safetensors'), path.join(ws, 'model/model.safetensors'));
    const config = resolveConfig({ tasks: { t: {} }, base: { path: 'model' } }, path.join(ws, 'tiny.adapterlab.json'));
    assert.deepEqual(
      pathsOutside(config, [ws]).map((o) => o.what),
      ['base model'],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('isInside: a name that merely starts with two dots is inside', () => {
  assert.ok(isInside('/ws', '/ws/..data/x'));
  assert.ok(!isInside('/ws', '/ws/../x'));
});

test("the editor's config checks read a path base's config.json only inside the workspace", () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runlocations-')));
  try {
    const ws = path.join(root, 'ws');
    fs.mkdirSync(ws);
    const bert = {
      model_type: 'bert',
      hidden_size: 64,
      num_hidden_layers: 3,
      num_attention_heads: 4,
      intermediate_size: 256,
      vocab_size: 500,
      max_position_embeddings: 32,
    };
    for (const dir of [path.join(root, 'outside-bert'), path.join(ws, 'inside-bert')]) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(bert));
    }
    const file = path.join(ws, 'exp.adapterlab.json');
    const text = (base: string) => JSON.stringify({ base: { path: base }, tasks: { t: {} } }); // default maxLength 64 > 32 positions
    const codes = (base: string) => checkConfigText(text(base), file, workspaceDiskChecks([ws])).problems.map((p) => p.code);
    assert.deepEqual(codes('./inside-bert'), ['max-length-too-large']);
    assert.deepEqual(codes('../outside-bert'), [], 'not read: training refuses the base as outside the workspace');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
