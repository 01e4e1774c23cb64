// `adapter-lab runs [folder|config]` and `adapter-lab compare <run>…`: runs found as src/cli/findRuns.ts finds them.
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_SUFFIX } from '../core/config/defaults';
import { findRunsFolders, isRunFolder, isRunsFolder } from '../core/io/runFolders';
import { listRuns, readSummary } from '../core/io/runStore';
import { type FoundRun, describeSearch, distinctLabels, loadFound, resolveRunsOrReport, shownPath } from './findRuns';
import { comparisonTable, storageProjection } from './report';
import { terminalColumns, wrapWords } from './terminalWidth';
import { EXIT } from './exit';

interface Listing {
  title: string;
  runs: FoundRun[];
}

/**
 * Lists runs, newest first, by runs folder. `target`: a folder to search (default: the current one), a runs folder, a
 * run folder, or a config (its runs only).
 */
export function runsCommand(target: string | undefined): number {
  const cwd = process.cwd();
  const resolved = path.resolve(cwd, target ?? '.');
  if (!fs.existsSync(resolved)) {
    console.error(`${resolved}: no such file or folder`);
    return EXIT.badInput;
  }
  const problems: string[] = [];
  const listings: Listing[] = [];
  let nothingFound: string;
  const listFolder = (dir: string, title: string, keep: (r: FoundRun) => boolean = () => true) => {
    const listed = listRuns(dir);
    problems.push(...listed.problems);
    const runs = listed.runs.filter(keep);
    if (runs.length) listings.push({ title, runs });
  };
  if (fs.statSync(resolved).isFile()) {
    if (!resolved.endsWith(CONFIG_SUFFIX)) {
      console.error(`${resolved}: neither a folder nor an experiment config (*${CONFIG_SUFFIX})`);
      return EXIT.badInput;
    }
    const folder = findRunsFolders(path.dirname(resolved)).folders.find((f) => f.configs.includes(resolved))!;
    listFolder(folder.dir, `${shownPath(folder.dir)}  (${shownPath(resolved)})`, (r) => path.resolve(r.record.configFile) === resolved);
    nothingFound = `No runs of ${shownPath(resolved)} in ${folder.dir}.`;
  } else if (isRunFolder(resolved)) {
    listFolder(path.dirname(resolved), shownPath(path.dirname(resolved)), (r) => r.dir === resolved);
    nothingFound = `No run in ${resolved}.`;
  } else if (isRunsFolder(resolved)) {
    listFolder(resolved, shownPath(resolved));
    nothingFound = `No runs in ${resolved}.`;
  } else {
    const search = findRunsFolders(resolved);
    for (const folder of search.folders) {
      const configs = folder.configs.map((c) => shownPath(c)).join(', ');
      listFolder(folder.dir, `${shownPath(folder.dir)}${configs ? `  (${configs})` : ''}`);
    }
    nothingFound = `No runs found. ${describeSearch(search)}`;
  }
  for (const p of problems) console.error(`warning: ${p}`);
  if (!listings.length) {
    console.log(nothingFound);
    return EXIT.ok;
  }
  // On a narrow terminal what follows the id and status wraps under itself rather than being cut.
  const columns = terminalColumns();
  const width = columns && columns - 1;
  listings.forEach(({ title, runs }, i) => {
    if (i > 0) console.log('');
    console.log(wrapWords(title, width, 4));
    const idWidth = Math.max(...runs.map((r) => r.record.id.length));
    for (const { record, summary } of runs) {
      const metrics = summary?.test
        ? Object.entries(summary.test)
            .map(([t, m]) => `${t} ${(100 * m.accuracy).toFixed(1)}%`)
            .join(', ')
        : '';
      const reason = record.reason && record.status !== 'completed' ? `(${record.reason.split('\n')[0]})` : '';
      const line = `  ${record.id.padEnd(idWidth)}  ${record.status.padEnd(9)}  ${[metrics, reason].filter(Boolean).join('  ')}`.trimEnd();
      const indent = 2 + idWidth + 2 + 9 + 2;
      console.log(wrapWords(line, width, width !== undefined && width - indent >= 16 ? indent : 4));
    }
  });
  return EXIT.ok;
}

/** The comparison table of runs named by id or folder; runs with the same name are told apart. */
export function compareCommand(args: string[], opts: { runsDir?: string; markdown?: boolean }): number {
  const dirs = resolveRunsOrReport(args, opts.runsDir);
  if (!dirs) return EXIT.badInput;
  const found = dirs.map(loadFound);
  const labels = distinctLabels(found.map((f) => f.record));
  const rows = [];
  for (const [i, run] of found.entries()) {
    const summary = run.summary ?? readSummary(run.dir);
    if (!summary) {
      console.error(
        `${labels[i]} (${shownPath(run.dir)}) is ${run.record.status}${run.record.reason ? ` (${run.record.reason.split('\n')[0]})` : ''}: it has no summary.json, so there is nothing to compare yet`,
      );
      return EXIT.badInput;
    }
    rows.push({ label: labels[i], summary });
  }
  const columns = opts.markdown ? undefined : terminalColumns();
  const width = columns && columns - 1; // the last column left free: writing into it makes some terminals wrap
  console.log(comparisonTable(rows, { markdown: opts.markdown, width }));
  const projection = storageProjection(rows, width);
  if (projection) console.log(projection);
  return EXIT.ok;
}
