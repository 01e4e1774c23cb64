// The Playground panels (host side): one per experiment or decoder. The page sends what the user typed; the host
// relays it to this panel's inference worker (a forked process: TensorFlow.js never runs on the extension host) and
// posts back only the replies to the newest request. While a panel is open the host's event-loop lag is measured
// and written to host-timings.json after each answer (typing must never wait for a model).
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../../core/config/types';
import { loadConfig } from '../../core/config/validate';
import { listRuns, readRun } from '../../core/io/runStore';
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
import { generationOffer, generationRequest } from '../playgroundGeneration';
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
  private readonly panels = new Map<string, { controller: PanelController<PlaygroundToWebview, PlaygroundRequest>; refresh(select?: string): void }>();
  private readonly serializer: vscode.Disposable;

  constructor(private readonly deps: PlaygroundDeps) {
    this.serializer = registerPanelSerializer(PLAYGROUND_VIEW_TYPE, (panel, state) => {
      if (isPlaygroundState(state)) this.adopt(panel, state.source);
      else panel.dispose();
    });
  }

  /** `select`: the run it is opened from, chosen in a causal-lm experiment's model choice. */
  show(source: PlaygroundSource, select?: string): void {
    const open = this.panels.get(keyOf(source));
    if (open) {
      open.controller.panel.reveal(undefined, true);
      open.refresh(select); // runs may have finished since
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, 'Playground', { viewColumn: vscode.ViewColumn.Active }, {}), source, select);
  }

  private adopt(panel: vscode.WebviewPanel, source: PlaygroundSource, select?: string): void {
    applyFmaSetting(readSettings()); // the worker, forked on its first request, runs the kernels this says
    panel.title = `Playground: ${titleOf(source)}`;
    let runs: PlaygroundRun[] = [];
    let config: ExperimentConfig | undefined;
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
        } else if (message.type === 'generate' && config && message.model) {
          const { model, prompt, sampling } = message;
          const answer = generationRequest(model, config, runs);
          if (answer.problem === undefined) worker.request({ type: 'generate', ...answer.request, prompt, sampling });
          else controller.post(model.kind === 'setup' ? { type: 'setupProblem', message: answer.problem } : { type: 'failed', message: answer.problem });
        }
      },
    );
    const refresh = (select?: string) => {
      const content = sourceMessage(source);
      runs = content.runs;
      config = content.config;
      controller.post({ type: 'source', source, title: titleOf(source), runs, generation: config && generationOffer(config, runs), select });
    };
    controller.onReady(() => refresh(select));
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

/** An experiment's finished runs and its config: as the file says, or (while the file has errors) as its newest run was trained. */
function sourceMessage(source: PlaygroundSource): { runs: PlaygroundRun[]; config?: ExperimentConfig } {
  if (source.kind === 'decoder') return { runs: [] };
  const runs = playgroundRuns(listRuns(source.runsDir).runs, source.configFile);
  const config = loadConfig(source.configFile).config ?? (runs[0] && (readRun(runs[0].dir).config as ExperimentConfig));
  return { runs, config };
}

/** The experiment's config name, or the decoder's folder name (`builtin:<name>` as it is). */
function titleOf(source: PlaygroundSource): string {
  if (source.kind === 'experiment') return path.basename(source.configFile).replace(/\.adapterlab\.json$/, '');
  return source.target.startsWith('builtin:') ? source.target : path.basename(source.target);
}
