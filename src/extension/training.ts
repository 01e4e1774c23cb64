// Trains an experiment from VS Code: every run in its own forked engine process (the extension host only relays
// messages), at most `adapterLab.maxParallelRuns` at a time, with a cancellable progress notification, a status bar
// item, the "Adapter Lab" output channel and live progress in the Runs tree.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../core/config/types';
import { loadExperiment } from '../core/sweep/check';
import { sweepState } from '../core/sweep/resume';
import { planSweepRuns } from '../core/sweep/runs';
import { planRuns } from '../core/run/plan';
import type { ProgressEvent } from '../common/events';
import { plural } from '../common/plural';
import type { TrainerExit } from '../runner/trainerProcess';
import { type PlannedRun, ExperimentExecution, createRuns, createSweepRuns } from '../runner/runExperiment';
import type { EventLoopLag, LagStats } from './eventLoopLag';
import { type LiveProgress, etaMs, formatDuration, notificationText } from './progressText';
import { pathsOutside, runsFolderOverride, workspaceDiskChecks } from './runLocations';
import { RunLog } from './runLog';
import { applyFmaSetting, readSettings } from './settings';
import { throttle } from './throttle';
import { TrainingEstimate } from './trainingEta';
import { TrainingStatusBar } from './trainingStatusBar';

const RENDER_EVERY_MS = 250;
const STOP_WAIT_MS = 3000;

/** What training tells the Runs view: run folders changed on disk, or the running runs' progress moved. */
export interface RunsView {
  refresh(): void;
  refreshLive(): void;
}

interface LiveRun {
  runName: string;
  event: ProgressEvent;
  /** The run's own time left at its recent pace. */
  etaMs: number;
  /** Its training's time left as last shown (all of that training's runs). */
  trainingEtaMs: number | undefined;
}

export class Training implements vscode.Disposable {
  private readonly executions = new Set<ExperimentExecution>();
  private readonly live = new Map<string, LiveRun>(); // by run folder
  /** The runs this window's sessions train or will train, by run folder, with the session that has them. */
  private readonly activeRuns = new Map<string, { execution: ExperimentExecution; run: PlannedRun }>();
  private readonly statusBar = new TrainingStatusBar();

  constructor(
    private readonly engineScript: string,
    private readonly output: vscode.OutputChannel,
    private readonly runsView: RunsView,
    private readonly lag: EventLoopLag,
    private readonly onSessionLag: (experiment: string, stats: LagStats) => void,
  ) {}

  readonly liveProgress = (runDir: string): LiveProgress | undefined => {
    const live = this.live.get(runDir);
    return live && { event: live.event, etaMs: live.etaMs };
  };

  /** Whether a session of this window trains (or will train) the run in that folder. */
  isTraining(runDir: string): boolean {
    return this.activeRuns.has(runDir);
  }

  /** Cancels one run (running: after its current step; queued: not started); the rest of its training goes on. */
  cancelRun(runDir: string): boolean {
    const active = this.activeRuns.get(runDir);
    if (!active) return false;
    this.output.appendLine(`Cancelling ${active.run.label}: it stops after its current step; the other runs go on.`);
    active.execution.cancelRun(active.run.id, 'cancelled from the Runs view');
    return true;
  }

  async train(configUri: vscode.Uri): Promise<void> {
    if (!vscode.workspace.isTrusted) return explainRestrictedMode();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === configUri.toString());
    if (open?.isDirty) await open.save(); // the trainer reads the file, not the editor
    const loaded = loadExperiment(configUri.fsPath, workspaceDiskChecks((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)));
    if (!loaded.config) return reportConfigProblems(configUri, loaded.problems.length);

    const settings = readSettings(configUri);
    applyFmaSetting(settings);
    const folder = vscode.workspace.getWorkspaceFolder(configUri)?.uri.fsPath;
    const runsDir = runsFolderOverride(configUri.fsPath, settings.runsFolder, folder) ?? loaded.config.runsDir;
    const config: ExperimentConfig = { ...loaded.config, runsDir };
    const sweepRuns = loaded.sweep ? planSweepRuns(loaded.sweep.points) : undefined;
    const configs = sweepRuns ? [...new Map(sweepRuns.map((r) => [r.config, { ...r.config, runsDir }])).values()] : [config];
    const workspace = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const outside = configs.flatMap((c) => pathsOutside(c, workspace)).filter((o, i, all) => all.findIndex((x) => x.path === o.path) === i);
    if (outside.length) {
      const list = outside.map((o) => `${o.what} ${o.path}`).join('; ');
      void vscode.window.showErrorMessage(
        `Adapter Lab reads and writes only inside the workspace, but this experiment's ${list} is outside it. Move it into the workspace or change the config.`,
      );
      return;
    }

