// The composition graph panels, one per config: opened from the CodeLens, the explorer/editor context menus and
// the editor title; redrawn (debounced) as the config's text changes, even before it is saved; a click selects the
// item's definition in the config; exports are saved where the user says; a panel comes back after a reload.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { walkItems } from '../../common/graphModel';
import { GRAPH_VIEW_TYPE, type GraphModel, type GraphRequest, type GraphToWebview, isGraphRequest, isGraphState } from '../../protocol/graph';
import { GraphContent } from './graphContent';
import { PanelController, registerPanelSerializer } from './panelController';

const REDRAW_DELAY_MS = 250;

export class GraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, GraphPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.OutputChannel,
  ) {
    this.subscriptions = [
      registerPanelSerializer(GRAPH_VIEW_TYPE, (panel, state) => {
        if (isGraphState(state) && fs.existsSync(state.file)) this.adopt(panel, vscode.Uri.file(state.file));
        else panel.dispose();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.panels.get(e.document.uri.fsPath)?.scheduleRedraw()),
    ];
  }

  show(config: vscode.Uri): void {
    const open = this.panels.get(config.fsPath);
    if (open) {
      open.controller.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, titleOf(config), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    this.adopt(panel, config);
  }

  private adopt(panel: vscode.WebviewPanel, config: vscode.Uri): void {
    panel.title = titleOf(config);
    const graph = new GraphPanel(panel, config, this.extensionUri, this.log);
    this.panels.set(config.fsPath, graph);
    graph.controller.onDispose(() => this.panels.delete(config.fsPath));
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    [...this.panels.values()].forEach((p) => p.controller.dispose());
  }
}

const titleOf = (config: vscode.Uri) => `Graph: ${path.basename(config.fsPath).replace(/\.adapterlab\.json$/, '')}`;

class GraphPanel {
  readonly controller: PanelController<GraphToWebview, GraphRequest>;
  private readonly content: GraphContent;
  private model?: GraphModel;
  private timer?: NodeJS.Timeout;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly config: vscode.Uri,
    extensionUri: vscode.Uri,
    private readonly log: vscode.OutputChannel,
  ) {
    this.content = new GraphContent((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    this.controller = new PanelController<GraphToWebview, GraphRequest>(
      panel,
      extensionUri,
      { viewType: GRAPH_VIEW_TYPE, view: 'graph', title: panel.title, isMessage: isGraphRequest, log },
      (m) => this.handle(m),
    );
    // Every (re)load of the page gets the whole graph again.
    this.controller.onReady(() => this.redraw());
    this.controller.onDispose(() => clearTimeout(this.timer));
  }

  scheduleRedraw(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.redraw(), REDRAW_DELAY_MS);
  }

  private redraw(): void {
    const message = this.content.message(this.currentText(), this.config.fsPath);
    this.model = message.type === 'graph' ? message.model : undefined;
    this.controller.post(message);
  }

  /** The editor's text when the config is open (unsaved edits included), else the file's. */
  private currentText(): string {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === this.config.fsPath);
    if (open) return open.getText();
    try {
      return fs.readFileSync(this.config.fsPath, 'utf8');
    } catch {
      return '';
    }
  }

  private async handle(message: GraphRequest): Promise<void> {
    if (message.type === 'reveal') return this.reveal(message.id);
    if (message.type === 'revealProblem') return this.select(message.line - 1, message.column - 1, message.endLine - 1, message.endColumn - 1);
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(this.config.fsPath.replace(/\.adapterlab\.json$/, `.graph.${message.format}`)),
      filters: message.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: 'Export Graph',
    });
    if (!uri) return;
    const bytes = message.format === 'svg' ? Buffer.from(message.data, 'utf8') : Buffer.from(message.data.slice(message.data.indexOf(',') + 1), 'base64');
    await vscode.workspace.fs.writeFile(uri, bytes);
    this.log.appendLine(`Graph exported to ${uri.fsPath} (${bytes.length} bytes)`);
  }

  /** Selects the item's definition in the config, in the editor that shows it (or a new one beside the graph). */
  private async reveal(id: string): Promise<void> {
    const item = this.model && [...walkItems(this.model.items)].find((i) => i.id === id);
    if (!item?.source) {
      this.log.appendLine(`warning: graph panel asked to reveal "${id}", which the current graph does not have`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(this.config);
    const start = document.positionAt(item.source.offset);
    const end = document.positionAt(item.source.offset + item.source.length);
    await this.select(start.line, start.character, end.line, end.character);
  }

  /** Selects a range of the config (0-based), in the editor that shows it or a new one beside the graph. */
  private async select(line: number, character: number, endLine: number, endCharacter: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.config);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false });
    const start = document.validatePosition(new vscode.Position(line, character));
    const end = document.validatePosition(new vscode.Position(endLine, endCharacter));
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
