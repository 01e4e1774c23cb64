// Adapter Lab in VS Code: glue between the editor and the core. Everything heavy (training, Show Graph) runs in
// forked engine processes; the extension host validates configs, lists runs and relays progress.
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { ConfigCodeLens } from './configCodeLens';
import { CONFIG_SELECTOR, targetConfig } from './configDocuments';
import { ConfigDiagnostics } from './configDiagnostics';
import { EventLoopLag } from './eventLoopLag';
import { HostTimings } from './hostTimings';
import { SuggestionQuickFixes } from './quickFixes';
import { ReportDocuments } from './reportDocuments';
import { registerRunCommands } from './runCommands';
import { RunsTree, type RunsTreeNode } from './runsTree';
import { showGraph } from './showGraph';
import { Training } from './training';

let training: Training | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const activationStart = performance.now();
  const engineScript = path.join(context.extensionPath, 'dist', 'extension', 'engine.js');
  const output = vscode.window.createOutputChannel('Adapter Lab');
  const timings = new HostTimings(context.logUri.fsPath);
  const reports = new ReportDocuments();

  // The tree shows the trainers' live progress; training tells the tree when to redraw.
  const runsTree: RunsTree = new RunsTree((runDir) => trainer.liveProgress(runDir), output);
  const trainer: Training = new Training(engineScript, output, runsTree, new EventLoopLag(), (experiment, lag) => timings.recordTrainingLag(experiment, lag));
  training = trainer;
  const view = vscode.window.createTreeView<RunsTreeNode>('adapterLab.runs', { treeDataProvider: runsTree, canSelectMany: true, showCollapseAll: true });

  context.subscriptions.push(
    output,
    reports,
    trainer,
    runsTree,
    view,
    new ConfigDiagnostics(),
    vscode.languages.registerCodeActionsProvider(CONFIG_SELECTOR, new SuggestionQuickFixes(), SuggestionQuickFixes.metadata),
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, new ConfigCodeLens()),
    vscode.commands.registerCommand('adapterLab.train', async (arg: unknown) => {
      const uri = await targetConfig(arg);
      if (uri) await trainer.train(uri);
    }),
    vscode.commands.registerCommand('adapterLab.cancelTraining', () => trainer.cancelAll()),
    vscode.commands.registerCommand('adapterLab.refreshRuns', () => runsTree.refresh()),
    vscode.commands.registerCommand('adapterLab.showGraph', (arg: unknown) => showGraph(reports, engineScript, arg)),
    ...registerRunCommands({
      reports,
      shownRuns: () => runsTree.runs,
      selectedNodes: () => view.selection,
      isTraining: (dir) => trainer.isTraining(dir),
      refreshTree: () => runsTree.refresh(),
    }),
  );

  const activationMs = Math.round((performance.now() - activationStart) * 10) / 10;
  timings.recordActivation(activationMs);
  output.appendLine(`Adapter Lab activated in ${activationMs} ms`);
}

export function deactivate(): Promise<void> | undefined {
  return training?.stopAll();
}
