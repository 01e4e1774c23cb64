// The host checks every message from a webview before acting on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCompareMessage, isCompareState } from '../../src/protocol/compare';
import { isCurvesState } from '../../src/protocol/curves';
import { isErrorMessage, isLoadFailedMessage, isPageLoadingMessage, isReadyMessage } from '../../src/protocol/webview';

test('the common messages: ready, page-loading, load-failed, error', () => {
  assert.ok(isReadyMessage({ type: 'ready' }));
  assert.ok(isPageLoadingMessage({ type: 'page-loading' }));
  assert.ok(!isPageLoadingMessage({ type: 'ready' }));
  assert.ok(!isReadyMessage({ type: 'ready', extra: 1 }), 'unknown fields are refused');
  assert.ok(isErrorMessage({ type: 'error', message: 'x' }));
  assert.ok(isErrorMessage({ type: 'error', message: 'x', detail: 'y' }));
  assert.ok(isLoadFailedMessage({ type: 'load-failed', resource: 'https://x/media/webview/graph.js' }));
  assert.ok(!isLoadFailedMessage({ type: 'load-failed' }), 'the file that failed is named');
  assert.ok(!isLoadFailedMessage({ type: 'load-failed', resource: 1 }));
  assert.ok(!isErrorMessage({ type: 'error', message: 3 }));
  assert.ok(!isErrorMessage(null));
});

test('compare panel messages: export and copy with a known format and a text', () => {
  assert.ok(isCompareMessage({ type: 'export', format: 'csv', text: 'a,b\n' }));
  assert.ok(isCompareMessage({ type: 'copy', format: 'markdown', text: '| a |' }));
  assert.ok(!isCompareMessage({ type: 'export', format: 'xlsx', text: '' }));
  assert.ok(!isCompareMessage({ type: 'export', format: 'csv' }));
  assert.ok(!isCompareMessage({ type: 'delete', path: '/' }));
  assert.ok(!isCompareMessage('export'));
});

test('saved panel state is checked before a reload restores from it', () => {
  const curves = { runDirs: ['/w/.adapterlab/runs/r1'], smoothing: 0.6, xAxis: 'epoch', logScale: true };
  assert.ok(isCurvesState(curves));
  assert.ok(!isCurvesState({ ...curves, smoothing: 1 }), 'smoothing 1 would freeze the curve');
  assert.ok(!isCurvesState({ ...curves, xAxis: 'time' }));
  assert.ok(!isCurvesState({ ...curves, runDirs: [1] }));
  assert.ok(isCompareState({ ...curves, differencesOnly: false }));
  assert.ok(!isCompareState(curves));
  // The run selector and the table's sort, filter and scatter measure are kept too; older states without them load.
  assert.ok(isCurvesState({ ...curves, hiddenRuns: ['r1'], runFilter: 'adapter' }));
  assert.ok(!isCurvesState({ ...curves, hiddenRuns: 'r1' }));
  const compare = { ...curves, differencesOnly: true, sort: { column: 'mood test acc', descending: true }, tableFilter: 'tiny', scatterView: 'all' };
  assert.ok(isCompareState(compare));
  assert.ok(!isCompareState({ ...compare, sort: { column: 'x' } }));
});
