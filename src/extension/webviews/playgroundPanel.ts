// The Playground panels (host side): one per experiment or decoder. The page sends what the user typed; the host
// relays it to this panel's inference worker (a forked process: TensorFlow.js never runs on the extension host) and
// posts back only the replies to the newest request. While a panel is open the host's event-loop lag is measured
// and written to host-timings.json after each answer (typing must never wait for a model).
import * as path from 'path';
import * as vscode from 'vscode';
import { listRuns } from '../../core/io/runStore';
import type { FromInference } from '../../protocol/inference';
import {
  PLAYGROUND_VIEW_TYPE,
  type PlaygroundRequest,
  type PlaygroundRun,
  type PlaygroundSource,
  type PlaygroundToWebview,
  isPlaygroundMessage,
  isPlaygroundState,
} from '../../protocol/playground';
import { InferenceProcess } from '../../runner/inferenceProcess';
import { playgroundRuns } from '../playgroundRuns';
import type { EventLoopLag, LagStats } from '../eventLoopLag';
import { PanelController, registerPanelSerializer } from './panelController';
import type { PanelDeps } from './panelDeps';
import { applyFmaSetting, readSettings } from '../settings';

export interface PlaygroundDeps extends PanelDeps {
  workerScript: string;
  lag: EventLoopLag;
  recordLag(lag: LagStats): void;
}

const keyOf = (source: PlaygroundSource) => (source.kind === 'experiment' ? `experiment:${source.configFile}` : `decoder:${source.target}`);

export class PlaygroundPanels implements vscode.Disposable {
  private readonly panels = new Map<string, { controller: PanelController<PlaygroundToWebview, PlaygroundRequest>; refresh(): void }>();
  private readonly serializer: vscode.Disposable;

  constructor(private readonly deps: PlaygroundDeps) {
    this.serializer = registerPanelSerializer(PLAYGROUND_VIEW_TYPE, (panel, state) => {
      if (isPlaygroundState(state)) this.adopt(panel, state.source);
      else panel.dispose();
    });
  }

  show(source: PlaygroundSource): void {
    const open = this.panels.get(keyOf(source));
    if (open) {
      open.controller.panel.reveal(undefined, true);
      open.refresh(); // runs may have finished since
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, 'Playground', { viewColumn: vscode.ViewColumn.Active }, {}), source);
  }

  private adopt(panel: vscode.WebviewPanel, source: PlaygroundSource): void {
    applyFmaSetting(readSettings()); // the worker, forked on its first request, runs the kernels this says
    panel.title = `Playground: ${titleOf(source)}`;
    let runs: PlaygroundRun[] = [];
    const worker = new InferenceProcess({
      workerScript: this.deps.workerScript,
      onReply: (m) => this.relay(controller, m),
      onOutput: (line) => this.deps.log.appendLine(`[playground] ${line}`),
    });
    const controller: PanelController<PlaygroundToWebview, PlaygroundRequest> = new PanelController(
      panel,
      this.deps.extensionUri,
      { viewType: PLAYGROUND_VIEW_TYPE, view: 'playground', title: panel.title, isMessage: isPlaygroundMessage, log: this.deps.log },
      (message) => {
        if (message.type === 'classify') {
          if (runs.length) worker.request({ type: 'classify', runs: runs.map((r) => r.dir), text: message.text, drop: message.drop });
        } else if (message.type === 'generate' && source.kind === 'decoder') {
          worker.request({ type: 'generate', decoder: source.target, prompt: message.prompt, sampling: message.sampling });
        }
      },
    );
    const refresh = () => {
      const content = sourceMessage(source);
      if (content.type === 'source') runs = content.runs;
      controller.post(content);
    };
    controller.onReady(refresh);
    this.deps.lag.begin();
    this.panels.set(keyOf(source), { controller, refresh });
    controller.onDispose(() => {
      this.panels.delete(keyOf(source));
      worker.dispose();
      this.deps.recordLag(this.deps.lag.end());
    });
  }

  private relay(controller: PanelController<PlaygroundToWebview, PlaygroundRequest>, m: FromInference): void {
    switch (m.type) {
      case 'ready':
        return this.deps.log.appendLine(`Playground inference worker ready (pid ${m.pid}, ${m.backend})`);
      case 'prediction':
        return controller.post({ type: 'prediction', prediction: m.prediction });
      case 'token':
        return controller.post({ type: 'token', text: m.text });
      case 'done':
        this.deps.recordLag(this.deps.lag.snapshot());
        return controller.post({ type: 'done', tokens: m.tokens, msPerToken: m.msPerToken });
      case 'failed':
        return controller.post({ type: 'failed', message: m.message, run: m.run });
      case 'dropped':
        return;
    }
  }

  dispose(): void {
    this.serializer.dispose();
    [...this.panels.values()].forEach((p) => p.controller.dispose());
  }
}

function sourceMessage(source: PlaygroundSource): PlaygroundToWebview {
  return {
    type: 'source',
    source,
    title: titleOf(source),
    runs: source.kind === 'experiment' ? playgroundRuns(listRuns(source.runsDir).runs, source.configFile) : [],
  };
}

/** The experiment's config name, or the decoder's folder name (`builtin:<name>` as it is). */
function titleOf(source: PlaygroundSource): string {
  if (source.kind === 'experiment') return path.basename(source.configFile).replace(/\.adapterlab\.json$/, '');
  return source.target.startsWith('builtin:') ? source.target : path.basename(source.target);
}
