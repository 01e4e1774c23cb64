// The parameters panels: one per config or run folder, showing total vs trainable parameters per run type, per
// layer, bytes per attribute and the N-attribute projection. Everything is counted from shapes in the host (no
// TensorFlow.js); a damaged run folder shows its message in the panel. A panel comes back after a reload.
import * as path from 'path';
import * as vscode from 'vscode';
import { parametersForConfig, parametersForRun } from '../../core/parameters/forConfig';
import {
  PARAMETERS_VIEW_TYPE,
  type ParametersFromWebview,
  type ParametersSource,
  type ParametersToWebview,
  isParametersState,
} from '../../protocol/parameters';
import { isReadyMessage } from '../../protocol/webview';
import { PanelController, registerPanelSerializer } from './panelController';

const keyOf = (source: ParametersSource) => (source.kind === 'config' ? `config:${source.file}` : `run:${source.dir}`);

export class ParametersPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PanelController<ParametersToWebview, ParametersFromWebview>>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.OutputChannel,
  ) {
    this.serializer = registerPanelSerializer(PARAMETERS_VIEW_TYPE, (panel, state) => {
      if (isParametersState(state)) this.adopt(panel, state.source);
      else panel.dispose();
    });
  }

  showConfig(config: vscode.Uri): void {
    this.show({ kind: 'config', file: config.fsPath });
  }

  showRun(dir: string): void {
    this.show({ kind: 'run', dir });
  }

  private show(source: ParametersSource): void {
    const open = this.panels.get(keyOf(source));
    if (open) {
      open.panel.reveal(undefined, true);
      open.post(contentOf(source)); // a run may have finished since
      return;
    }
    const panel = vscode.window.createWebviewPanel(PARAMETERS_VIEW_TYPE, 'Parameters', { viewColumn: vscode.ViewColumn.Active }, {});
    this.adopt(panel, source);
  }

  private adopt(panel: vscode.WebviewPanel, source: ParametersSource): void {
    const name = source.kind === 'config' ? path.basename(source.file).replace(/\.adapterlab\.json$/, '') : path.basename(source.dir);
    panel.title = `Parameters: ${name}`;
    const controller = new PanelController<ParametersToWebview, ParametersFromWebview>(
      panel,
      this.extensionUri,
      { viewType: PARAMETERS_VIEW_TYPE, view: 'parameters', title: panel.title, isMessage: isReadyMessage, log: this.log },
      () => undefined,
    );
    controller.onReady(() => controller.post(contentOf(source)));
    this.panels.set(keyOf(source), controller);
    controller.onDispose(() => this.panels.delete(keyOf(source)));
  }

  dispose(): void {
    this.serializer.dispose();
    [...this.panels.values()].forEach((p) => p.dispose());
  }
}

function contentOf(source: ParametersSource): ParametersToWebview {
  const data = source.kind === 'config' ? parametersForConfig(source.file) : parametersForRun(source.dir);
  return { type: 'parameters', source, data };
}
