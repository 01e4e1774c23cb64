// The run colours of this workspace: assigned once per run (least-used palette colour first) and kept in the
// workspace state, so a run has the same colour in the Runs tree, the curves and the comparison, today and after
// a reload. The tree icon is the run's colour with its status as the shape (media/run-icons).
import * as vscode from 'vscode';
import type { RunStatus } from '../../common/runRecord';
import { assignRunColors, panelRunStyles, runColor, runIconFile } from '../../common/runColors';

const STATE_KEY = 'adapterLab.runColors';

export class RunColors {
  private assigned: Record<string, number>;

  constructor(
    private readonly state: vscode.Memento,
    private readonly extensionUri: vscode.Uri,
  ) {
    const saved = state.get<unknown>(STATE_KEY);
    this.assigned = isAssignment(saved) ? saved : {};
  }

  /** Colours for these runs, giving the ones without a colour theirs now. */
  colorsOf(runIds: readonly string[]): string[] {
    this.ensure(runIds);
    return runIds.map((id) => runColor(this.assigned[id]));
  }

  colorOf(runId: string): string {
    return this.colorsOf([runId])[0];
  }

  /**
   * How the runs one panel shows are drawn: each its own colour (its stored one unless an older run of the panel has
   * it), and past the palette a dash pattern (see panelRunStyles).
   */
  panelStylesOf(runs: readonly { id: string; createdAt: string }[]): Map<string, { color: string; pattern: number }> {
    this.ensure(runs.map((r) => r.id));
    const styles = panelRunStyles(runs.map((r) => ({ ...r, stored: this.assigned[r.id] })));
    // A run that had to move keeps its new colour, so its Runs tree icon agrees from now on (a dashed repeat cannot).
    const moved = [...styles].filter(([id, s]) => s.pattern === 0 && s.index !== this.assigned[id]);
    if (moved.length) {
      this.assigned = { ...this.assigned, ...Object.fromEntries(moved.map(([id, s]) => [id, s.index])) };
      void this.state.update(STATE_KEY, this.assigned);
    }
    return new Map([...styles].map(([id, s]) => [id, { color: runColor(s.index), pattern: s.pattern }]));
  }

  /** Deleted runs give their colours back: new runs then get colours no run on screen has. */
  forget(runIds: readonly string[]): void {
    const next = { ...this.assigned };
    for (const id of runIds) delete next[id];
    this.assigned = next;
    void this.state.update(STATE_KEY, next);
  }

  iconOf(runId: string, status: RunStatus): vscode.Uri {
    this.ensure([runId]);
    return vscode.Uri.joinPath(this.extensionUri, 'media', 'run-icons', runIconFile(this.assigned[runId], status));
  }

  private ensure(runIds: readonly string[]): void {
    const { assigned, changed } = assignRunColors(this.assigned, runIds);
    if (!changed) return;
    this.assigned = assigned;
    void this.state.update(STATE_KEY, assigned);
  }
}

function isAssignment(v: unknown): v is Record<string, number> {
  return typeof v === 'object' && v !== null && Object.values(v).every((i) => Number.isInteger(i) && i >= 0);
}
