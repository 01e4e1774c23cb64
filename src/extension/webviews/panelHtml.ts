// The HTML shell every Adapter Lab panel starts from: a strict Content Security Policy (scripts only with this
// page's nonce, styles and images only from the extension), the shared theme.css and the view's bundle
// media/webview/<view>.js, both through asWebviewUri. The view's script builds everything else.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { LOAD_FAILED_REPORTER, seedStateScript } from './pageScripts';

/** Options for every panel: scripts on, and nothing readable but the extension's media folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

/** `seedState`: the state the page starts from when VS Code holds none for it (a panel opened afresh). */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: string, title: string, seedState?: unknown): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview', file));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${media('theme.css')}">
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <main id="root" data-view="${escapeHtml(view)}" aria-busy="true"><p class="muted">Loading ${escapeHtml(title)}…</p></main>
  <script nonce="${nonce}">${LOAD_FAILED_REPORTER}${seedState === undefined ? '' : seedStateScript(seedState)}</script>
  <script nonce="${nonce}" src="${media(`${view}.js`)}"></script>
</body>
</html>`;
}

/** What a panel shows when its page failed to load several times in a row: a plain page, no script. */
export function loadFailedHtml(title: string, resource: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'">
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <main id="root" data-view="load-failed" role="alert"><p><strong>${escapeHtml(title)} could not load its files</strong> (${escapeHtml(resource)}). Close this panel and open it again; if that does not help, reload the window.</p></main>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
