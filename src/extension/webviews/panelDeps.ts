// What the Adapter Lab panels need from the extension: where its media is, the run colours, the output channel.
import type * as vscode from 'vscode';
import type { RunColors } from './runColors';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  colors: RunColors;
  log: vscode.OutputChannel;
}
