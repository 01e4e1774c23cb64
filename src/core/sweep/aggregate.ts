// A sweep's finished runs folded into its report: the seeds of each setting together (mean ± sd), each setting's
// test accuracy against a reference setting's paired by seed, the best setting per attribute chosen on validation
// (never on test), and the settings on the accuracy/cost frontiers. Pure: the callers list the runs folders.
import { paretoFrontier } from '../../common/pareto';
import type { RunRecord, RunSummary, RunType, SweepRunInfo } from '../../common/runRecord';
import type { Frontiers, PairedDifference, SettingRow, SettingTaskResult, Stats, SweepReport } from '../../common/sweep';

/** What the report needs of a planned run; a SweepRun (runs.ts) has it. */
export interface PlannedRun {
  key: string;
  plan: { name: string; type: RunType; tasks: string[] };
  info: SweepRunInfo;
}

export interface FoundRun {
  dir: string;
  record: RunRecord;
  summary?: RunSummary;
}

export interface SweepAggregateInput {
  experiment: string;
  paths: string[];
  runs: PlannedRun[];
  /** A runs folder's listing, newest first. */
  found: FoundRun[];
  /** A setting's name; by default the first "full" setting, else the first "head-only" one. */
  reference?: string;
}

interface DoneRun {
  run: PlannedRun;
  dir: string;
  record: RunRecord;
  summary: RunSummary;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;

/** Mean and sample standard deviation (n − 1; 0 when n = 1) of at least one value. */
export function stats(xs: number[]): Stats {
  const m = mean(xs);
  const n = xs.length;
  return { mean: m, sd: n > 1 ? Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (n - 1)) : 0, n };
}

export function aggregateSweep(input: SweepAggregateInput): SweepReport {
  const { done, failed } = matchRuns(input);
  const planned = plannedSettings(input.runs);
  const reference = referenceOf(input, planned);

  const groups = planned
    .map(({ setting }) => input.runs.filter((r) => r.info.setting === setting).flatMap((r) => done.get(r.key) ?? []))
    .filter((runs) => runs.length > 0);
  const isReference = (runs: DoneRun[]) => (reference?.kind === 'setting' ? runs[0].run.info.setting : runs[0].run.plan.name) === reference?.name;
  const references = groups.filter(isReference);
  const settings = groups.map((runs) => settingRow(runs, isReference(runs) ? [] : references, (key) => done.get(key)));
  const tasks = [...new Set(settings.flatMap((s) => Object.keys(s.tasks)))];

  return {
    experiment: input.experiment,
    base: input.runs.flatMap((r) => done.get(r.key) ?? [])[0]?.summary.base ?? '',
    paths: input.paths,
    settings,
    reference: reference?.name,
    referenceSettings: references.map((runs) => runs[0].run.info.setting),
    tasks,
    best: Object.fromEntries(tasks.map((t) => [t, bestOnValidation(settings, t)])),
    frontiers: Object.fromEntries(tasks.map((t) => [t, frontiers(settings, t)])),
    progress: { completed: done.size, total: input.runs.length, failed },
  };
}

/**
 * Each planned run's newest completed record with a summary (of this experiment, with the run's key), and how many
 * planned runs have none and failed or were cancelled last. A record whose key no planned run has (the config
 * changed since) is not counted.
 */
function matchRuns(input: SweepAggregateInput): { done: Map<string, DoneRun>; failed: number } {
  const planned = new Map(input.runs.map((r) => [r.key, r]));
  const done = new Map<string, DoneRun>();
  const newestStatus = new Map<string, RunRecord['status']>();
  for (const { dir, record, summary } of input.found) {
    const run = record.sweep && planned.get(record.sweep.key);
    if (!run || record.experiment !== input.experiment) continue;
    if (!newestStatus.has(run.key)) newestStatus.set(run.key, record.status);
    if (!done.has(run.key) && record.status === 'completed' && summary) done.set(run.key, { run, dir, record, summary });
  }
  const failed = input.runs.filter((r) => !done.has(r.key) && ['failed', 'cancelled'].includes(newestStatus.get(r.key) ?? '')).length;
  return { done, failed };
}

/** The sweep's settings in the order their first run is planned, with that run's name. */
function plannedSettings(runs: PlannedRun[]): { setting: string; runName: string }[] {
  const first = new Map<string, string>();
  for (const r of runs) if (!first.has(r.info.setting)) first.set(r.info.setting, r.plan.name);
  return [...first].map(([setting, runName]) => ({ setting, runName }));
}

/**
 * What differences are taken against: a setting by name, or a run name ("full") — then, for each setting, that run's
 * setting with the same values of the paths both depend on (adapter − full on the same base, same seed), the one best
 * on validation when several match. By default "full", else "head-only". Checked against the planned settings, not
 * the finished ones, so that it does not change as runs finish.
 */
function referenceOf(input: SweepAggregateInput, planned: { setting: string; runName: string }[]): { kind: 'setting' | 'run'; name: string } | undefined {
  if (input.reference === undefined) {
    const runName = ['full', 'head-only'].find((n) => planned.some((s) => s.runName === n));
    return runName ? { kind: 'run', name: runName } : undefined;
  }
  if (planned.some((s) => s.setting === input.reference)) return { kind: 'setting', name: input.reference };
  if (planned.some((s) => s.runName === input.reference)) return { kind: 'run', name: input.reference };
  const names = [...new Set(planned.flatMap((s) => [s.setting, s.runName]))].map((n) => JSON.stringify(n)).join(', ');
  throw new Error(
    `The reference "${input.reference}" is neither a setting nor a run of the sweep of ${input.experiment}. Name one of: ${names || '(the sweep plans no runs)'}.`,
  );
}

