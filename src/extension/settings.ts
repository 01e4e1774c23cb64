// The extension's settings (contributes.configuration in package.json), typed.
import * as vscode from 'vscode';
import type { BackendName } from '../common/runRecord';
import { defaultParallelism } from '../runner/runExperiment';
import { FMA_ENV } from '../core/model/kernels/kernelVariant';

export interface Settings {
  /** undefined: the config's own `backend` decides. */
  backend?: BackendName;
  maxParallelRuns: number;
  runsFolder: string;
  /** adapterLab.fma: `auto` (the FMA kernels where the runtime has relaxed SIMD, as VS Code's has) or `off`. */
  fma: 'auto' | 'off';
}

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('adapterLab', scope);
  const backend = c.get<BackendName>('backend', 'auto');
  const parallel = c.get<number>('maxParallelRuns', 0);
  return {
    backend: backend === 'auto' ? undefined : backend,
    maxParallelRuns: parallel >= 1 ? Math.floor(parallel) : defaultParallelism(),
    runsFolder: c.get<string>('runsFolder', ''),
    fma: c.get<string>('fma', 'auto') === 'off' ? 'off' : 'auto',
  };
}

// ADAPTERLAB_FMA as VS Code was started with, which `auto` leaves in force.
const startedWith = process.env[FMA_ENV];

/**
 * Hands adapterLab.fma to the engine processes forked from now on (trainers, the Playground's worker): they inherit
 * the extension host's environment and read ADAPTERLAB_FMA at start-up (core/model/kernels/kernelVariant.ts).
 */
export function applyFmaSetting(settings: Settings): void {
  if (settings.fma === 'off') process.env[FMA_ENV] = 'off';
  else if (startedWith === undefined) delete process.env[FMA_ENV];
  else process.env[FMA_ENV] = startedWith;
}
