// The inline scripts of a panel's page (they run before its bundle, under the page's nonce). Plain strings, kept
// apart from panelHtml so they can be run in a test without VS Code.

/**
 * Inline, before the bundle: takes the VS Code API (which a page may acquire only once) and leaves it to the bundle
 * on `window.adapterLabVsCodeApi`; tells the host the page is alive (PageLoadingMessage), so a page that is only slow
 * is not loaded again; and when theme.css or the bundle fails to load (see LoadFailedMessage), says so in the page
 * and tells the host, which loads the page again.
 */
export const LOAD_FAILED_REPORTER = `const api = acquireVsCodeApi();
window.adapterLabVsCodeApi = api;
api.postMessage({ type: 'page-loading' });
addEventListener('error', (e) => {
  const el = e.target;
  if (!(el instanceof HTMLScriptElement || el instanceof HTMLLinkElement) || window.adapterLabLoadFailed) return;
  window.adapterLabLoadFailed = true;
  const resource = String(el instanceof HTMLScriptElement ? el.src : el.href);
  api.postMessage({ type: 'load-failed', resource });
  document.getElementById('root').textContent = 'Could not load ' + resource + ': loading the panel again…';
}, true);`;

/** Sets the page's saved state before the bundle reads it, unless VS Code already holds one. */
export function seedStateScript(state: unknown): string {
  // JSON is valid script; escaping '<' keeps a '</script>' inside a string from ending the element.
  return `\nif (api.getState() == null) api.setState(${JSON.stringify(state).replace(/</g, '\\u003c')});`;
}
