// Where a config's runs live, and the rule that the extension reads and writes only inside the workspace.
import * as path from 'path';
import { parse } from 'jsonc-parser';
import { DEFAULT_RUNS_DIR } from '../core/config/defaults';
import type { ExperimentConfig } from '../core/config/types';

/**
 * The runs folder of a config: the `adapterLab.runsFolder` setting (relative to the workspace folder) when set, else
 * the config's `runsDir`, else the default. Reads only `runsDir` from the text, so a config with errors still has one.
 */
export function runsDirOf(configFile: string, configText: string, runsFolderSetting: string, workspaceFolder?: string): string {
  const override = runsFolderOverride(configFile, runsFolderSetting, workspaceFolder);
  if (override) return override;
  const raw: unknown = parse(configText, [], { allowTrailingComma: true });
  const runsDir = raw && typeof raw === 'object' && typeof (raw as { runsDir?: unknown }).runsDir === 'string' ? (raw as { runsDir: string }).runsDir : DEFAULT_RUNS_DIR;
  return path.resolve(path.dirname(configFile), runsDir);
}

/** The `adapterLab.runsFolder` setting as an absolute folder, when it is set. */
export function runsFolderOverride(configFile: string, runsFolderSetting: string, workspaceFolder?: string): string | undefined {
  const setting = runsFolderSetting.trim();
  return setting ? path.resolve(workspaceFolder ?? path.dirname(configFile), setting) : undefined;
}

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
