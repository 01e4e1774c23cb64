// What the Runs view says before there is anything to list, and in Restricted Mode: the `adapterLab.hasConfigs`
// context key picks the welcome text ("right-click a config" when there is one, "write a config" when not); in an
// untrusted workspace, where training is off, the view says so above its runs. The message is set only while runs
// are listed: VS Code hides a view's welcome content whenever its tree view has a message, and the Restricted Mode
// welcome text (package.json) is what an empty view shows.
import * as vscode from 'vscode';
import { CONFIG_GLOB, findConfigs } from './configDocuments';

export const RESTRICTED_MESSAGE =
  'Restricted Mode: runs are listed and configs checked, but training is off until you trust this workspace (it starts processes that read your data and write run folders).';

export class RunsViewWelcome implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly runs: { readonly runs: readonly unknown[]; readonly onDidChangeList: vscode.Event<void> },
  ) {
    const configs = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB, false, true, false);
    this.subscriptions = [
      configs,
      configs.onDidCreate(() => void this.updateConfigs()),
      configs.onDidDelete(() => void this.updateConfigs()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.updateTrust()),
      runs.onDidChangeList(() => this.updateTrust()),
    ];
    void this.updateConfigs();
    this.updateTrust();
  }

  private async updateConfigs(): Promise<void> {
    const found = (await findConfigs()).length > 0;
    await vscode.commands.executeCommand('setContext', 'adapterLab.hasConfigs', found);
  }

  private updateTrust(): void {
    this.view.message = vscode.workspace.isTrusted || this.runs.runs.length === 0 ? undefined : RESTRICTED_MESSAGE;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}
