// The extension's settings (contributes.configuration in package.json), typed.
import * as vscode from 'vscode';
import type { BackendName } from '../common/runRecord';
import { defaultParallelism } from '../runner/runExperiment';

export interface Settings {
  /** undefined: the config's own `backend` decides. */
  backend?: BackendName;
  maxParallelRuns: number;
  runsFolder: string;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('adapterLab', scope);
  const backend = c.get<BackendName>('backend', 'auto');
  const parallel = c.get<number>('maxParallelRuns', 0);
  return {
    backend: backend === 'auto' ? undefined : backend,
    maxParallelRuns: parallel >= 1 ? Math.floor(parallel) : defaultParallelism(),
    runsFolder: c.get<string>('runsFolder', ''),
  };
}
