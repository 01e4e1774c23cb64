// What the sweep panel shows of one config, built in the host without VS Code: the config is checked and its sweep
// planned again only when the file changed; the runs folder is listed through a RunListCache (only the run folders
// that changed are read again); the report and the run rows are rebuilt only when the listing or the reference did.
import * as fs from 'fs';
import * as path from 'path';
import type { SweepReport } from '../../common/sweep';
import type { SemanticOptions } from '../../core/config/semantic';
import type { ExperimentConfig } from '../../core/config/types';
import { formatProblem } from '../../core/config/validate';
import { type ListedRun, RunListCache } from '../../core/io/runListCache';
import { aggregateSweep } from '../../core/sweep/aggregate';
import { type SweepExpansion, loadExperiment } from '../../core/sweep/check';
import { pathLabels } from '../../core/sweep/pointName';
import { sweepPaths, sweepRunRows } from '../../core/sweep/report';
import { type SweepRun, planSweepRuns } from '../../core/sweep/runs';
import type { Notice } from '../../protocol/runStream';
import type { SweepMessage, SweepToWebview } from '../../protocol/sweep';
import type { ErrorMessage } from '../../protocol/webview';

export interface SweepSource {
  configFile: string;
  /** The `adapterLab.runsFolder` setting as a folder, when set: it overrides the config's runsDir. */
  runsFolder?: string;
  diskChecks: SemanticOptions;
  /** The runs' colours, the same as their Runs tree icons. */
  colorsOf(runIds: string[]): string[];
}

interface Planned {
  config: ExperimentConfig;
  sweep: SweepExpansion;
  runs: SweepRun[];
  paths: string[];
  runList: RunListCache;
}

export class SweepContent {
  private configStamp?: string;
  private planned?: Planned | ErrorMessage;
  private lastReference?: string;
  private built = false; // the first update sends, whatever prepare() read before
  /** The run folders the panel lists now: the only ones it may open. */
  runDirs = new Set<string>();

  constructor(private readonly source: SweepSource) {}

  get configFile(): string {
    return this.source.configFile;
  }

  /** The reference choices, once the config has been read: the planned run names that several settings have, then the settings. */
  get settings(): string[] {
    if (!this.planned || !('runs' in this.planned)) return [];
    const runs = this.planned.runs;
    const settingsOf = (name: string) => new Set(runs.filter((r) => r.plan.name === name).map((r) => r.info.setting)).size;
    const runNames = [...new Set(runs.map((r) => r.plan.name))].filter((name) => settingsOf(name) > 1);
    return [...runNames, ...new Set(runs.map((r) => r.info.setting))];
  }

  /** Reads the config and the runs folder ahead of the first update (while the panel's page loads). */
  prepare(): void {
    this.readConfig();
    if (this.planned && 'runList' in this.planned) this.planned.runList.list();
  }

  /**
   * The message to send the first time, then when the config, the runs folder or the reference changed since the
   * last call (or always, with `force`: a page that reloaded needs everything); undefined when nothing did.
   */
  update(reference: string | undefined, force = false): SweepToWebview | undefined {
    const configChanged = this.readConfig();
    const planned = this.planned!;
    if ('type' in planned) return configChanged || force ? planned : undefined;
    const listing = planned.runList.list();
    if (this.built && !configChanged && !force && !listing.changed && reference === this.lastReference) return undefined;
    this.built = true;
    const message = this.message(planned, listing.runs, listing.problems, reference);
    this.lastReference = message.report.reference; // the default one when none was asked for
    return message;
  }

  /** Reads and plans the config again when its file changed; says whether it did. */
  private readConfig(): boolean {
    const stat = fs.statSync(this.source.configFile, { throwIfNoEntry: false });
    const stamp = stat ? `${stat.mtimeMs}:${stat.size}` : 'missing';
    if (stamp === this.configStamp) return false;
    this.configStamp = stamp;
    this.planned = this.plan();
    return true;
  }

  private plan(): Planned | ErrorMessage {
    const file = this.source.configFile;
    const name = path.basename(file);
    if (!fs.existsSync(file)) return { type: 'error', message: `${name} no longer exists.`, detail: file };
    const { config, problems, sweep } = loadExperiment(file, this.source.diskChecks);
    if (!config) {
      return {
        type: 'error',
        message: `${name} has problems: fix them (see the Problems panel) and the sweep shows again.`,
        detail: problems.map(formatProblem).join('\n'),
      };
    }
    if (!sweep) return { type: 'error', message: `${name} has no "sweep": the sweep panel shows a sweep's runs. For single runs use Compare Runs.` };
    const runsDir = this.source.runsFolder ?? config.runsDir;
    const previous = this.planned && 'runList' in this.planned ? this.planned.runList : undefined;
    return {
      config,
      sweep,
      runs: planSweepRuns(sweep.points),
      paths: sweepPaths(sweep),
      runList: previous?.runsDir === runsDir ? previous : new RunListCache(runsDir),
    };
  }

  private message(planned: Planned, found: ListedRun[], problems: string[], reference: string | undefined): SweepMessage {
    const { config, sweep, runs, paths } = planned;
    const notices: Notice[] = problems.map((message) => ({ severity: 'warning', message }));
    const aggregate = (ref: string | undefined) => aggregateSweep({ experiment: config.name, paths, runs, found, reference: ref });
    let report: SweepReport;
    try {
      report = aggregate(reference);
    } catch (e) {
      // The reference setting is gone (the config changed): back to the default one.
      notices.push({ severity: 'info', message: e instanceof Error ? e.message : String(e) });
      report = aggregate(undefined);
    }
    const rows = sweepRunRows(runs, found, config.name);
    const withFolders = rows.filter((r) => r.id !== undefined);
    const colors = this.source.colorsOf(withFolders.map((r) => r.id!));
    const colorOf = new Map(withFolders.map((r, i) => [r.key, colors[i]]));
    this.runDirs = new Set(rows.flatMap((r) => (r.dir ? [r.dir] : [])));
    const labels = pathLabels(paths);
    return {
      type: 'sweep',
      title: `Sweep: ${config.name}`,
      configFile: config.file,
      summary: sweep.summary ?? '',
      report,
      runs: rows.map((r) => (colorOf.has(r.key) ? { ...r, color: colorOf.get(r.key) } : r)),
      settings: this.settings,
      pathLabels: Object.fromEntries(paths.map((p, i) => [p, labels[i]])),
      notices,
    };
  }
}
