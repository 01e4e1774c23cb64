// The webview's side of the wire: a typed wrapper over acquireVsCodeApi (which may be called only once per page),
// the state VS Code keeps for the panel (restored after a reload, handed to the host's WebviewPanelSerializer), and
// a typed listener for the host's messages.
import type { CommonFromWebview } from '../../src/protocol/webview';
import type { Guard } from '../../src/protocol/guards';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Taken by the page's inline script (panelHtml.ts), which runs first. */
declare global {
  interface Window {
    adapterLabVsCodeApi?: VsCodeApi;
  }
}

export interface WebviewApi<ToHost, State> {
  post(message: ToHost | CommonFromWebview): void;
  /** The saved state, when it passes the guard (an older build's state does not). */
  state(): State | undefined;
  /** Saves the whole state: VS Code keeps it while the panel is hidden and across a reload. */
  saveState(state: State): void;
}

let api: VsCodeApi | undefined;

export function vscodeApi<ToHost, State>(isState: Guard<State>): WebviewApi<ToHost, State> {
  api ??= window.adapterLabVsCodeApi ?? acquireVsCodeApi();
  const vscode = api;
  return {
    post: (message) => vscode.postMessage(message),
    state: () => {
      const saved = vscode.getState();
      return isState(saved) ? saved : undefined;
    },
    saveState: (state) => vscode.setState(state),
  };
}

/**
 * Calls `handle` for each message from the host that passes `isMessage`; others are logged (to the webview's
 * developer tools) and dropped. Then says "ready", so the host starts sending.
 */
export function listen<ToWebview>(api: WebviewApi<unknown, unknown>, isMessage: Guard<ToWebview>, handle: (message: ToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isMessage(event.data)) handle(event.data);
    else console.warn('Adapter Lab: ignored a message the view does not understand', event.data);
  });
  api.post({ type: 'ready' });
}
