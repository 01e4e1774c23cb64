// Show Graph: until the composition graph view exists, what `adapter-lab inspect` prints (base shape, parameters
// per adapter and layer) in a read-only editor. It runs in the engine process, which loads TensorFlow.js and the
// data (for the label counts), so the extension host does neither.
import { execFile } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { loadConfig } from '../core/config/validate';
import { targetConfig } from './configDocuments';
import type { ReportDocuments } from './reportDocuments';
import { pathsOutside } from './runLocations';

export async function showGraph(reports: ReportDocuments, engineScript: string, arg: unknown): Promise<void> {
  const uri = await targetConfig(arg);
  if (!uri) return;
  const { config, problems } = loadConfig(uri.fsPath);
  if (!config) {
    void vscode.window.showErrorMessage(`${path.basename(uri.fsPath)} has ${problems.length} problem(s): see the Problems panel.`);
    return;
  }
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const outside = pathsOutside(config, roots).filter((o) => o.what !== 'runs folder');
  if (outside.length) {
    void vscode.window.showErrorMessage(`Adapter Lab reads only inside the workspace: ${outside.map((o) => `${o.what} ${o.path}`).join('; ')}`);
    return;
  }
  const report = await inspect(engineScript, uri.fsPath);
  if (!report.ok) {
    void vscode.window.showErrorMessage(`Show Graph failed for ${path.basename(uri.fsPath)}: ${report.text.trim()}`);
    return;
  }
  await reports.show(`${config.name} graph.txt`, `Experiment "${config.name}" (${vscode.workspace.asRelativePath(uri)})\n\n${report.text}`);
}

function inspect(engineScript: string, configFile: string): Promise<{ ok: boolean; text: string }> {
  // In desktop VS Code process.execPath is Electron; ELECTRON_RUN_AS_NODE makes it the Node.js the engine needs.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return new Promise((resolve) =>
    execFile(process.execPath, [engineScript, 'inspect', configFile], { env }, (error, stdout, stderr) =>
      resolve({ ok: !error, text: error ? stderr || error.message : stdout }),
    ),
  );
}
