// Which configs of the workspace have a `sweep`: kept in the context key `adapterLab.sweepConfigs` (their paths), so
// that Show Sweep is offered on those configs only (`resourcePath in adapterLab.sweepConfigs` in package.json), and
// used to find the config Show Sweep acts on when it is run from the command palette.
import * as path from 'path';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { rawSweepOf } from '../core/sweep/spec';
import { CONFIG_GLOB, findConfigs, isConfigUri } from './configDocuments';
import { throttle } from './throttle';

const CONTEXT_KEY = 'adapterLab.sweepConfigs';
const RESCAN_EVERY_MS = 1000;

/** Whether a config's text has a `sweep` (read leniently: a config with errors elsewhere still has it). */
export function hasSweep(text: string): boolean {
  const sweep: unknown = rawSweepOf(parse(text, [], { allowTrailingComma: true }));
  return typeof sweep === 'object' && sweep !== null;
}

export class SweepConfigs implements vscode.Disposable {
  private paths: string[] = [];
  private readonly rescan = throttle(() => void this.scan(), RESCAN_EVERY_MS);
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    this.subscriptions = [watcher, watcher.onDidCreate(this.rescan), watcher.onDidChange(this.rescan), watcher.onDidDelete(this.rescan), this.rescan];
    void this.scan();
  }

  /** The config Show Sweep acts on: the one it was invoked on (a config, a Runs view sweep node), else the active
   * editor's sweep config, else the only sweep config of the workspace, else the one the user picks. */
  async target(arg: unknown): Promise<string | undefined> {
    if (arg instanceof vscode.Uri) return arg.fsPath;
    if (isSweepNode(arg)) return path.resolve(arg.configFile);
    await this.scan();
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && isConfigUri(active) && this.paths.includes(active.fsPath)) return active.fsPath;
    if (this.paths.length <= 1) {
      if (!this.paths.length) void vscode.window.showInformationMessage('No experiment config in this workspace has a "sweep".');
      return this.paths[0];
    }
    const picked = await vscode.window.showQuickPick(
      this.paths.map((file) => ({ label: vscode.workspace.asRelativePath(file), file })),
      { placeHolder: 'Which sweep?' },
    );
    return picked?.file;
  }

  private async scan(): Promise<void> {
    const found: string[] = [];
    for (const uri of await findConfigs()) {
      try {
        if (hasSweep(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)))) found.push(uri.fsPath);
      } catch {
        // deleted while scanning
      }
    }
    this.paths = found.sort();
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, this.paths);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

/** A Runs view node of a sweep (contextValue "sweep"): it names its config. */
function isSweepNode(arg: unknown): arg is { configFile: string } {
  return typeof arg === 'object' && arg !== null && typeof (arg as { configFile?: unknown }).configFile === 'string';
}
