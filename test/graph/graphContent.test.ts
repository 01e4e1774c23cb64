// What the graph panel is sent for a config's current text: the graph, its problems (line:column) instead of a
// stale graph, or why it cannot be drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { walkItems } from '../../src/common/graphModel';
import { GraphContent } from '../../src/extension/webviews/graphContent';
import { isGraphToWebview } from '../../src/protocol/graph';
import { makeWorkspace, tinyConfig } from '../helpers/workspace';

test('a valid config gives its graph; a broken edit its problems; the fix the graph again', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig());
  const content = new GraphContent([dir]);
  const text = fs.readFileSync(configFile, 'utf8');

  const graph = content.message(text, configFile);
  assert.ok(isGraphToWebview(graph));
  assert.equal(graph.type, 'graph');
  if (graph.type === 'graph')
    assert.equal(
      [...walkItems(graph.model.items)].filter((i) => i.type === 'node' && i.kind === 'adapter').length,
      2 * 2 + 2,
      'Houlsby ×2 positions ×2 layers, Pfeiffer ×2 layers',
    );

  const typo = text.replace('"method": "pfeiffer"', '"method": "pfeifer"');
  const problems = content.message(typo, configFile);
  assert.ok(isGraphToWebview(problems));
  assert.equal(problems.type, 'problems');
  const line = typo.split('\n').findIndex((l) => l.includes('pfeifer')) + 1;
  if (problems.type === 'problems') assert.equal(problems.problems[0].line, line);

  assert.equal(content.message(text + ' }', configFile).type, 'problems', 'a syntax error too');
  assert.equal(content.message(text, configFile).type, 'graph');
});

test('a config whose data lies outside the workspace is not read there', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig());
  const elsewhere = new GraphContent([path.join(dir, 'sub')]);
  const message = elsewhere.message(fs.readFileSync(configFile, 'utf8'), configFile);
  assert.equal(message.type, 'error');
  if (message.type === 'error') assert.match(message.message, /reads only inside the workspace: data file/);
});

test('a base whose config.json is broken is named in the message, not thrown', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig({ base: { path: './model' } }));
  fs.mkdirSync(path.join(dir, 'model'));
  fs.writeFileSync(path.join(dir, 'model', 'config.json'), '{"model_type": "gpt2"}');
  const message = new GraphContent([dir]).message(fs.readFileSync(configFile, 'utf8'), configFile);
  // A config problem like any other (adapter-lab check reports it at "path" too), with its line and column.
  assert.equal(message.type, 'problems');
  if (message.type === 'problems')
    assert.match(message.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'), /^\d+:\d+ .*config\.json: model_type is "gpt2"/m);
});
