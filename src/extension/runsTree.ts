// The Runs view: every run folder of every config in the workspace, grouped by experiment; a sweep's runs under a
// sweep node, by setting, one run per seed. Refreshed (throttled) when a run.json changes on disk and while the
// extension's own trainers report progress.
import * as vscode from 'vscode';
import { listRuns } from '../core/io/runStore';
import { CONFIG_GLOB, findConfigs } from './configDocuments';
import type { LiveProgress } from './progressText';
import { isInside, runsDirOf } from './runLocations';
import { type RunEntry, runAccessibilityLabel, runDescription, runTooltip } from './runsModel';
import {
  type ExperimentNode,
  type RunNode,
  type RunsTreeNode,
  type SettingNode,
  type SweepNode,
  buildNodes,
  contextValueOf,
  idOf,
  layoutOf,
  runNodesUnder,
  takeData,
} from './runsTreeNodes';
import { readSettings } from './settings';
import { settingDescription, settingTooltip, sweepDescription, sweepTooltip } from './sweepGroups';
import { throttle } from './throttle';

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
  private readonly listChanged = new vscode.EventEmitter<void>();
  /** Fires when the runs listed change (added, removed, reordered), also when first read. */
  readonly onDidChangeList = this.listChanged.event;
  /** Re-reads the run folders and redraws what changed. */
  readonly refresh = throttle(() => void this.update(), REFRESH_EVERY_MS);
  /** Redraws the running runs' items with the latest progress (nothing is read from disk). */
  readonly refreshLive = throttle(() => this.redrawRunning(), REFRESH_EVERY_MS);
  private runsDirs: string[] = [];
  private experiments: ExperimentNode[] = [];
  private runNodes = new Map<string, RunNode>(); // by run folder
  private layout?: string; // the nodes' ids in display order, nested
  private readonly reportedProblems = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly liveProgress: (runDir: string) => LiveProgress | undefined,
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
    if (node) return node.children;
    if (this.layout === undefined) await this.update();
    return this.experiments;
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'experiment':
        return experimentItem(node);
      case 'sweep':
        return sweepItem(node);
      case 'setting':
        return settingItem(node);
      case 'run':
        return this.runItem(node);
    }
  }

  private runItem(node: RunNode): vscode.TreeItem {
    const { entry } = node;
    const live = this.liveProgress(entry.dir);
    const item = new vscode.TreeItem(node.label, node.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = idOf(node);
    item.description = `${runDescription(entry, live)}${node.note ? ` · ${node.note}` : ''}`;
    item.tooltip = new vscode.MarkdownString(runTooltip(entry, live));
    item.iconPath = this.runIcon(entry);
    item.contextValue = contextValueOf(node);
    item.accessibilityInformation = { label: runAccessibilityLabel(entry, live, node.spokenName) };
    item.resourceUri = vscode.Uri.file(entry.dir);
    item.command = { command: 'adapterLab.openCurves', title: 'Open Training Curves', arguments: [entry.dir] };
    return item;
  }

  private async update(): Promise<void> {
    const experiments = buildNodes(await this.readRuns());
    const layout = layoutOf(experiments);
    if (layout !== this.layout) {
      const first = this.layout === undefined;
      this.layout = layout;
      this.experiments = experiments;
      this.runNodes = new Map(experiments.flatMap(runNodesUnder).map((node) => [node.entry.dir, node]));
      if (!first) this.changed.fire(undefined);
      this.listChanged.fire();
      return;
    }
    experiments.forEach((fresh, i) => {
      const node = this.experiments[i];
      const changed = runNodesUnder(fresh).some((run) => shownState(run.entry) !== shownState(this.runNodes.get(run.entry.dir)!.entry));
      takeData(node, fresh);
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
    this.listChanged.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

function experimentItem(node: ExperimentNode): vscode.TreeItem {
  const { experiment, runs } = node.group;
  const item = new vscode.TreeItem(experiment, vscode.TreeItemCollapsibleState.Expanded);
  item.id = idOf(node);
  const running = runs.filter((r) => r.record.status === 'running').length;
  item.description = `${runs.length} run${runs.length === 1 ? '' : 's'}${running ? `, ${running} running` : ''}`;
  item.iconPath = new vscode.ThemeIcon('beaker');
  item.contextValue = contextValueOf(node);
  return item;
}

function sweepItem(node: SweepNode): vscode.TreeItem {
  const item = new vscode.TreeItem('sweep', vscode.TreeItemCollapsibleState.Expanded);
  item.id = idOf(node);
  item.description = sweepDescription(node.sweep.progress);
  item.tooltip = new vscode.MarkdownString(sweepTooltip(node.experiment, node.sweep));
  item.iconPath = new vscode.ThemeIcon('layers');
  item.contextValue = contextValueOf(node);
  return item;
}

/** Collapsed: a sweep of ten settings and three seeds would otherwise open as forty rows. */
function settingItem(node: SettingNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.setting.setting, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = idOf(node);
  item.description = settingDescription(node.setting);
  item.tooltip = new vscode.MarkdownString(settingTooltip(node.setting));
  item.iconPath = new vscode.ThemeIcon('symbol-variable');
  item.contextValue = contextValueOf(node);
  return item;
}
