// What every Adapter Lab panel needs from the host side, once: the ready handshake (messages wait in a queue until
// the webview's script says it listens), validation of every incoming message (anything malformed is logged and
// dropped), disposal, and a WebviewPanelSerializer so a panel comes back after a reload from the state its webview
// saved with setState.
import * as vscode from 'vscode';
import { type CommonFromWebview, isLoadFailedMessage, isPageLoadingMessage, isReadyMessage } from '../../protocol/webview';
import { type Guard } from '../../protocol/guards';
import { loadFailedHtml, panelHtml, webviewOptions } from './panelHtml';

/** How many times a page that could not load its files is loaded again before the panel shows why it gave up. */
const MAX_PAGE_RELOADS = 3;
/**
 * A visible page that has said nothing by then (not even its inline script's 'page-loading') is loaded again: VS Code
 * for the web can restore two panels at once and leave one of them empty (not even the inline HTML shows), the same
 * race as LoadFailedMessage. When the page is still silent after that, a restored panel is opened afresh (a new
 * webview) from the state it was restored with: setting the HTML of a webview whose frame never came up does not
 * always bring it back. A page that said 'page-loading' is alive and only slow: it is left to finish (loading it again
 * on a busy machine would only make it slower, and a test holding its frame would lose it).
 */
const READY_WATCHDOG_MS = 10_000;
const MAX_WATCHDOG_RELOADS = 2; // a page that is only slow (a busy machine) still loads; never give up on it

/** How to open a restored panel afresh (set by registerPanelSerializer while it restores the panel). */
const reopenRestored = new WeakMap<vscode.WebviewPanel, () => void>();
/** The state a panel opened afresh starts from: the one its predecessor was restored with (its page reads it). */
const seededState = new WeakMap<vscode.WebviewPanel, unknown>();

export interface PanelSpec<FromWebview> {
  /** The webview panel type, also the serializer's key (declared as onWebviewPanel:<viewType> in package.json). */
  viewType: string;
  /** The bundle media/webview/<view>.js. */
  view: string;
  title: string;
  /** Validates a message from the webview; the 'ready' message is handled here. */
  isMessage: Guard<FromWebview>;
  log: vscode.OutputChannel;
}

export class PanelController<ToWebview, FromWebview> implements vscode.Disposable {
  private readonly queue: ToWebview[] = [];
  private ready = false;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposeListeners: (() => void)[] = [];
  private pageReloads = 0;
  private everReady = false;
  private readonly readyListeners: ((first: boolean) => void)[] = [];
  private readonly loadPage: () => void;
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogReloads = 0;
  /** The current page's inline script ran (PageLoadingMessage). */
  private pageAlive = false;

  /** Wraps `panel` (a new one, or one VS Code restores) and loads the view's HTML into it. */
  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly spec: PanelSpec<FromWebview>,
    private readonly onMessage: (message: FromWebview) => void | Promise<void>,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    this.loadPage = () => {
      this.pageAlive = false;
      panel.webview.html = panelHtml(panel.webview, extensionUri, spec.view, spec.title, seededState.get(panel));
      this.armWatchdog();
    };
    this.loadPage();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview's page is gone (we do not retain it): hold messages until it is back and ready.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  /** Sends now if the webview listens, else when it says ready (in order). */
  post(message: ToWebview): void {
    if (this.disposed) return;
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  /** Called when the panel closes (by the user or by dispose()). */
  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private receive(message: unknown): void {
    if (isReadyMessage(message)) return this.onWebviewReady();
    if (isPageLoadingMessage(message)) {
      this.pageAlive = true;
      return;
    }
    if (isLoadFailedMessage(message)) return this.onPageLoadFailed(message.resource);
    if (!this.spec.isMessage(message)) {
      this.spec.log.appendLine(`warning: ${this.spec.title} panel sent a message it should not: ${truncate(JSON.stringify(message))}`);
      return;
    }
    Promise.resolve(this.onMessage(message)).catch((e: unknown) =>
      this.spec.log.appendLine(`error: ${this.spec.title} panel: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
  }

  /**
   * The first ready flushes what was queued. A webview that was hidden loses its page and says ready again when
   * shown: what was queued meanwhile is dropped, because the ready listeners send the view's whole content again.
   */
  private onWebviewReady(): void {
    clearTimeout(this.watchdog);
    const first = !this.everReady;
    this.everReady = true;
    this.ready = true;
    const queued = this.queue.splice(0);
    if (first) for (const message of queued) void this.panel.webview.postMessage(message);
    this.readyListeners.forEach((l) => l(first));
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.disposed || this.ready || this.pageAlive || !this.panel.visible || this.watchdogReloads >= MAX_WATCHDOG_RELOADS) return;
      const reopen = reopenRestored.get(this.panel);
      if (this.watchdogReloads > 0 && reopen) {
        this.spec.log.appendLine(`warning: ${this.spec.title} panel still silent after loading it again; opening it afresh`);
        reopenRestored.delete(this.panel);
        return reopen();
      }
      this.watchdogReloads++;
      this.spec.log.appendLine(
        `warning: ${this.spec.title} panel did not say ready within ${READY_WATCHDOG_MS / 1000} s; loading the page again (${this.watchdogReloads}/${MAX_WATCHDOG_RELOADS})`,
      );
      this.loadPage();
    }, READY_WATCHDOG_MS);
  }

  /** The page is loaded again (a new page: its ready listeners resend everything), a few times at most. */
  private onPageLoadFailed(resource: string): void {
    if (this.disposed) return;
    this.ready = false;
    if (this.pageReloads >= MAX_PAGE_RELOADS) {
      this.spec.log.appendLine(`error: ${this.spec.title} panel could not load ${resource} after ${MAX_PAGE_RELOADS} reloads; giving up`);
      this.panel.webview.html = loadFailedHtml(this.spec.title, resource);
      return;
    }
    this.pageReloads++;
    this.spec.log.appendLine(`warning: ${this.spec.title} panel could not load ${resource}; loading the page again (${this.pageReloads}/${MAX_PAGE_RELOADS})`);
    this.loadPage();
  }

  /** Called each time the webview (re)loads and says ready; `first` is false after a reload, when all must be resent. */
  onReady(listener: (first: boolean) => void): void {
    this.readyListeners.push(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.watchdog);
    this.subscriptions.forEach((s) => s.dispose());
    this.disposeListeners.forEach((l) => l());
    this.panel.dispose();
  }
}

/** The message from a webview that is not one of the common ones. */
export type ViewMessage<FromWebview> = Exclude<FromWebview, CommonFromWebview>;

/**
 * Registers the serializer that brings a panel of `viewType` back after a reload: `restore` gets the state the
 * webview saved (unknown: validate it) and rebuilds the panel's controller, or closes the panel when it cannot.
 */
export function registerPanelSerializer(viewType: string, restore: (panel: vscode.WebviewPanel, state: unknown) => void | Promise<void>): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    deserializeWebviewPanel: async (panel, state: unknown) => {
      reopenRestored.set(panel, () => {
        const fresh = vscode.window.createWebviewPanel(
          viewType,
          panel.title,
          { viewColumn: panel.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: true },
          { ...panel.options, ...panel.webview.options },
        );
        // A new webview has no saved state: its page gets the old one's (the run, zoom, scroll, filters) to start from.
        seededState.set(fresh, state);
        // After the old panel's own dispose listeners (registered first), which forget it by the same key.
        panel.onDidDispose(() => void restore(fresh, state));
        panel.dispose();
      });
      await restore(panel, state);
    },
  });
}

function truncate(text: string | undefined, max = 200): string {
  if (text === undefined) return 'undefined';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
