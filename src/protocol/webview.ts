// The messages every webview panel shares, and the small type guards both ends validate messages with.
// Each view adds its own messages in its own file (curves.ts, compare.ts, graph.ts, parameters.ts) and unions them
// with these. The host never trusts a message from a webview: it checks it with a guard, and logs and drops the rest.
import { isString, messageOf, optional } from './guards';

/** Webview → host, every view: sent once the script has loaded and listens; the host queues messages until then. */
export interface ReadyMessage {
  type: 'ready';
}

/**
 * Webview → host, every view: the page could not load one of its own files (the bundle or theme.css), so it cannot
 * run; sent by the page's inline loader script, and the host loads the page again. VS Code for the web can restore a
 * panel after a reload before its service worker serves the extension's files: the requests then leave for
 * vscode-cdn.net and fail (microsoft/vscode#326544), the second panel restored at once being the usual victim.
 */
export interface LoadFailedMessage {
  type: 'load-failed';
  resource: string;
}

/**
 * Webview → host, every view: sent by the page's inline script before the bundle loads. A page that said this is
 * alive, only slow (a busy machine): the host does not load it again for being late with 'ready'.
 */
export interface PageLoadingMessage {
  type: 'page-loading';
}

/** Host → webview, every view: something the view cannot show; the view shows the message in place of its content. */
export interface ErrorMessage {
  type: 'error';
  message: string;
  /** e.g. the file and line that is broken */
  detail?: string;
}

export type CommonFromWebview = ReadyMessage | LoadFailedMessage | PageLoadingMessage;
export type CommonToWebview = ErrorMessage;

export const isReadyMessage = messageOf<ReadyMessage>('ready', {});
export const isPageLoadingMessage = messageOf<PageLoadingMessage>('page-loading', {});
export const isLoadFailedMessage = messageOf<LoadFailedMessage>('load-failed', { resource: isString });
export const isErrorMessage = messageOf<ErrorMessage>('error', { message: isString, detail: optional(isString) });
