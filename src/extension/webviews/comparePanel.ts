// The Compare runs panel (host side): any number of runs, their summaries and configs, their curves streamed like
// the curves panel; the webview builds the tables and hands the host an export to save or copy.
import * as path from 'path';
import * as vscode from 'vscode';
import { runConfigView } from '../../core/metrics/runConfigView';
import {
  COMPARE_VIEW_TYPE,
  type CompareFromWebview,
  type CompareRun,
  type CompareToWebview,
  type ExportFormat,
  isCompareMessage,
  isCompareState,
} from '../../protocol/compare';
import { curveRuns } from './curvesPanel';
import { PanelController, registerPanelSerializer } from './panelController';
import type { PanelDeps } from './panelDeps';
import { webviewOptions } from './panelHtml';
import { RunSet } from './runSet';
import { plural } from '../../common/plural';

const open = new Map<string, PanelController<CompareToWebview, CompareFromWebview>>();

export function openComparePanel(deps: PanelDeps, runDirs: string[]): void {
  const key = [...runDirs]
    .map((d) => path.resolve(d))
    .sort()
    .join('\n');
  const existing = open.get(key);
  if (existing) return existing.panel.reveal();
  const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Compare runs', vscode.ViewColumn.Active, webviewOptions(deps.extensionUri));
  attach(deps, panel, runDirs, key);
}

export function registerCompareSerializer(deps: PanelDeps): vscode.Disposable {
  return registerPanelSerializer(COMPARE_VIEW_TYPE, (panel, state) => {
    if (!isCompareState(state) || state.runDirs.length === 0) {
      deps.log.appendLine('warning: a Compare runs panel could not be restored: it saved no runs');
      return panel.dispose();
    }
    attach(
      deps,
      panel,
      state.runDirs,
      [...state.runDirs]
        .map((d) => path.resolve(d))
        .sort()
        .join('\n'),
    );
  });
}

function attach(deps: PanelDeps, panel: vscode.WebviewPanel, runDirs: string[], key: string): void {
  const title = `Compare ${plural(runDirs.length, 'run')}`;
  panel.title = title;
  const controller = new PanelController<CompareToWebview, CompareFromWebview>(
    panel,
    deps.extensionUri,
    { viewType: COMPARE_VIEW_TYPE, view: 'compare', title, isMessage: isCompareMessage, log: deps.log },
    (message) => {
      if (message.type === 'export') return exportTable(message.format, message.text);
      if (message.type === 'copy') return copyTable(message.format, message.text);
    },
  );
  open.set(key, controller);
  let runs: RunSet | undefined;
  controller.onReady(() => {
    runs?.dispose();
    runs = new RunSet(runDirs, (m) => controller.post(m));
    const experiments = [...new Set(runs.folders.flatMap((f) => (f.record ? [f.record.experiment] : [])))];
    const shown = curveRuns(runs.folders, deps.colors).map((run): CompareRun => {
      const folder = runs!.folders.find((f) => f.record?.id === run.id)!;
      return { ...run, type: folder.record!.type, config: runConfigView(folder.record!) };
    });
    controller.post({ type: 'compare', title: experiments.length ? `${title}: ${experiments.join(', ')}` : title, runs: shown, notices: runs.notices() });
    runs.start();
  });
  controller.onDispose(() => {
    runs?.dispose();
    if (open.get(key) === controller) open.delete(key);
  });
}

const EXTENSIONS: Record<ExportFormat, { ext: string; name: string }> = { csv: { ext: 'csv', name: 'CSV' }, markdown: { ext: 'md', name: 'Markdown' } };

async function exportTable(format: ExportFormat, text: string): Promise<void> {
  const { ext, name } = EXTENSIONS[format];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export the comparison as ${name}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, `comparison.${ext}`) : undefined,
    filters: { [name]: [ext] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  void vscode.window.showInformationMessage(`Saved the comparison to ${vscode.workspace.asRelativePath(target)}.`);
}

async function copyTable(format: ExportFormat, text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(`Copied the comparison as ${EXTENSIONS[format].name}.`);
}
