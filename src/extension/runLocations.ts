// Where a config's runs live, and the rule that the extension reads and writes only inside the workspace.
import * as path from 'path';
import type { ExperimentConfig } from '../core/config/types';

// Shared with the CLI, which finds runs the same way.
export { runsDirOf, runsFolderOverride } from '../core/io/runFolders';

export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export interface OutsidePath {
  what: string;
  path: string;
}

/** The files and folders a training session would read or write that lie outside every workspace folder. */
export function pathsOutside(config: ExperimentConfig, workspaceFolders: readonly string[]): OutsidePath[] {
  const touched: OutsidePath[] = [{ what: 'runs folder', path: config.runsDir }];
  if (config.data.kind === 'file') touched.push({ what: 'data file', path: config.data.path });
  if (config.base.kind === 'path') touched.push({ what: 'base model', path: config.base.path });
  return touched.filter((t) => !workspaceFolders.some((root) => isInside(root, t.path)));
}
