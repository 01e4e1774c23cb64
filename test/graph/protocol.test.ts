// The host acts only on webview messages that pass these guards; anything else is logged and dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGraphRequest, isGraphState } from '../../src/protocol/graph';
import { isParametersState } from '../../src/protocol/parameters';

test('graph requests: a reveal by id, an SVG or PNG export; nothing else', () => {
  assert.ok(isGraphRequest({ type: 'reveal', id: 'L0.attention' }));
  assert.ok(isGraphRequest({ type: 'export', format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }));
  assert.ok(isGraphRequest({ type: 'export', format: 'png', data: 'data:image/png;base64,iVBORw0KGgo=' }));
  for (const bad of [
    { type: 'reveal' },
    { type: 'reveal', id: 3 },
    { type: 'reveal', id: 'x', range: { offset: 0 } }, // the host looks the range up itself
    { type: 'export', format: 'svg', data: '<script>alert(1)</script>' },
    { type: 'export', format: 'png', data: 'file:///etc/passwd' },
    { type: 'export', format: 'pdf', data: '<svg/>' },
    { type: 'ready', extra: true },
    null,
    'reveal',
  ]) {
    assert.equal(isGraphRequest(bad), false, JSON.stringify(bad));
  }
});

test('saved states from an older or damaged page are not restored', () => {
  assert.ok(isGraphState({ file: '/w/x.adapterlab.json' }));
  assert.ok(isGraphState({ file: '/w/x.adapterlab.json', zoom: 1.5 }));
  assert.equal(isGraphState({ file: '/w/x.adapterlab.json', zoom: -1 }), false);
  assert.equal(isGraphState({ zoom: 1 }), false);
  assert.ok(isParametersState({ source: { kind: 'run', dir: '/w/.adapterlab/runs/r' }, attributes: 10, logScale: true }));
  assert.equal(isParametersState({ source: { kind: 'run', file: '/w' }, attributes: 10, logScale: true }), false);
  assert.equal(isParametersState({ source: { kind: 'config', file: '/w/x' }, attributes: 0, logScale: true }), false);
});

test('a problem location to select: 1-based whole line and column numbers only', () => {
  assert.ok(isGraphRequest({ type: 'revealProblem', line: 3, column: 5, endLine: 3, endColumn: 12 }));
  for (const bad of [
    { type: 'revealProblem', line: 0, column: 5, endLine: 3, endColumn: 12 },
    { type: 'revealProblem', line: 3, column: 1.5, endLine: 3, endColumn: 12 },
    { type: 'revealProblem', line: 3, column: 5 },
    { type: 'revealProblem', line: 3, column: 5, endLine: 3, endColumn: 12, file: '/etc/passwd' },
  ])
    assert.equal(isGraphRequest(bad), false, JSON.stringify(bad));
  assert.ok(isGraphState({ file: '/w/x.adapterlab.json', zoom: 0.95, scroll: { left: 10, top: 20 }, run: 'adapter:lora', collapsed: ['L0'] }));
  assert.equal(isGraphState({ file: '/w/x.adapterlab.json', collapsed: 'L0' }), false);
});
