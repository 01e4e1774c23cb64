// What the Runs tree shows of an experiment's sweep, without VS Code types: its runs by setting, one run per seed,
// and the progress "12/30 done · 1 failed · 2 running". A seed can have several run folders: a resumed sweep leaves
// the failed and cancelled attempts beside the one that completed, and an edited config leaves the runs of the
// seed's old inputs (another key). The seed counts once, by the run that decides it; the others fold under it.
import type { RunEntry } from './runsModel';
import { stats } from '../core/sweep/aggregate';
import { plural } from '../common/plural';

/** One seed of a setting: the run that decides it, and the seed's other run folders, newest first. */
export interface SeedRuns {
  seed: number;
  run: RunEntry;
  earlier: EarlierAttempt[];
}

export interface EarlierAttempt {
  entry: RunEntry;
  attempt: number; // its place among the seed's folders, oldest first: "attempt 1"
  otherInputs: boolean; // trained with inputs the config has changed since (another key)
}

export interface SettingRuns {
  setting: string; // "adapter:lora · r=8"
  seeds: SeedRuns[]; // by seed
}

export interface SweepProgress {
  done: number;
  failed: number; // failed or cancelled last, none completed
  running: number;
  total: number; // runs the sweep has, from its newest run
}

export interface SweepGroup {
  configFile: string; // of the newest run
  settings: SettingRuns[]; // in the order their first run was created
  progress: SweepProgress;
}

type SeedState = 'done' | 'failed' | 'running' | 'queued';

function stateOf(seed: SeedRuns): SeedState {
  const { status } = seed.run.record;
  if (status === 'completed') return 'done';
  return status === 'failed' || status === 'cancelled' ? 'failed' : status;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byCreation = (a: RunEntry, b: RunEntry) => compare(a.record.createdAt, b.record.createdAt);
/** A sweep queues all its runs at one instant; the settings of one batch go in the order of their values (r=8 before r=16). */
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The sweep of an experiment from its runs that have `sweep` in their record (at least one). */
export function groupSweep(runs: RunEntry[]): SweepGroup {
  const bySetting = new Map<string, Map<number, RunEntry[]>>(); // setting → seed → its run folders
  const firstCreated = new Map<string, string>(); // setting → when its first run was created
  for (const run of runs) {
    const { setting, seed } = run.record.sweep!;
    const seeds = bySetting.get(setting) ?? new Map<number, RunEntry[]>();
    seeds.set(seed, [...(seeds.get(seed) ?? []), run]);
    bySetting.set(setting, seeds);
    const first = firstCreated.get(setting);
    if (first === undefined || run.record.createdAt < first) firstCreated.set(setting, run.record.createdAt);
  }
  const order = (a: string, b: string) => compare(firstCreated.get(a)!, firstCreated.get(b)!) || naturalOrder(a, b);
  const settings = [...bySetting.keys()].sort(order).map((setting) => ({
    setting,
    seeds: [...bySetting.get(setting)!].sort(([a], [b]) => a - b).map(([seed, folders]) => seedRuns(seed, folders.sort(byCreation))),
  }));
  const newest = runs.reduce((n, r) => (byCreation(r, n) > 0 ? r : n));
  const states = settings.flatMap((s) => s.seeds.map(stateOf));
  const count = (state: SeedState) => states.filter((s) => s === state).length;
  return {
    configFile: newest.record.configFile,
    settings,
    progress: { done: count('done'), failed: count('failed'), running: count('running'), total: newest.record.sweep!.total },
  };
}

/**
 * The seed's newest folder has the key its config asks for now. A completed run with that key decides the seed (the
 * sweep will not train it again), else the newest folder does: its failed attempts are not counted as failed.
 */
function seedRuns(seed: number, oldestFirst: RunEntry[]): SeedRuns {
  const newestFirst = [...oldestFirst].reverse();
  const key = newestFirst[0].record.sweep!.key;
  const run = newestFirst.find((r) => r.record.sweep!.key === key && r.record.status === 'completed') ?? newestFirst[0];
  const earlier = newestFirst
    .filter((r) => r !== run)
    .map((entry) => ({ entry, attempt: oldestFirst.indexOf(entry) + 1, otherInputs: entry.record.sweep!.key !== key }));
  return { seed, run, earlier };
}

const pct = (x: number) => (100 * x).toFixed(1);

/** "12/30 done · 1 failed · 2 running" */
export function sweepDescription({ done, failed, running, total }: SweepProgress): string {
  return [`${done}/${total} done`, ...(failed ? [`${failed} failed`] : []), ...(running ? [`${running} running`] : [])].join(' · ');
}

/** Markdown: where the sweep comes from and how far it is. */
export function sweepTooltip(experiment: string, sweep: SweepGroup): string {
  const { done, failed, running, total } = sweep.progress;
  const seeds = sweep.settings.flatMap((s) => s.seeds);
  const notStarted = Math.max(0, total - done - failed - running);
  const earlier = seeds.reduce((n, s) => n + s.earlier.length, 0);
  return [
    `**Sweep** of \`${experiment}\` · ${done} of ${plural(total, 'run')} done`,
    `Config: \`${sweep.configFile}\``,
    '',
    `${done} done · ${failed} failed or cancelled · ${running} running · ${notStarted} not started or queued`,
    `${plural(sweep.settings.length, 'setting')}, ${plural(seeds.length, 'seed run')}${earlier ? `; ${plural(earlier, 'earlier attempt')} folded under their seeds` : ''}`,
  ].join('  \n');
}

/** The test accuracy on the setting's first task over its completed seeds: mean, and sd when there are several. */
function settingAccuracy(setting: SettingRuns): { task: string; text: string; n: number } | undefined {
  const task = setting.seeds[0].run.record.tasks[0];
  const accuracies = setting.seeds.flatMap((s) => {
    const metrics = s.run.record.status === 'completed' ? s.run.summary?.test[task] : undefined;
    return metrics ? [metrics.accuracy] : [];
  });
  if (accuracies.length === 0) return undefined;
  const { mean, sd, n } = stats(accuracies);
  return { task, text: n > 1 ? `${pct(mean)} ± ${pct(sd)}` : pct(mean), n };
}

/** "3 seeds · 84.2 ± 0.6", with how many seeds are running or failed. */
export function settingDescription(setting: SettingRuns): string {
  const states = setting.seeds.map(stateOf);
  const failed = states.filter((s) => s === 'failed').length;
  const running = states.filter((s) => s === 'running').length;
  const accuracy = settingAccuracy(setting);
  return [
    plural(setting.seeds.length, 'seed'),
    ...(accuracy ? [accuracy.text] : []),
    ...(failed ? [`${failed} failed`] : []),
    ...(running ? [`${running} running`] : []),
  ].join(' · ');
}

/** Markdown: the setting's seeds and what its accuracy figure is. */
export function settingTooltip(setting: SettingRuns): string {
  const accuracy = settingAccuracy(setting);
  const lines = [`**${setting.setting}** · seeds ${setting.seeds.map((s) => s.seed).join(', ')}`];
  if (accuracy)
    lines.push(`Test accuracy on ${accuracy.task}: ${accuracy.text} (mean${accuracy.n > 1 ? ' ± sd' : ''} over ${plural(accuracy.n, 'completed seed')})`);
  return lines.join('  \n');
}
