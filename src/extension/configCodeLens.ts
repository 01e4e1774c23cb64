// Train · Show Graph · Parameters · Compare Runs · Playground at the top of every experiment config; no Train and no
// Playground in Restricted Mode, where the processes that read a config's data are off (they come back when the
// workspace is trusted).
import * as vscode from 'vscode';

export class ConfigCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly trusted = vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire());

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const lens = (title: string, command: string, tooltip: string) => new vscode.CodeLens(top, { title, command, tooltip, arguments: [document.uri] });
    return [
      ...(vscode.workspace.isTrusted ? [lens('$(play) Train', 'adapterLab.train', 'Train every run of this experiment, each in its own process')] : []),
      lens('$(type-hierarchy) Show Graph', 'adapterLab.showGraph', 'Layers, adapters, heads and composition blocks, with parameter counts'),
      lens('$(symbol-numeric) Parameters', 'adapterLab.showParameters', 'Trainable vs total parameters per run type, per layer, and storage for N attributes'),
      lens('$(table) Compare Runs', 'adapterLab.compareRuns', "Compare this experiment's latest runs side by side"),
      ...(vscode.workspace.isTrusted
        ? [lens('$(comment-discussion) Playground', 'adapterLab.openPlayground', 'Type a sentence and see what every finished run of this experiment predicts')]
        : []),
    ];
  }

  dispose(): void {
    this.trusted.dispose();
    this.changed.dispose();
  }
}
