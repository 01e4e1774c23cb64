// Open Playground: what it opens on depends on where it was invoked — a config (CodeLens, explorer, editor) or a run
// or experiment in the Runs view opens that experiment's finished runs; the command palette offers the workspace's
// experiments and its decoders (GPT-2 folders, built-in decoders).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BUILTIN_MODELS, builtinModelDir } from '../core/io/builtinModels';
import { readRun } from '../core/io/runStore';
import type { PlaygroundSource } from '../protocol/playground';
import { findConfigs, isConfigUri } from './configDocuments';
import { runsDirOf } from './runLocations';
import type { RunsTreeNode } from './runsTreeNodes';
import { readSettings } from './settings';

/** What the Playground opens on, and the run it was opened from (`select`), if any. */
export async function playgroundSource(arg: unknown): Promise<{ source: PlaygroundSource; select?: string } | undefined> {
  if (arg instanceof vscode.Uri && isConfigUri(arg)) return { source: experimentOf(arg) };
  if (typeof arg === 'string' && (arg.startsWith('builtin:') || isDecoderFolder(arg))) return { source: { kind: 'decoder', target: arg } };
  const node = arg as RunsTreeNode | undefined;
  const runDir = typeof arg === 'string' ? path.resolve(arg) : node?.kind === 'run' ? node.entry.dir : undefined;
  if (runDir) return { source: { kind: 'experiment', configFile: readRun(runDir).configFile, runsDir: path.dirname(runDir) }, select: runDir };
  if (node?.kind === 'experiment') {
    const run = node.group.runs[0];
    if (run) return { source: { kind: 'experiment', configFile: run.record.configFile, runsDir: path.dirname(run.dir) } };
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const picked = await pick(active && isConfigUri(active) ? active : undefined);
  return picked && { source: picked };
}

function experimentOf(config: vscode.Uri): PlaygroundSource {
  const text = fs.existsSync(config.fsPath) ? fs.readFileSync(config.fsPath, 'utf8') : '';
  const folder = vscode.workspace.getWorkspaceFolder(config)?.uri.fsPath;
  return { kind: 'experiment', configFile: config.fsPath, runsDir: runsDirOf(config.fsPath, text, readSettings(config).runsFolder, folder) };
}

function isDecoderFolder(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { model_type?: unknown }).model_type === 'gpt2';
  } catch {
    return false;
  }
}

/** The experiments and decoders of the workspace, the active config first. */
async function pick(active: vscode.Uri | undefined): Promise<PlaygroundSource | undefined> {
  const configs = await findConfigs();
  const folders = (await vscode.workspace.findFiles('**/config.json', '**/node_modules/**', 200)).map((u) => path.dirname(u.fsPath)).filter(isDecoderFolder);
  const builtins = BUILTIN_MODELS.filter((name) => {
    const dir = builtinModelDir(name);
    return dir !== undefined && isDecoderFolder(dir);
  });
  const items: (vscode.QuickPickItem & { source: PlaygroundSource })[] = [
    ...configs
      .sort((a, b) => Number(b.fsPath === active?.fsPath) - Number(a.fsPath === active?.fsPath))
      .map((uri) => ({ label: `$(beaker) ${vscode.workspace.asRelativePath(uri)}`, description: 'experiment: its finished runs', source: experimentOf(uri) })),
    ...folders.map((dir) => ({
      label: `$(comment) ${vscode.workspace.asRelativePath(dir)}`,
      description: 'decoder (GPT-2 folder): generate text',
      source: { kind: 'decoder', target: dir } as PlaygroundSource,
    })),
    ...builtins.map((name) => ({
      label: `$(comment) builtin:${name}`,
      description: 'built-in decoder: generate text',
      source: { kind: 'decoder', target: `builtin:${name}` } as PlaygroundSource,
    })),
  ];
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      'Nothing to open in the Playground: no experiment config (*.adapterlab.json) and no GPT-2 folder in this workspace.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Open the Playground on…', matchOnDescription: true });
  return picked?.source;
}
