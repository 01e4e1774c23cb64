// The runs a sweep trains: every point's runs (planRuns of the point's config), a run that several points give the same
// inputs — every point of a seed trains the same `full` when only adapters are swept — trained once. A run's key is a
// hash of what its training reads, so a resumed sweep finds what is done, and an edited config retrains only the runs
// whose inputs changed.
import { createHash } from 'crypto';
import type { JSONPath } from 'jsonc-parser';
import type { SweepRunInfo } from '../../common/runRecord';
import type { ExperimentConfig } from '../config/types';
import { type RunPlan, planRuns } from '../run/plan';
import type { CheckedSweepPoint } from './check';
import type { SweepSetting } from './expand';
import { pointName } from './pointName';

export interface SweepRun {
  key: string; // = info.key
  plan: RunPlan;
  /** The config of the first point that has this run (every point that has it gives it the same inputs). */
  config: ExperimentConfig;
  info: SweepRunInfo;
  points: string[]; // names of the points that have this run
}

/** The runs of the sweep's points (all must have passed the checks), in point order, each once. */
export function planSweepRuns(points: CheckedSweepPoint[]): SweepRun[] {
  const byKey = new Map<string, SweepRun>();
  for (const point of points) {
    const config = point.config;
    if (!config) throw new Error(`sweep point "${point.name}" has problems; check the config first`);
    const keys = new Map<string, string>(); // run name → key, in this point
    for (const plan of planRuns(config)) {
      const needs = Object.fromEntries(plan.needs.map((n) => [n, keys.get(n)!]));
      const key = runKey(config, plan, needs);
      keys.set(plan.name, key);
      const known = byKey.get(key);
      if (known) {
        known.points.push(point.name);
        continue;
      }
      const settings = point.settings.filter((s) => s.path !== 'seed' && dependsOn(plan, config, s));
      const values = Object.fromEntries(settings.map((s) => [s.path, s.value]));
      const info: SweepRunInfo = {
        key,
        setting: settingName(plan, settings),
        values,
        seed: config.seed,
        total: 0,
        ...(plan.needs.length > 0 && { needs }),
      };
      byKey.set(key, { key, plan, config, info, points: [point.name] });
    }
  }
  // Grouped by run name in plan order (the adapters', the baselines', the compositions'), each in point order: the
  // report lists a run's settings together, and adapters train before the compositions that load them.
  const order = new Map<string, number>();
  for (const run of byKey.values()) if (!order.has(run.plan.name)) order.set(run.plan.name, order.size);
  const runs = [...byKey.values()].sort((a, b) => order.get(a.plan.name)! - order.get(b.plan.name)!);
  separateSettings(runs, points);
  for (const run of runs) run.info.total = runs.length;
  return runs;
}

/**
 * "adapter:lora · r=8", or the run name alone when no swept value reaches it. A value of the run's own adapter is
 * named by its key alone ("adapters.lora.r" → "r" for adapter:lora), whatever label the point names needed.
 */
function settingName(plan: RunPlan, settings: SweepSetting[]): string {
  const own = plan.adapter ? `adapters.${plan.adapter}.` : undefined;
  const label = (s: SweepSetting) => (own && s.path.startsWith(own) && !s.path.slice(own.length).includes('.') ? s.path.slice(own.length) : s.label);
  return settings.length === 0 ? plan.name : `${plan.name} · ${pointName(settings.map((s) => ({ label: label(s), value: s.value })))}`;
}

/**
 * Whether a swept value reaches a run: its target is one of the config values the run reads (or holds one). The
 * key is the truth (it hashes what the run reads); this names the setting, and separateSettings catches a miss.
 */
function dependsOn(plan: RunPlan, config: ExperimentConfig, setting: SweepSetting): boolean {
  const inputs = inputPaths(plan, config);
  const within = (a: JSONPath, b: JSONPath) => a.length <= b.length && a.every((k, i) => k === b[i]);
  // "train.batchSize" (an option shared by every run type) reaches every run.
  const sharedTrain = (t: JSONPath) => t[0] === 'train' && (t.length === 1 || !TRAIN_SECTIONS.has(String(t[1])));
  return setting.targets.some((t) => sharedTrain(t) || inputs.some((p) => within(p, t) || within(t, p)));
}

const TRAIN_SECTIONS = new Set(['adapter', 'full', 'head-only', 'composition']);

/** The raw config paths a run reads besides the shared train options: shared ones, its own, those of the runs it loads. */
function inputPaths(plan: RunPlan, config: ExperimentConfig): JSONPath[] {
  const paths: JSONPath[] = [['base'], ['data'], ['split'], ['tasks'], ['seed'], ['backend']];
  if (plan.adapter) paths.push(['adapters', plan.adapter], ['train', 'adapter']);
  if (plan.type === 'full' || plan.type === 'head-only') paths.push(['train', plan.type]);
  if (plan.composition) paths.push(['compositions', plan.composition], ['train', 'composition']);
  if (plan.merge) paths.push(['merges', plan.merge], ['train', 'composition']);
  for (const need of plan.needs) {
    const adapter = need.replace(/^adapter:/, '');
    if (config.adapters.some((a) => a.name === adapter)) paths.push(['adapters', adapter], ['train', 'adapter']);
  }
  return paths;
}

/**
 * Runs of one setting must differ only in the seed. When the path rule above missed a value that changes a run (two
 * runs of a setting with one seed and different keys), those runs are named with every swept value of their point.
 */
function separateSettings(runs: SweepRun[], points: CheckedSweepPoint[]): void {
  const seen = new Map<string, string>();
  const clashing = new Set<string>();
  for (const run of runs) {
    const id = `${run.info.setting}\u0000${run.info.seed}`;
    const other = seen.get(id);
    if (other !== undefined && other !== run.key) clashing.add(run.info.setting);
    seen.set(id, run.key);
  }
  for (const run of runs) {
    if (!clashing.has(run.info.setting)) continue;
    const point = points.find((p) => p.name === run.points[0])!;
    const settings = point.settings.filter((s) => s.path !== 'seed');
    run.info.setting = settingName(run.plan, settings);
    run.info.values = Object.fromEntries(settings.map((s) => [s.path, s.value]));
  }
}

/** A hash of what the run's training reads: the shared inputs, its own adapter/composition/merge, its options, its needs. */
export function runKey(config: ExperimentConfig, plan: RunPlan, needs: Record<string, string>): string {
  const inputs = {
    run: { name: plan.name, type: plan.type, tasks: plan.tasks, options: plan.options },
    base: config.base,
    data: config.data,
    split: config.split,
    tasks: config.tasks,
    seed: config.seed,
    backend: config.backend,
    adapter: plan.adapter ? config.adapters.find((a) => a.name === plan.adapter) : undefined,
    composition: plan.composition ? config.compositions.find((c) => c.name === plan.composition) : undefined,
    merge: plan.merge ? config.merges.find((m) => m.name === plan.merge) : undefined,
    needs,
  };
  return createHash('sha256').update(stableJson(inputs)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted, so that the same value always gives the same text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