/** The reference for a setting and task: of the candidates, those whose shared swept values agree; the best on validation. */
function matchingReference(runs: DoneRun[], candidates: DoneRun[][], task: string): DoneRun[] | undefined {
  const values = runs[0].run.info.values;
  const agrees = (ref: DoneRun[]) =>
    Object.entries(ref[0].run.info.values).every(([path, v]) => !(path in values) || JSON.stringify(values[path]) === JSON.stringify(v));
  const validation = (ref: DoneRun[]) => mean(scoredOn(ref, task).map((r) => r.summary.validation[task].accuracy));
  return candidates
    .filter((ref) => agrees(ref) && scoredOn(ref, task).length > 0)
    .reduce<DoneRun[] | undefined>((best, ref) => (best === undefined || validation(ref) > validation(best) ? ref : best), undefined);
}

/** The seeds of a setting that have both the task's test and validation metrics. */
const scoredOn = (runs: DoneRun[], task: string) => runs.filter((r) => r.summary.test[task] && r.summary.validation[task]);

/**
 * A setting's row; with the reference settings' runs (none for a reference itself), the paired differences against them.
 * A composition or merge costs what it trains and what the adapter runs it loads trained and store: a `Parallel` of
 * trained adapters trains nothing itself, yet is no cheaper than its adapters.
 */
function settingRow(runs: DoneRun[], references: DoneRun[][], doneRun: (key: string) => DoneRun | undefined): SettingRow {
  const [{ run }] = runs;
  const loaded = (r: DoneRun) => Object.values(r.run.info.needs ?? {}).flatMap((key) => doneRun(key) ?? []);
  const cost = (r: DoneRun, of: (s: RunSummary) => number) => of(r.summary) + sum(loaded(r).map((l) => of(l.summary)));
  const bytesPerAttribute = (s: RunSummary) => mean(Object.values(s.bytesPerTask));
  const taskNames = [...new Set(runs.flatMap((r) => r.run.plan.tasks))];
  const tasks = Object.fromEntries(
    taskNames.flatMap((task) => {
      const scored = scoredOn(runs, task);
      if (scored.length === 0) return [];
      const result: SettingTaskResult = {
        test: stats(scored.map((r) => r.summary.test[task].accuracy)),
        testF1: stats(scored.map((r) => r.summary.test[task].macroF1)),
        validation: stats(scored.map((r) => r.summary.validation[task].accuracy)),
      };
      const reference = matchingReference(runs, references, task);
      const difference = reference && pairedDifference(scored, scoredOn(reference, task), task, reference[0].run.info.setting);
      return [[task, difference ? { ...result, difference } : result]];
    }),
  );
  return {
    setting: run.info.setting,
    runName: run.plan.name,
    runType: run.plan.type,
    values: run.info.values,
    seeds: runs.map((r) => r.run.info.seed),
    runIds: runs.map((r) => r.record.id),
    runDirs: runs.map((r) => r.dir),
    tasks,
    ...(run.info.needs && { loads: Object.keys(run.info.needs) }),
    trainableParams: mean(runs.map((r) => cost(r, (s) => s.trainableParams))),
    bytesPerAttribute: mean(runs.map((r) => cost(r, bytesPerAttribute))),
    msPerStep: stats(runs.map((r) => cost(r, (s) => s.msPerStep))),
    inferenceMsPerExample: stats(runs.map((r) => r.summary.inferenceMsPerExample)),
  };
}

/** Test accuracy minus the reference's on the same seed (the same split and initialisation), over the seeds both have. */
function pairedDifference(runs: DoneRun[], refRuns: DoneRun[], task: string, reference: string): PairedDifference | undefined {
  const refAccuracy = new Map(refRuns.map((r) => [r.run.info.seed, r.summary.test[task].accuracy]));
  const differences = runs.flatMap((r) => {
    const ref = refAccuracy.get(r.run.info.seed);
    return ref === undefined ? [] : [r.summary.test[task].accuracy - ref];
  });
  if (differences.length === 0) return undefined;
  const { mean, sd, n } = stats(differences);
  return { reference, mean, se: sd / Math.sqrt(n), n };
}

/** Highest mean validation accuracy; on a tie the fewer trainable parameters, then the first. */
function bestOnValidation(settings: SettingRow[], task: string): SweepReport['best'][string] {
  const validation = (s: SettingRow) => s.tasks[task].validation.mean;
  const better = (s: SettingRow, than: SettingRow) =>
    validation(s) > validation(than) || (validation(s) === validation(than) && s.trainableParams < than.trainableParams);
  const best = settings.filter((s) => s.tasks[task]).reduce((best, s) => (better(s, best) ? s : best));
  return { setting: best.setting, validation: best.tasks[task].validation, test: best.tasks[task].test };
}

function frontiers(settings: SettingRow[], task: string): Frontiers {
  const having = settings.filter((s) => s.tasks[task]);
  const on = (cost: (s: SettingRow) => number) => paretoFrontier(having.map((s) => ({ id: s.setting, x: cost(s), y: s.tasks[task].test.mean })));
  return { params: on((s) => s.trainableParams), speed: on((s) => s.msPerStep.mean), storage: on((s) => s.bytesPerAttribute) };
}
