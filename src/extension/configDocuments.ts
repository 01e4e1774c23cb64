// Which documents and files are experiment configs.
import * as vscode from 'vscode';
import { CONFIG_SUFFIX } from '../core/config/defaults';

export const CONFIG_GLOB = `**/*${CONFIG_SUFFIX}`;
export const CONFIG_SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: CONFIG_GLOB };

export function isConfigUri(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && uri.path.endsWith(CONFIG_SUFFIX);
}

/** The configs in the workspace (not those inside node_modules). */
export function findConfigs(): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**');
}

/**
 * The config a command acts on: the one it was invoked on (explorer, editor title, CodeLens), else the active
 * editor's, else the only one in the workspace, else the one the user picks.
 */
export async function targetConfig(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && isConfigUri(arg)) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isConfigUri(active)) return active;
  const configs = await findConfigs();
  if (configs.length <= 1) {
    if (!configs.length) void vscode.window.showInformationMessage(`No experiment config (*${CONFIG_SUFFIX}) in this workspace.`);
    return configs[0];
  }
  const picked = await vscode.window.showQuickPick(
    configs.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which experiment config?' },
  );
  return picked?.uri;
}
