// Adapter Lab in VS Code: glue between the editor and the core. Everything heavy (training, the Playground's
// inference) runs in forked engine processes; the extension host validates configs, lists runs and relays progress.
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { ConfigCodeLens } from './configCodeLens';
import { CONFIG_SELECTOR, targetConfig } from './configDocuments';
import { ConfigDiagnostics } from './configDiagnostics';
import { EventLoopLag } from './eventLoopLag';
import { HostTimings } from './hostTimings';
import { SuggestionQuickFixes } from './quickFixes';
import { RunsViewWelcome } from './runsViewWelcome';
import { registerRunCommands } from './runCommands';
import { RunsTree } from './runsTree';
import type { RunsTreeNode } from './runsTreeNodes';
import { showConfigParameters, showGraph } from './showGraph';
import { SweepConfigs } from './sweepConfigs';
import { Training } from './training';
import { registerCompareSerializer } from './webviews/comparePanel';
import { openCurvesPanel, registerCurvesSerializer } from './webviews/curvesPanel';
import { GraphPanels } from './webviews/graphPanel';
import type { PanelDeps } from './webviews/panelDeps';
import { ParametersPanels } from './webviews/parametersPanel';
import { RunColors } from './webviews/runColors';
import { SweepPanels } from './webviews/sweepPanel';
import { PlaygroundPanels } from './webviews/playgroundPanel';
import { playgroundSource } from './openPlayground';

let training: Training | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const activationStart = performance.now();
  const engineScript = path.join(context.extensionPath, 'dist', 'extension', 'engine.js');
  const output = vscode.window.createOutputChannel('Adapter Lab');
  const timings = new HostTimings(context.logUri.fsPath);
  const colors = new RunColors(context.workspaceState, context.extensionUri);
  const panels: PanelDeps = { extensionUri: context.extensionUri, colors, log: output };
  const graphs = new GraphPanels(context.extensionUri, output);
  const parameters = new ParametersPanels(context.extensionUri, output);
  const sweeps = new SweepPanels(panels);
  const sweepConfigs = new SweepConfigs();
  const playgrounds = new PlaygroundPanels({
    ...panels,
    workerScript: path.join(context.extensionPath, 'dist', 'extension', 'inference.js'),
    lag: new EventLoopLag(),
    recordLag: (lag) => timings.recordPlaygroundLag(lag),
  });

  // The tree shows the trainers' live progress; training tells the tree when to redraw.
  const runsTree: RunsTree = new RunsTree(
    (runDir) => trainer.liveProgress(runDir),
    output,
    (entry) => colors.iconOf(entry.record.id, entry.record.status),
  );
  const trainer: Training = new Training(engineScript, output, runsTree, new EventLoopLag(), (experiment, lag) => timings.recordTrainingLag(experiment, lag));
  training = trainer;
  const view = vscode.window.createTreeView<RunsTreeNode>('adapterLab.runs', { treeDataProvider: runsTree, canSelectMany: true, showCollapseAll: true });

  const codeLens = new ConfigCodeLens();
  context.subscriptions.push(
    output,
    trainer,
    runsTree,
    view,
    // A click runs the item's command, but VS Code drops that command when the tree redraws the row between press and
    // release (microsoft/vscode#153982), and a running run's row redraws every second. The selection survives the
    // redraw: one run selected shows its curves in the preview panel (the same panel a click opens; no-op if shown).
    view.onDidChangeSelection(({ selection }) => {
      if (selection.length === 1 && selection[0].kind === 'run') openCurvesPanel(panels, [selection[0].entry.dir], { preview: true });
    }),
    new ConfigDiagnostics(),
    vscode.languages.registerCodeActionsProvider(CONFIG_SELECTOR, new SuggestionQuickFixes(), SuggestionQuickFixes.metadata),
    codeLens,
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, codeLens),
    new RunsViewWelcome(view, runsTree),
    vscode.commands.registerCommand('adapterLab.train', async (arg: unknown) => {
      const uri = await targetConfig(arg);
      if (uri) await trainer.train(uri);
    }),
    vscode.commands.registerCommand('adapterLab.cancelTraining', () => trainer.cancelAll()),
    vscode.commands.registerCommand('adapterLab.refreshRuns', () => runsTree.refresh()),
    graphs,
    parameters,
    vscode.commands.registerCommand('adapterLab.showGraph', (arg: unknown) => showGraph(graphs, arg)),
    vscode.commands.registerCommand('adapterLab.showParameters', (arg: unknown) => showConfigParameters(parameters, arg)),
    sweeps,
    sweepConfigs,
    vscode.commands.registerCommand('adapterLab.showSweep', async (arg: unknown) => {
      const configFile = await sweepConfigs.target(arg);
      if (configFile) sweeps.show(configFile);
    }),
    playgrounds,
    vscode.commands.registerCommand('adapterLab.openPlayground', async (arg: unknown) => {
      // Its worker reads the data and weights a config names, as training does: not in Restricted Mode.
      if (!vscode.workspace.isTrusted) return void vscode.window.showInformationMessage('The Playground runs models: trust this workspace to use it.');
      const opened = await playgroundSource(arg);
      if (opened) playgrounds.show(opened.source, opened.select);
    }),
    registerCurvesSerializer(panels),
    registerCompareSerializer(panels),
    ...registerRunCommands({
      panels,
      parameters,
      shownRuns: () => runsTree.runs,
      selectedNodes: () => view.selection,
      isTraining: (dir) => trainer.isTraining(dir),
      cancelRun: (dir) => trainer.cancelRun(dir),
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
