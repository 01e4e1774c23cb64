// Runs named on the command line: a run folder, or a run id looked up in the runs folders that the current folder's
// configs write to (src/core/io/runFolders.ts, as the extension finds them), and what was searched when it is not
// found. Also the labels that tell runs of the same name apart.
import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord, RunSummary } from '../common/runRecord';
import { CONFIG_SUFFIX, DEFAULT_RUNS_DIR } from '../core/config/defaults';
import { type RunsFolderSearch, MAX_FOLDERS_SEARCHED, findRunsFolders, isRunFolder } from '../core/io/runFolders';
import { listRuns, readRun } from '../core/io/runStore';

export interface FoundRun {
  dir: string;
  record: RunRecord;
  summary?: RunSummary;
}

/** A path as the user would type it from `cwd`: relative below it, absolute elsewhere. */
export function shownPath(p: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, p);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
}

const MAX_FOLDERS_LISTED = 12;

/** What a search covered, for "nothing found" messages. */
export function describeSearch(search: RunsFolderSearch): string {
  const configs = search.configs.length
    ? `the runs folders of ${search.configs.length === 1 ? `the config ${search.configs[0]}` : `${search.configs.length} configs (*${CONFIG_SUFFIX})`} under ${search.root}`
    : `no *${CONFIG_SUFFIX} config under ${search.root} (node_modules left out), so only the default ${DEFAULT_RUNS_DIR}`;
  const shown = search.folders.slice(0, MAX_FOLDERS_LISTED).map((f) => `  ${f.dir}${fs.existsSync(f.dir) ? '' : ' (does not exist)'}`);
  const more = search.folders.length - shown.length;
  const folders = [...shown, ...(more > 0 ? [`  … and ${more} more`] : [])].join('\n');
  const truncated = search.truncated
    ? `\n(the search stopped after ${MAX_FOLDERS_SEARCHED} folders: run the command from the experiment's folder, or name the folder)`
    : '';
  return `Searched ${configs}:\n${folders}${truncated}`;
}

export class RunNotFound extends Error {}

/**
 * The run an argument names: a run folder (a path to it), or a run id — whole, or a part of it that only one run's id
 * holds — in the runs folders found from `cwd` (or in `runsDir` when given).
 */
export function resolveRun(arg: string, cwd = process.cwd(), runsDir?: string): string {
  const asPath = path.resolve(cwd, arg);
  if (fs.existsSync(asPath)) {
    const dir = fs.statSync(asPath).isDirectory() ? asPath : path.dirname(asPath); // run.json or summary.json named
    if (isRunFolder(dir)) return dir;
    // A path that is no run; a bare name may still be a run id (a folder here can share its name).
    if (/[\\/]/.test(arg) || arg.startsWith('.')) throw new RunNotFound(`${asPath} is not a run folder (it has no run.json)`);
  }
  const folders = runsDir ? [path.resolve(cwd, runsDir)] : undefined;
  const search = folders ? undefined : findRunsFolders(cwd);
  const dirs = folders ?? search!.folders.map((f) => f.dir);
  const exact = dirs.map((d) => path.join(d, arg)).filter(isRunFolder);
  if (exact.length === 1) return exact[0];
  const candidates = exact.length
    ? exact
    : dirs.flatMap((d) =>
        listRuns(d)
          .runs.filter((r) => path.basename(r.dir).includes(arg))
          .map((r) => r.dir),
      );
  if (candidates.length === 1) return candidates[0];
  const where = search ? describeSearch(search) : `Searched ${dirs[0]}`;
  if (candidates.length > 1) {
    const shown = candidates
      .slice(0, 10)
      .map((d) => `  ${shownPath(d, cwd)}`)
      .join('\n');
    throw new RunNotFound(`"${arg}" names ${candidates.length} runs; give the whole id or the folder:\n${shown}${candidates.length > 10 ? '\n  …' : ''}`);
  }
  throw new RunNotFound(`no run "${arg}": it is not a run folder, and no run id holds it. ${where}\n(\`adapter-lab runs\` lists the runs it finds)`);
}

/** Resolves every argument, or prints why one cannot be and returns undefined. */
export function resolveRunsOrReport(args: string[], runsDir?: string): string[] | undefined {
  try {
    return args.map((a) => resolveRun(a, process.cwd(), runsDir));
  } catch (e) {
    if (!(e instanceof RunNotFound)) throw e;
    console.error(e.message);
    return undefined;
  }
}

export function loadFound(dir: string): FoundRun {
  const { runs } = listRuns(path.dirname(dir));
  return runs.find((r) => r.dir === dir) ?? { dir, record: readRun(dir) };
}

/** "2026-12-05 10:08", in local time. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Row labels for runs: the run name, and where names repeat, what tells those runs apart — the experiment if theirs
 * differ, a sweep run's setting and seed, then the time the run was created, and the run id if that is the same too.
 */
export function distinctLabels(records: Pick<RunRecord, 'id' | 'name' | 'experiment' | 'createdAt' | 'sweep'>[]): string[] {
  const labels = records.map((r) => r.name);
  const tellApart = (detail: (r: (typeof records)[number]) => string, evenIfSame: boolean) => {
    const byLabel = new Map<string, number[]>();
    labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
    for (const members of byLabel.values()) {
      if (members.length < 2) continue;
      if (!evenIfSame && new Set(members.map((i) => detail(records[i]))).size === 1) continue; // would say nothing
      for (const i of members) labels[i] = `${labels[i]} · ${detail(records[i])}`;
    }
  };
  tellApart((r) => r.experiment, false);
  tellApart((r) => (r.sweep ? `${r.sweep.setting.slice(r.name.length).replace(/^ · /, '') || 'sweep'} · seed ${r.sweep.seed}` : 'no sweep'), false);
  tellApart((r) => localTime(r.createdAt), false);
  tellApart((r) => r.id, true);
  return labels;
}

/**
 * An adapter folder an argument names: a folder (adapters/<name>/ of a run), or a run (id or run folder) that saved
 * exactly one adapter.
 */
export function resolveAdapterFolder(arg: string, cwd = process.cwd()): string {
  const asPath = path.resolve(cwd, arg);
  // A folder that is no run is taken as an adapter folder: merging reads it and says what is missing.
  if (fs.existsSync(asPath) && !isRunFolder(asPath)) return asPath;
  const run = resolveRun(arg, cwd);
  const adaptersDir = path.join(run, 'adapters');
  const adapters = fs.existsSync(adaptersDir) ? fs.readdirSync(adaptersDir).filter((n) => fs.existsSync(path.join(adaptersDir, n, 'adapter_config.json'))) : [];
  if (adapters.length === 1) return path.join(adaptersDir, adapters[0]);
  throw new RunNotFound(
    adapters.length
      ? `${shownPath(run, cwd)} saved ${adapters.length} adapters; name one: ${adapters.map((a) => shownPath(path.join(adaptersDir, a), cwd)).join(', ')}`
      : `${shownPath(run, cwd)} saved no adapter (adapters/<name>/adapter_config.json)`,
  );
}