    let runs: PlannedRun[];
    if (sweepRuns) {
      // A sweep trains what is not completed yet: after a cancel or a crash, the same command finishes it.
      const state = sweepState(sweepRuns, runsDir, config.name);
      this.output.appendLine(
        `Sweep "${config.name}": ${loaded.sweep!.summary}, ${sweepRuns.length} distinct runs; ${state.done.length} done before, ${state.toTrain.length} to train; run folders in ${runsDir}`,
      );
      if (state.toTrain.length === 0) {
        void vscode.window.showInformationMessage(`Adapter Lab: every run of the sweep ${config.name} is done (${sweepRuns.length}).`);
        return;
      }
      runs = createSweepRuns(config.name, runsDir, state.toTrain);
    } else {
      runs = createRuns(config, planRuns(config));
    }
    const parallel = Math.min(settings.maxParallelRuns, runs.length);
    if (!sweepRuns) {
      this.output.appendLine(
        `Experiment "${config.name}": ${plural(runs.length, 'run')} (${runs.map((r) => r.plan.name).join(', ')}), ${parallel} at a time; run folders in ${runsDir}`,
      );
    }
    this.runsView.refresh();
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Adapter Lab: training ${config.name}`, cancellable: true },
      (progress, token) => this.runSession(config, runs, parallel, settings.backend, progress, token),
    );
  }

  /** Stops every session after the current step (graceful); each trainer is killed if it does not stop in time. */
  cancelAll(): void {
    this.executions.forEach((e) => e.cancel());
  }

  /** For deactivation: cancel, give the trainers a moment to record it, then kill what is left. */
  async stopAll(): Promise<void> {
    const finished = Promise.all([...this.executions].map((e) => e.finished));
    this.cancelAll();
    const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), STOP_WAIT_MS))]);
    if (timedOut) this.executions.forEach((e) => e.kill());
  }

  private async runSession(
    config: ExperimentConfig,
    runs: PlannedRun[],
    parallel: number,
    backend: ExperimentConfig['backend'] | undefined,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const log = new RunLog();
    const estimate = new TrainingEstimate(
      runs.map((r) => r.id),
      parallel,
    );
    let finished = 0;
    let reportedPercent = 0;
    let latest: { id: string; label: string; event: ProgressEvent } | undefined;
    let trainingEtaMs: number | undefined;
    const render = throttle(() => {
      const now = Date.now();
      trainingEtaMs = estimate.etaMs(now);
      const percent = 100 * estimate.fraction(now, trainingEtaMs);
      progress.report({ increment: Math.max(0, percent - reportedPercent), message: notificationText(finished, runs.length, trainingEtaMs, latest) });
      reportedPercent = Math.max(reportedPercent, percent);
      for (const run of runs) {
        const live = this.live.get(run.dir);
        if (live) live.trainingEtaMs = trainingEtaMs;
      }
      this.renderStatusBar();
    }, RENDER_EVERY_MS);

    this.lag.begin();
    const started = Date.now();
    progress.report({ message: notificationText(0, runs.length, undefined) });
    const execution = new ExperimentExecution(runs, {
      trainerScript: this.engineScript,
      parallel,
      backend,
      onStart: (run, trainer) => {
        estimate.started(run.id, Date.now());
        lowerPriority(trainer.pid);
      },
      onMessage: (run, m) => {
        const line = log.message(run.label, m);
        if (line) this.output.appendLine(line);
        if (m.type === 'progress') {
          const now = Date.now();
          estimate.progressed(run.id, m.event.step, m.event.totalSteps, now);
          this.live.delete(run.dir); // re-inserted last: the status bar shows the run that reported last
          this.live.set(run.dir, { runName: run.plan.name, event: m.event, etaMs: estimate.runEtaMs(run.id, now) ?? etaMs(m.event), trainingEtaMs });
          latest = { id: run.id, label: run.label, event: m.event };
          render();
          this.runsView.refreshLive();
        } else {
          this.runsView.refresh(); // ready, eval, done: run.json or summary.json changed
        }
      },
      onOutput: (run, line) => {
        if (line.trim()) this.output.appendLine(`[${run.label}] ${line}`);
      },
      onExit: (run, exit) => {
        finished++;
        estimate.finished(run.id, Date.now());
        if (latest?.id === run.id) latest = undefined;
        this.live.delete(run.dir);
        this.output.appendLine(log.exit(run.label, exit, run.dir));
        render();
        this.runsView.refresh();
      },
    });
    this.executions.add(execution);
    runs.forEach((run) => this.activeRuns.set(run.dir, { execution, run }));
    this.setTrainingContext();
    const onCancel = token.onCancellationRequested(() => {
      this.output.appendLine(`Cancelling "${config.name}": each run stops after its current step.`);
      execution.cancel();
    });
    let results: Map<string, TrainerExit>;
    try {
      results = await execution.finished;
    } catch (e) {
      execution.kill(); // a trainer could not even start (e.g. the engine bundle is missing): stop the others too
      void vscode.window.showErrorMessage(`Adapter Lab could not train ${config.name}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    } finally {
      onCancel.dispose();
      render.dispose();
      this.executions.delete(execution);
      runs.forEach((r) => {
        this.live.delete(r.dir);
        this.activeRuns.delete(r.dir);
      });
      this.setTrainingContext();
      this.renderStatusBar();
      const lag = this.lag.end();
      this.onSessionLag(config.name, lag);
      this.output.appendLine(
        `Extension host event-loop lag while training "${config.name}": p50 ${lag.p50Ms} ms, p99 ${lag.p99Ms} ms, max ${lag.maxMs} ms (${lag.samples} samples)`,
      );
    }

    const counts = new Map<string, number>();
    for (const exit of results.values()) counts.set(exit.status, (counts.get(exit.status) ?? 0) + 1);
    const outcome = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
    const took = formatDuration(Date.now() - started);
    this.output.appendLine(`Experiment "${config.name}" finished in ${took}: ${outcome}`);
    void this.announce(config, `Adapter Lab: ${config.name} finished in ${took}: ${outcome}.`, counts);
  }

  private async announce(config: ExperimentConfig, message: string, counts: ReadonlyMap<string, number>): Promise<void> {
    const compare = 'Compare Runs';
    const showOutput = 'Show Output';
    const buttons = [...(counts.has('failed') ? [showOutput] : []), ...(counts.has('completed') ? [compare] : [])];
    const show = counts.has('failed') ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(message, ...buttons);
    if (choice === compare) await vscode.commands.executeCommand('adapterLab.compareRuns', vscode.Uri.file(config.file));
    if (choice === showOutput) this.output.show();
  }

  private renderStatusBar(): void {
    const [latest, ...others] = [...this.live.entries()].reverse();
    if (latest) this.statusBar.showProgress(latest[0], latest[1], others.length);
    else if (this.executions.size) this.statusBar.showStarting();
    else this.statusBar.hide();
  }

  private setTrainingContext(): void {
    void vscode.commands.executeCommand('setContext', 'adapterLab.training', this.executions.size > 0);
  }

  dispose(): void {
    this.executions.forEach((e) => e.kill());
    this.statusBar.dispose();
  }
}

/** Trainers use every core they get; below-normal priority leaves the editor (and its extension host) responsive. */
function lowerPriority(pid: number | undefined): void {
  try {
    if (pid) os.setPriority(pid, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // not permitted here: the trainer runs at normal priority
  }
}

async function explainRestrictedMode(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    'Adapter Lab does not train in Restricted Mode: training starts processes that read the data your config names and write run folders. Trust this workspace to train.',
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}

async function reportConfigProblems(configUri: vscode.Uri, count: number): Promise<void> {
  await vscode.window.showTextDocument(configUri, { preview: false });
  const show = 'Show Problems';
  const choice = await vscode.window.showErrorMessage(
    `${path.basename(configUri.fsPath)} has ${count} problem${count === 1 ? '' : 's'}; fix ${count === 1 ? 'it' : 'them'} before training.`,
    show,
  );
  if (choice === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
