// The Training curves panel (host side): one panel per set of runs (opening the same runs again reveals it), fed by
// a RunSet that streams new points while the runs train; restored after a reload from the webview's saved state.
// A click on a run in the tree opens a "preview" panel, like the explorer's preview editor: the next click shows
// the next run in the same panel instead of opening one more.
import * as path from 'path';
import * as vscode from 'vscode';
import { identify, runLabel } from '../../common/runIdentity';
import { listRuns } from '../../core/io/runStore';
import type { RunFolder } from '../../core/metrics/runFolder';
import { CURVES_VIEW_TYPE, type CurveRun, type CurvesFromWebview, type CurvesToWebview, isCurvesState } from '../../protocol/curves';
import { PanelController, registerPanelSerializer } from './panelController';
import type { PanelDeps } from './panelDeps';
import { webviewOptions } from './panelHtml';
import type { RunColors } from './runColors';
import { RunSet } from './runSet';

interface CurvesPanel {
  controller: PanelController<CurvesToWebview, CurvesFromWebview>;
  runDirs: string[];
  /** Shows other runs in this panel. */
  show(runDirs: string[]): void;
}

const panels = new Set<CurvesPanel>();
let preview: CurvesPanel | undefined;

export function openCurvesPanel(deps: PanelDeps, runDirs: string[], options: { preview?: boolean } = {}): void {
  const key = panelKey(runDirs);
  const existing = [...panels].find((p) => panelKey(p.runDirs) === key);
  if (existing) return existing.controller.panel.reveal(undefined, options.preview);
  if (options.preview && preview) {
    preview.show(runDirs);
    return preview.controller.panel.reveal(undefined, true);
  }
  // A preview keeps the focus where the click was (the tree, and its multi-selection).
  const panel = vscode.window.createWebviewPanel(
    CURVES_VIEW_TYPE,
    'Training curves',
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: options.preview ?? false },
    webviewOptions(deps.extensionUri),
  );
  const opened = attach(deps, panel, runDirs);
  if (options.preview) preview = opened;
}

export function registerCurvesSerializer(deps: PanelDeps): vscode.Disposable {
  return registerPanelSerializer(CURVES_VIEW_TYPE, (panel, state) => {
    if (!isCurvesState(state) || state.runDirs.length === 0) {
      deps.log.appendLine('warning: a Training curves panel could not be restored: it saved no runs');
      return panel.dispose();
    }
    attach(deps, panel, state.runDirs);
  });
}

function attach(deps: PanelDeps, panel: vscode.WebviewPanel, initialDirs: string[]): CurvesPanel {
  const controller = new PanelController<CurvesToWebview, CurvesFromWebview>(
    panel,
    deps.extensionUri,
    { viewType: CURVES_VIEW_TYPE, view: 'curves', title: 'Training curves', isMessage: (_v: unknown): _v is never => false, log: deps.log },
    () => undefined, // the view only says ready
  );
  let runs: RunSet | undefined;
  const send = () => {
    runs?.dispose();
    runs = new RunSet(entry.runDirs, (m) => controller.post(m));
    const shown = curveRuns(runs.folders, deps.colors);
    const title = curvesTitle(shown, entry.runDirs);
    panel.title = title;
    controller.post({ type: 'runs', title, runs: shown, notices: runs.notices() });
    runs.start();
  };
  const entry: CurvesPanel = {
    controller,
    runDirs: initialDirs,
    show: (runDirs) => {
      entry.runDirs = runDirs;
      send();
    },
  };
  panels.add(entry);
  controller.onReady(send); // also after a reload, when the webview starts empty
  controller.onDispose(() => {
    runs?.dispose();
    panels.delete(entry);
    if (preview === entry) preview = undefined;
  });
  return entry;
}

/**
 * The runs as the panels name and draw them: their identity (the attempt counted among every run of their runs
 * folder, not only those shown), a colour no other run of the panel has, and their summary (the test result).
 */
export function curveRuns(folders: readonly RunFolder[], colors: RunColors): CurveRun[] {
  const records = folders.flatMap((f) => (f.record ? [{ dir: f.dir, record: f.record, summary: f.summary }] : []));
  const experiments = new Set(records.map((r) => r.record.experiment));
  const siblings = [...new Set(records.map((r) => path.dirname(r.dir)))].flatMap((dir) => listRuns(dir).runs.map((r) => r.record));
  const identities = identify([...siblings, ...records.map((r) => r.record)].filter((r) => experiments.has(r.experiment)));
  const styles = colors.panelStylesOf(records.map((r) => r.record));
  return records.map(({ dir, record, summary }) => ({ ...identities.get(record.id)!, dir, status: record.status, ...styles.get(record.id)!, summary }));
}

/** `Curves: full #2 (tiny)`, or `Curves: 4 runs (tiny, slow)`. */
function curvesTitle(runs: CurveRun[], runDirs: string[]): string {
  const experiments = [...new Set(runs.map((r) => r.experiment))].join(', ');
  if (runs.length === 1) return `Curves: ${runLabel(runs[0], false)} (${experiments})`;
  if (runs.length === 0) return `Curves: ${runDirs.map((d) => path.basename(d)).join(', ')}`;
  return `Curves: ${runs.length} runs (${experiments})`;
}

function panelKey(runDirs: string[]): string {
  return [...runDirs]
    .map((d) => path.resolve(d))
    .sort()
    .join('\n');
}
