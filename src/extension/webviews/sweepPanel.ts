// The sweep panels, one per sweep config: the frontier scatter, parallel coordinates, the metric per setting and a
// table of the sweep's runs. While a panel is visible its runs folder is looked at every second (a stat per run
// folder; only what changed is read again, see SweepContent), so it follows a sweep that trains — in this window, in
// a terminal or on another machine writing to the same folder — and the page gets the whole picture again when
// something changed. Selected runs open in the curves or compare panel; a panel comes back after a reload.
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { SWEEP_VIEW_TYPE, type SweepFromWebview, type SweepToWebview, isSweepMessage, isSweepState } from '../../protocol/sweep';
import { runsFolderOverride, workspaceDiskChecks } from '../runLocations';
import { readSettings } from '../settings';
import { PanelController, registerPanelSerializer } from './panelController';
import type { PanelDeps } from './panelDeps';
import { SweepContent } from './sweepContent';

/** How often a visible panel looks at its runs folder. */
const REFRESH_EVERY_MS = 1000;

export class SweepPanels implements vscode.Disposable {
  private readonly panels = new Map<string, SweepPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: PanelDeps) {
    this.subscriptions = [
      registerPanelSerializer(SWEEP_VIEW_TYPE, (panel, state) => {
        if (!isSweepState(state)) {
          deps.log.appendLine('warning: a sweep panel could not be restored: it saved no config');
          return panel.dispose();
        }
        this.adopt(panel, state.configFile, state.reference);
      }),
      // Another runs folder: the panels read it from now on.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('adapterLab.runsFolder')) for (const p of this.panels.values()) p.reload();
      }),
    ];
  }

  show(configFile: string): void {
    const open = this.panels.get(configFile);
    if (open) return open.controller.panel.reveal();
    const panel = vscode.window.createWebviewPanel(SWEEP_VIEW_TYPE, titleOf(configFile), vscode.ViewColumn.Active, {});
    this.adopt(panel, configFile, undefined);
  }

  private adopt(panel: vscode.WebviewPanel, configFile: string, reference: string | undefined): void {
    panel.title = titleOf(configFile);
    const sweep = new SweepPanel(panel, configFile, reference, this.deps);
    this.panels.set(configFile, sweep);
    sweep.controller.onDispose(() => {
      if (this.panels.get(configFile) === sweep) this.panels.delete(configFile);
    });
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    [...this.panels.values()].forEach((p) => p.controller.dispose());
  }
}

const titleOf = (configFile: string) => `Sweep: ${path.basename(configFile).replace(/\.adapterlab\.json$/, '')}`;

class SweepPanel {
  readonly controller: PanelController<SweepToWebview, SweepFromWebview>;
  private content: SweepContent;
  private timer?: NodeJS.Timeout;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly configFile: string,
    private reference: string | undefined,
    private readonly deps: PanelDeps,
  ) {
    this.content = this.readContent();
    this.controller = new PanelController<SweepToWebview, SweepFromWebview>(
      panel,
      deps.extensionUri,
      { viewType: SWEEP_VIEW_TYPE, view: 'sweep', title: panel.title, isMessage: isSweepMessage, log: deps.log },
      (m) => this.handle(m),
    );
    // Every (re)load of the page gets everything; then the runs folder is followed while the panel is visible.
    this.controller.onReady(() => {
      this.refresh(true);
      this.follow();
    });
    this.controller.onDispose(() => clearTimeout(this.timer));
    // Checking and planning a large sweep takes a while: done while the page loads, once the panel is on its way.
    setImmediate(() => {
      const started = performance.now();
      this.content.prepare();
      deps.log.appendLine(`${panel.title}: config checked and runs folder read in ${(performance.now() - started).toFixed(0)} ms`);
    });
  }

  /** Starts over from the config and its runs folder (a new runsFolder setting). */
  reload(): void {
    this.content = this.readContent();
    this.refresh(true);
  }

  private readContent(): SweepContent {
    const uri = vscode.Uri.file(this.configFile);
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    return new SweepContent({
      configFile: this.configFile,
      runsFolder: runsFolderOverride(this.configFile, readSettings(uri).runsFolder, folder),
      diskChecks: workspaceDiskChecks((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)),
      colorsOf: (ids) => this.deps.colors.colorsOf(ids),
    });
  }

  private follow(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.controller.isDisposed || !this.controller.panel.visible) return; // the next ready starts it again
      this.refresh(false);
      this.follow();
    }, REFRESH_EVERY_MS);
  }

  private refresh(force: boolean): void {
    const started = performance.now();
    const message = this.content.update(this.reference, force);
    if (!message) return;
    if (message.type === 'sweep') {
      this.reference = message.report.reference;
      this.controller.panel.title = message.title; // the experiment's name, which the file's need not be
      const { completed, total } = message.report.progress;
      if (force) this.deps.log.appendLine(`${message.title}: ${completed}/${total} runs done; built in ${(performance.now() - started).toFixed(1)} ms`);
    }
    this.controller.post(message);
  }

  private async handle(message: SweepFromWebview): Promise<void> {
    if (message.type === 'ready') return; // the controller handles it
    if (message.type === 'setReference') {
      if (!this.content.settings.includes(message.setting)) {
        this.deps.log.appendLine(`warning: sweep panel asked for the reference "${message.setting}", which the sweep does not plan`);
        return;
      }
      this.reference = message.setting;
      return this.refresh(false);
    }
    const outside = message.runDirs.filter((d) => !this.content.runDirs.has(d));
    if (outside.length) {
      this.deps.log.appendLine(`warning: sweep panel asked to open run folders that are not runs of its sweep: ${outside.join(', ')}`);
      return;
    }
    const command = message.type === 'openCurves' ? 'adapterLab.openCurves' : 'adapterLab.compareRuns';
    await vscode.commands.executeCommand(command, message.runDirs);
  }
}
