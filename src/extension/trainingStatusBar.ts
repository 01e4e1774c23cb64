// The status bar item while training: the whole training's time left and the run that reported last (step/total,
// loss); a click opens its metrics.
import * as vscode from 'vscode';
import type { ProgressEvent } from '../common/events';
import { statusBarText } from './progressText';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('adapterLab.training', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Adapter Lab Training';
  }

  showProgress(runDir: string, run: { runName: string; event: ProgressEvent; trainingEtaMs: number | undefined }, othersRunning: number): void {
    this.item.text = statusBarText(run.runName, run.event, othersRunning, run.trainingEtaMs);
    this.item.tooltip = `Adapter Lab: ${run.runName} is training — click to open its metrics`;
    this.item.command = { command: 'adapterLab.openCurves', title: 'Open Training Curves', arguments: [runDir] };
    this.item.show();
  }

  showStarting(): void {
    this.item.text = '$(loading~spin) Adapter Lab: starting runs…';
    this.item.tooltip = 'Adapter Lab: the trainer processes are loading the data and the base model';
    this.item.command = undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
