// The runs a panel shows with their curves, and the messages that follow them (points, status, notices): what the
// curves and compare panels share. Each panel adds its own content around it. Runs are named by their identity
// (src/common/runIdentity.ts: the experiment when the panel mixes several, the attempt when a name was trained more
// than once); the run selector decides which of them every chart draws.
import { labelRuns } from '../../src/common/runIdentity';
import type { RunSummary } from '../../src/common/runRecord';
import type { CurveRun, CurvesState } from '../../src/protocol/curves';
import type { Notice, RunStreamMessage } from '../../src/protocol/runStream';
import type { ErrorMessage } from '../../src/protocol/webview';
import type { Notices } from '../shared/notices';
import { RunSelector } from '../shared/runSelector';
import type { CurveCharts } from './curveCharts';

export class RunCurvesView<Run extends CurveRun & { summary?: RunSummary }> {
  runs: (Run & { label: string })[] = [];
  readonly selector: RunSelector;

  constructor(
    private readonly parts: {
      title: HTMLElement;
      selector: HTMLElement;
      notices: Notices;
      charts: CurveCharts;
      state: CurvesState;
      saveState: () => void;
      /** Other views of the panel that follow the selection (the compare scatter). */
      onSelection?: (hidden: ReadonlySet<string>) => void;
    },
  ) {
    this.selector = new RunSelector(parts.selector, parts.state, (hidden) => {
      parts.charts.setHidden(hidden);
      parts.saveState();
      parts.onSelection?.(hidden);
    });
  }

  /** Replaces what is shown: the runs (their curves follow as points), and the notices about them. */
  show(title: string, runs: Run[], notices: Notice[]): void {
    const { charts, state } = this.parts;
    const labels = labelRuns(runs);
    this.runs = runs.map((r) => Object.assign(r, { label: labels.get(r.id)! }));
    this.parts.title.textContent = title;
    document.title = title;
    state.runDirs = runs.map((r) => r.dir);
    const shown = new Set(runs.map((r) => r.id));
    state.hiddenRuns = (state.hiddenRuns ?? []).filter((id) => shown.has(id));
    this.parts.saveState();
    this.parts.notices.clear();
    charts.setRuns(this.runs);
    this.selector.show(this.runs);
    for (const notice of notices) this.addNotice(notice);
  }

  addNotice(notice: Notice): void {
    this.parts.notices.add(notice, this.runs.find((r) => r.id === notice.runId)?.label);
  }

  /** Applies a streamed message or an error from the host; returns the run it changed, if any. */
  apply(message: RunStreamMessage | ErrorMessage): Run | undefined {
    switch (message.type) {
      case 'points':
        this.parts.charts.append(message.runId, message.batch);
        this.selector.showProgress(message.runId, this.parts.charts.lastStep(message.runId));
        return this.runs.find((r) => r.id === message.runId);
      case 'runStatus': {
        const run = this.runs.find((r) => r.id === message.runId);
        if (!run) return undefined;
        run.status = message.status;
        if (message.summary) run.summary = message.summary;
        this.selector.showStatus(run);
        this.parts.charts.setTestResult(run.id, run.summary);
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
