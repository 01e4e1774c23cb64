// The commands on runs: open curves, show parameters, compare, cancel, reveal and delete. Each takes what VS Code passes: tree nodes (with the multi-selection), a run folder or a config; Open Training Curves and Compare Runs also take a list of run folders (from the sweep panel).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { listRuns, readRun, readSummary } from '../core/io/runStore';
import { isReallyInside, runsDirOf } from './runLocations';
import type { RunEntry } from './runsModel';
import { runsOfSelection } from './runSelection';
import { type RunsTreeNode, runDirOf } from './runsTreeNodes';
import { readSettings } from './settings';
import { openComparePanel } from './webviews/comparePanel';
import { openCurvesPanel } from './webviews/curvesPanel';
import type { PanelDeps } from './webviews/panelDeps';
import type { ParametersPanels } from './webviews/parametersPanel';

export interface RunCommandContext {
  panels: PanelDeps;
  parameters: ParametersPanels;
  /** The runs the tree shows, and the ones selected in it. */
  shownRuns(): readonly RunEntry[];
  selectedNodes(): readonly RunsTreeNode[];
  isTraining(runDir: string): boolean;
  /** Cancels a run this window trains; false if it does not. */
  cancelRun(runDir: string): boolean;
  refreshTree(): void;
}

export function registerRunCommands(ctx: RunCommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('adapterLab.openCurves', (arg: unknown, selected?: RunsTreeNode[]) => openCurves(ctx, arg, selected)),
    vscode.commands.registerCommand('adapterLab.showRunParameters', (arg: unknown) => showRunParameters(ctx, arg)),
    vscode.commands.registerCommand('adapterLab.compareRuns', (arg: unknown, selected?: RunsTreeNode[]) => compareRuns(ctx, arg, selected)),
    vscode.commands.registerCommand('adapterLab.cancelRun', (arg: unknown, selected?: RunsTreeNode[]) => cancelRuns(ctx, arg, selected)),
    vscode.commands.registerCommand('adapterLab.revealRun', (arg: unknown) => revealRun(arg)),
    vscode.commands.registerCommand('adapterLab.deleteRun', (arg: unknown, selected?: RunsTreeNode[]) => deleteRuns(ctx, arg, selected)),
  ];
}

