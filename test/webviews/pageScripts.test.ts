// The inline scripts of a panel's page, run as the page runs them (in order, sharing one script scope).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { LOAD_FAILED_REPORTER, seedStateScript } from '../../src/extension/webviews/pageScripts';

/** A page's globals with a VS Code API whose saved state starts as `saved`; what the scripts posted and saved. */
function runPage(script: string, saved: unknown) {
  const posted: unknown[] = [];
  let state = saved;
  const api = { postMessage: (m: unknown) => posted.push(m), getState: () => state, setState: (s: unknown) => (state = s) };
  const window: Record<string, unknown> = {};
  vm.runInNewContext(script, { acquireVsCodeApi: () => api, window, addEventListener: () => undefined });
  // Objects made inside the context have its prototypes: compare them as plain JSON.
  const plain = (v: unknown): unknown => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  return { posted: () => plain(posted), state: () => plain(state), window, api };
}

test('the inline script hands the API to the bundle and says the page is alive', () => {
  const page = runPage(LOAD_FAILED_REPORTER, undefined);
  assert.equal(page.window.adapterLabVsCodeApi, page.api);
  assert.deepEqual(page.posted(), [{ type: 'page-loading' }]);
});

test("a panel opened afresh starts from its predecessor's state, even one holding '</script>'", () => {
  const seed = { file: '/w/a.adapterlab.json', run: 'adapter:x', zoom: 1.25, collapsed: ['L0'], filter: '</script><b>' };
  const script = LOAD_FAILED_REPORTER + seedStateScript(seed);
  assert.ok(!script.includes('</script>'), 'nothing in it can end the <script> element');
  assert.deepEqual(runPage(script, undefined).state(), seed);
});

test('a state VS Code already holds for the page wins over the seed', () => {
  const kept = { file: '/w/a.adapterlab.json', zoom: 0.8 };
  assert.deepEqual(runPage(LOAD_FAILED_REPORTER + seedStateScript({ file: 'old', zoom: 2 }), kept).state(), kept);
});
