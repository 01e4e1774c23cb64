// The runs a panel shows with their curves, and the messages that follow them (points, status, notices): what the
// curves and compare panels share. Each panel adds its own content around it.
import type { CurveRun, CurvesState } from '../../src/protocol/curves';
import type { Notice, RunStreamMessage } from '../../src/protocol/runStream';
import type { ErrorMessage } from '../../src/protocol/webview';
import type { Notices } from '../shared/notices';
import type { CurveCharts } from './curveCharts';
import { legendItem, showProgress, showStatus } from './runLegend';

export class RunCurvesView<Run extends CurveRun & { summary?: unknown }> {
  runs: Run[] = [];

  constructor(
    private readonly parts: { title: HTMLElement; legend: HTMLElement; notices: Notices; charts: CurveCharts; state: CurvesState; saveState: () => void },
  ) {}

  /** Replaces what is shown: the runs (their curves follow as points), and the notices about them. */
  show(title: string, runs: Run[], notices: Notice[]): void {
    const { legend, charts, state } = this.parts;
    this.runs = runs;
    this.parts.title.textContent = title;
    document.title = title;
    state.runDirs = runs.map((r) => r.dir);
    this.parts.saveState();
    this.parts.notices.clear();
    charts.setRuns(runs);
    legend.replaceChildren(...runs.map(legendItem));
    for (const notice of notices) this.addNotice(notice);
  }

  addNotice(notice: Notice): void {
    this.parts.notices.add(notice, this.runs.find((r) => r.id === notice.runId)?.name);
  }

  /** Applies a streamed message or an error from the host; returns the run it changed, if any. */
  apply(message: RunStreamMessage | ErrorMessage): Run | undefined {
    switch (message.type) {
      case 'points':
        this.parts.charts.append(message.runId, message.batch);
        showProgress(this.parts.legend, this.parts.charts, message.runId);
        return this.runs.find((r) => r.id === message.runId);
      case 'runStatus': {
        const run = this.runs.find((r) => r.id === message.runId);
        if (!run) return undefined;
        run.status = message.status;
        if (message.summary) run.summary = message.summary;
        showStatus(this.parts.legend, run);
        return run;
      }
      case 'notice':
        this.addNotice(message.notice);
        return undefined;
      case 'error':
        this.addNotice({ severity: 'error', message: message.detail ? `${message.message}\n${message.detail}` : message.message });
        return undefined;
    }
  }
}