function readEntry(dir: string): RunEntry | undefined {
  try {
    return { dir, record: readRun(dir), summary: readSummary(dir) };
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

const isRunFolderList = (arg: unknown): arg is string[] => Array.isArray(arg) && arg.length > 0 && arg.every((d) => typeof d === 'string');

/** The runs a command acts on: the tree's multi-selection when it was invoked there, else the one node, folder or list of folders. */
function runsOf(arg: unknown, selected: readonly RunsTreeNode[] | undefined): RunEntry[] {
  if (isRunFolderList(arg)) return arg.flatMap((dir) => readEntry(path.resolve(dir)) ?? []);
  const nodes = selected?.length ? selected : arg && typeof arg === 'object' && 'kind' in arg ? [arg as RunsTreeNode] : [];
  if (nodes.length) return runsOfSelection(nodes);
  const dir = runDirOf(arg);
  const entry = dir ? readEntry(dir) : undefined;
  return entry ? [entry] : [];
}

/** The curves of the run (or of the runs selected, or of an experiment's runs); a folder path comes from a click. */
function openCurves(ctx: RunCommandContext, arg: unknown, selected?: RunsTreeNode[]): void {
  const clicked = typeof arg === 'string'; // the tree item's own command passes the folder
  const dirs = clicked ? [path.resolve(arg)] : isRunFolderList(arg) ? arg.map((d) => path.resolve(d)) : runsOf(arg, selected).map((r) => r.dir);
  if (dirs.length) openCurvesPanel(ctx.panels, dirs, { preview: clicked });
}

/** The parameters panel of a run; a damaged run folder shows its message there, so it is not read here. */
function showRunParameters(ctx: RunCommandContext, arg: unknown): void {
  const dir = runDirOf(arg);
  if (dir) ctx.parameters.showRun(dir);
}

async function compareRuns(ctx: RunCommandContext, arg: unknown, selected?: RunsTreeNode[]): Promise<void> {
  let runs: RunEntry[];
  if (arg instanceof vscode.Uri) runs = latestRunsOf(arg);
  else if (arg || selected?.length) runs = runsOf(arg, selected);
  else if (ctx.selectedNodes().length) runs = runsOf(undefined, ctx.selectedNodes());
  else runs = await pickRuns(ctx.shownRuns());
  if (runs.length === 0) {
    if (arg instanceof vscode.Uri) void vscode.window.showInformationMessage(`${path.basename(arg.fsPath)} has no runs yet: train it first.`);
    return;
  }
  openComparePanel(
    ctx.panels,
    runs.map((r) => r.dir),
  );
}

/** The newest run of each run name (adapter:x, full, head-only) of a config. */
function latestRunsOf(configUri: vscode.Uri): RunEntry[] {
  const text = fs.existsSync(configUri.fsPath) ? fs.readFileSync(configUri.fsPath, 'utf8') : '';
  const folder = vscode.workspace.getWorkspaceFolder(configUri)?.uri.fsPath;
  const dir = runsDirOf(configUri.fsPath, text, readSettings(configUri).runsFolder, folder);
  const latest = new Map<string, RunEntry>();
  for (const run of listRuns(dir).runs) {
    if (path.resolve(run.record.configFile) !== path.resolve(configUri.fsPath)) continue;
    const seen = latest.get(run.record.name);
    if (!seen || run.record.createdAt > seen.record.createdAt) latest.set(run.record.name, run);
  }
  return [...latest.values()];
}

async function pickRuns(runs: readonly RunEntry[]): Promise<RunEntry[]> {
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({
      label: run.record.name,
      description: `${run.record.experiment} · ${new Date(run.record.createdAt).toLocaleString()}`,
      detail: run.record.status,
      picked: false,
      run,
    })),
    { canPickMany: true, placeHolder: 'Runs to compare' },
  );
  return picked?.map((p) => p.run) ?? [];
}

/** Cancels the running and queued runs among those selected; the other runs of their trainings go on. */
function cancelRuns(ctx: RunCommandContext, arg: unknown, selected?: RunsTreeNode[]): void {
  const runs = runsOf(arg, selected).filter((r) => r.record.status === 'running' || r.record.status === 'queued');
  const notHere = runs.filter((r) => !ctx.cancelRun(r.dir));
  if (notHere.length) {
    void vscode.window.showWarningMessage(
      `${notHere.map((r) => r.record.name).join(', ')} ${notHere.length === 1 ? 'is' : 'are'} not being trained by this window, so ${notHere.length === 1 ? 'it' : 'they'} cannot be cancelled here.`,
    );
  }
}

async function revealRun(arg: unknown): Promise<void> {
  const dir = runDirOf(arg);
  if (dir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
}

async function deleteRuns(ctx: RunCommandContext, arg: unknown, selected?: RunsTreeNode[]): Promise<void> {
  const runs = runsOf(arg, selected);
  const training = runs.filter((r) => ctx.isTraining(r.dir));
  if (training.length) {
    void vscode.window.showWarningMessage(
      `${training.map((r) => r.record.name).join(', ')} ${training.length === 1 ? 'is' : 'are'} training: cancel first, then delete.`,
    );
    return;
  }
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const deletable = runs.filter((r) => roots.some((root) => isReallyInside(root, r.dir)) && fs.existsSync(path.join(r.dir, 'run.json')));
  if (deletable.length === 0) return;
  const names = deletable.map((r) => `${r.record.name} (${r.record.id})`).join('\n');
  const choice = await vscode.window.showWarningMessage(
    deletable.length === 1 ? 'Delete this run and all its files?' : `Delete these ${deletable.length} runs and all their files?`,
    { modal: true, detail: names },
    'Delete',
  );
  if (choice !== 'Delete') return;
  for (const run of deletable) await vscode.workspace.fs.delete(vscode.Uri.file(run.dir), { recursive: true, useTrash: false });
  ctx.panels.colors.forget(deletable.map((r) => r.record.id));
  ctx.refreshTree();
}
