// Where runs are: the runs folder of each experiment config (its `runsDir`, relative to the config), found from a
// folder the way the VS Code extension finds them in a workspace — every *.adapterlab.json below it, outside
// node_modules — plus the `adapterLab.runsFolder` setting of that folder's .vscode/settings.json. Shared by the
// extension (src/extension/runLocations.ts) and the CLI (src/cli/findRuns.ts). No TensorFlow.js here: the extension
// host loads it.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'jsonc-parser';
import { CONFIG_SUFFIX, DEFAULT_RUNS_DIR } from '../config/defaults';
import { RUN_FILE } from './runStore';

/**
 * The runs folder of a config: the `adapterLab.runsFolder` setting (relative to the workspace folder) when set, else
 * the config's `runsDir`, else the default. Reads only `runsDir` from the text, so a config with errors still has one.
 */
export function runsDirOf(configFile: string, configText: string, runsFolderSetting: string, workspaceFolder?: string): string {
  const override = runsFolderOverride(configFile, runsFolderSetting, workspaceFolder);
  if (override) return override;
  const raw: unknown = parse(configText, [], { allowTrailingComma: true });
  const runsDir =
    raw && typeof raw === 'object' && typeof (raw as { runsDir?: unknown }).runsDir === 'string' ? (raw as { runsDir: string }).runsDir : DEFAULT_RUNS_DIR;
  return path.resolve(path.dirname(configFile), runsDir);
}

/** The `adapterLab.runsFolder` setting as an absolute folder, when it is set. */
export function runsFolderOverride(configFile: string, runsFolderSetting: string, workspaceFolder?: string): string | undefined {
  const setting = runsFolderSetting.trim();
  return setting ? path.resolve(workspaceFolder ?? path.dirname(configFile), setting) : undefined;
}

/** A run folder: one with a run.json. */
export function isRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, RUN_FILE));
}

/** A runs folder: one that holds at least one run folder. */
export function isRunsFolder(dir: string): boolean {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && isRunFolder(path.join(dir, e.name)));
  } catch {
    return false;
  }
}

/** Folders not searched for configs: dependencies, version control, and run folders (runs hold no configs). */
const SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);
/** A search from a large folder (a home folder) stops after this many folders and says so. */
export const MAX_FOLDERS_SEARCHED = 20_000;

export interface ConfigSearch {
  configs: string[];
  /** The search stopped at MAX_FOLDERS_SEARCHED folders: there may be configs it did not reach. */
  truncated: boolean;
}

/** The experiment configs (*.adapterlab.json) under a folder, sorted; not inside node_modules, .git or runs folders. */
export function findConfigFiles(root: string): ConfigSearch {
  const configs: string[] = [];
  const pending = [root];
  let visited = 0;
  while (pending.length) {
    if (visited++ >= MAX_FOLDERS_SEARCHED) return { configs: configs.sort(), truncated: true };
    const dir = pending.shift()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable: nothing to find there
    }
    if (entries.some((e) => e.name === RUN_FILE && e.isFile())) continue; // a run folder (its config snapshot is in run.json)
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !SKIPPED.has(e.name)) pending.push(p);
      else if (e.isFile() && e.name.endsWith(CONFIG_SUFFIX)) configs.push(p);
    }
  }
  return { configs: configs.sort(), truncated: false };
}

/** The `adapterLab.runsFolder` setting in a folder's .vscode/settings.json, or '' (as the extension reads it there). */
export function runsFolderSetting(folder: string): string {
  try {
    const raw: unknown = parse(fs.readFileSync(path.join(folder, '.vscode', 'settings.json'), 'utf8'), [], { allowTrailingComma: true });
    const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)['adapterLab.runsFolder'] : undefined;
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

export interface RunsFolder {
  dir: string;
  /** The configs whose runs go there (none for the default folder of the search root). */
  configs: string[];
}

export interface RunsFolderSearch extends ConfigSearch {
  root: string;
  folders: RunsFolder[];
}

/**
 * The runs folders of every config under `root` (each config's runsDir, or the runsFolder setting of root's
 * .vscode/settings.json), and root's own .adapterlab/runs, whether or not they exist yet.
 */
export function findRunsFolders(root: string): RunsFolderSearch {
  const search = findConfigFiles(root);
  const setting = runsFolderSetting(root);
  const folders = new Map<string, RunsFolder>();
  const add = (dir: string, config?: string) => {
    const folder = folders.get(dir) ?? { dir, configs: [] };
    if (config) folder.configs.push(config);
    folders.set(dir, folder);
  };
  for (const config of search.configs) {
    let text = '';
    try {
      text = fs.readFileSync(config, 'utf8');
    } catch {
      // unreadable: it still has the default runs folder
    }
    add(runsDirOf(config, text, setting, root), config);
  }
  add(runsFolderOverride(path.join(root, 'x'), setting, root) ?? path.resolve(root, DEFAULT_RUNS_DIR));
  return { ...search, root, folders: [...folders.values()] };
}
