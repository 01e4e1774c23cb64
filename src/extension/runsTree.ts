// The Runs view: every run folder of every config in the workspace, grouped by experiment. Refreshed (throttled)
// when a run.json changes on disk and while the extension's own trainers report progress.
import * as path from 'path';
import * as vscode from 'vscode';
import { listRuns } from '../core/io/runStore';
import type { ProgressEvent } from '../common/events';
import { CONFIG_GLOB, findConfigs } from './configDocuments';
import { isInside, runsDirOf } from './runLocations';
import { type ExperimentGroup, type RunEntry, groupByExperiment, runAccessibilityLabel, runDescription, runTooltip } from './runsModel';
import { readSettings } from './settings';
import { throttle } from './throttle';

export type RunsTreeNode = ExperimentNode | RunNode;
interface ExperimentNode {
  kind: 'experiment';
  group: ExperimentGroup;
}
interface RunNode {
  kind: 'run';
  entry: RunEntry;
}

const REFRESH_EVERY_MS = 1000;

/** What a run's tree item shows from disk; when it changes, the item is redrawn. */
const shownState = (e: RunEntry) => `${e.record.status}|${e.record.reason ?? ''}|${e.summary ? 'summary' : ''}`;

/**
 * Nodes stay the same objects while the same runs are listed, so a refresh redraws only the experiments whose runs
 * changed (and live progress only the running runs' items) instead of rebuilding the whole tree every second.
 */
export class RunsTree implements vscode.TreeDataProvider<RunsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Re-reads the run folders and redraws what changed. */
  readonly refresh = throttle(() => void this.update(), REFRESH_EVERY_MS);
  /** Redraws the running runs' items with the latest progress (nothing is read from disk). */
  readonly refreshLive = throttle(() => this.redrawRunning(), REFRESH_EVERY_MS);
  private runsDirs: string[] = [];
  private groups: ExperimentNode[] = [];
  private runNodes = new Map<string, RunNode>(); // by run folder
  private layout?: string; // experiments and run folders in display order
  private readonly reportedProblems = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly liveProgress: (runDir: string) => ProgressEvent | undefined,
    private readonly output: vscode.OutputChannel,
    /** The run's icon: its colour (the same in every panel) with its status as the shape. */
    private readonly runIcon: (entry: RunEntry) => vscode.Uri,
  ) {
    const runFiles = vscode.workspace.createFileSystemWatcher('**/run.json');
    const configs = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    const onRunFile = (uri: vscode.Uri) => {
      if (this.runsDirs.some((dir) => isInside(dir, uri.fsPath))) this.refresh();
    };
    this.subscriptions = [
      runFiles,
      runFiles.onDidCreate(onRunFile),
      runFiles.onDidChange(onRunFile),
      runFiles.onDidDelete(onRunFile),
      configs,
      configs.onDidCreate(() => this.refresh()),
      configs.onDidChange(() => this.refresh()),
      configs.onDidDelete(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('adapterLab.runsFolder') && this.refresh()),
    ];
  }

  /** The runs the tree shows, for commands that act on runs without a selection. */
  get runs(): RunEntry[] {
    return [...this.runNodes.values()].map((n) => n.entry);
  }

  async getChildren(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (node?.kind === 'experiment') return node.group.runs.map((entry) => this.runNodes.get(entry.dir)!);
    if (node) return [];
    if (this.layout === undefined) await this.update();
    return this.groups;
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const { experiment, runs } = node.group;
      const item = new vscode.TreeItem(experiment, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${experiment}`;
      const running = runs.filter((r) => r.record.status === 'running').length;
      item.description = `${runs.length} run${runs.length === 1 ? '' : 's'}${running ? `, ${running} running` : ''}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'experiment';
      return item;
    }
    const { entry } = node;
    const live = this.liveProgress(entry.dir);
    const item = new vscode.TreeItem(entry.record.name, vscode.TreeItemCollapsibleState.None);
    item.id = entry.dir;
    item.description = runDescription(entry, live);
    item.tooltip = new vscode.MarkdownString(runTooltip(entry));
    item.iconPath = this.runIcon(entry);
    item.contextValue = `run.${entry.record.status}`;
    item.accessibilityInformation = { label: runAccessibilityLabel(entry, live) };
    item.resourceUri = vscode.Uri.file(entry.dir);
    item.command = { command: 'adapterLab.openCurves', title: 'Open Training Curves', arguments: [entry.dir] };
    return item;
  }

  private async update(): Promise<void> {
    const groups = groupByExperiment(await this.readRuns());
    const layout = JSON.stringify(groups.map((g) => [g.experiment, g.runs.map((r) => r.dir)]));
    if (layout !== this.layout) {
      const first = this.layout === undefined;
      this.layout = layout;
      this.groups = groups.map((group) => ({ kind: 'experiment', group }));
      this.runNodes = new Map(groups.flatMap((g) => g.runs).map((entry) => [entry.dir, { kind: 'run', entry }]));
      if (!first) this.changed.fire(undefined);
      return;
    }
    groups.forEach((group, i) => {
      const node = this.groups[i];
      const changed = group.runs.some((entry) => shownState(entry) !== shownState(this.runNodes.get(entry.dir)!.entry));
      for (const entry of group.runs) this.runNodes.get(entry.dir)!.entry = entry;
      node.group = group;
      if (changed) this.changed.fire(node);
    });
  }

  private redrawRunning(): void {
    for (const node of this.runNodes.values()) if (this.liveProgress(node.entry.dir)) this.changed.fire(node);
  }

  private async readRuns(): Promise<RunEntry[]> {
    const configs = await findConfigs();
    const dirs = new Set<string>();
    for (const uri of configs) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
      dirs.add(runsDirOf(uri.fsPath, text, readSettings(uri).runsFolder, folder));
    }
    this.runsDirs = [...dirs];
    return this.runsDirs.flatMap((dir) => {
      const { runs, problems } = listRuns(dir);
      for (const p of problems.filter((p) => !this.reportedProblems.has(p))) {
        this.reportedProblems.add(p);
        this.output.appendLine(`warning: ${p}`);
      }
      return runs;
    });
  }

  dispose(): void {
    this.refresh.dispose();
    this.refreshLive.dispose();
    this.changed.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

/** The run folder a command was invoked on: a tree node, or a folder path (the status bar passes one). */
export function runDirOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return path.resolve(arg);
  const node = arg as RunsTreeNode | undefined;
  return node?.kind === 'run' ? node.entry.dir : undefined;
}
