// Where a config's runs live, and the rule that the extension reads and writes only inside the workspace.
import * as fs from 'fs';
import * as path from 'path';
import type { ExperimentConfig } from '../core/config/types';
import { DISK_CHECKS } from '../core/config/diskChecks';
import type { SemanticOptions } from '../core/config/semantic';

// Shared with the CLI, which finds runs the same way.
export { runsDirOf, runsFolderOverride } from '../core/io/runFolders';

/** By the names alone: `target` is `root` or below it (a name that merely starts with ".." is below). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * The path with every symbolic link in it resolved. Parts that do not exist yet (a runs folder to be made) are kept
 * as they are below the real path of their nearest existing ancestor.
 */
export function realPath(p: string): string {
  const missing: string[] = [];
  for (let at = path.resolve(p); ; at = path.dirname(at)) {
    try {
      return path.join(fs.realpathSync(at), ...missing);
    } catch {
      if (path.dirname(at) === at) return path.resolve(p);
      missing.unshift(path.basename(at));
    }
  }
}

/** Where the file system actually leads: `target` is inside `root` once symbolic links on both are followed. */
export function isReallyInside(root: string, target: string): boolean {
  return isInside(realPath(root), realPath(target));
}

/** A folder and the files directly in it (a model folder whose weights may be links to elsewhere). */
function folderAndEntries(dir: string): string[] {
  try {
    return [dir, ...fs.readdirSync(dir).map((name) => path.join(dir, name))];
  } catch {
    return [dir];
  }
}

export interface OutsidePath {
  what: string;
  path: string;
}

/**
 * The files and folders a training session would read or write that lie outside every workspace folder, symbolic
 * links followed: a link inside the workspace to a folder outside it is outside. For a base model, each file in its
 * folder counts too.
 */
export function pathsOutside(config: ExperimentConfig, workspaceFolders: readonly string[]): OutsidePath[] {
  const touched: (OutsidePath & { reads: string[] })[] = [{ what: 'runs folder', path: config.runsDir, reads: [config.runsDir] }];
  if (config.data.kind === 'file') touched.push({ what: 'data file', path: config.data.path, reads: [config.data.path] });
  if (config.base.kind === 'path') touched.push({ what: 'base model', path: config.base.path, reads: folderAndEntries(config.base.path) });
  const roots = workspaceFolders.map(realPath);
  return touched.filter((t) => !t.reads.every((p) => roots.some((root) => isInside(root, realPath(p))))).map(({ what, path: p }) => ({ what, path: p }));
}

/**
 * The config checks on disk for the editor: as `adapter-lab check`, but a `path` base's config.json is read only
 * inside the workspace (outside it, pathsOutside refuses the base before anything uses it).
 */
export function workspaceDiskChecks(workspaceFolders: readonly string[]): SemanticOptions {
  return {
    ...DISK_CHECKS,
    baseShape: (base) => {
      if (base.kind === 'path' && !folderAndEntries(base.path).every((p) => workspaceFolders.some((root) => isReallyInside(root, p)))) return undefined;
      return DISK_CHECKS.baseShape?.(base);
    },
  };
}
