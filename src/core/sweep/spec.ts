// The `sweep` section of an experiment config: what it sweeps, read from the config that passed the schema, with
// the place in the document of every entry and value so that a problem with a point points at the value that made it.
import type { JSONPath } from 'jsonc-parser';
import type { Issue } from '../config/issue';
import type { RawConfig } from '../config/resolve';
import { didYouMean, quoteList } from '../config/wording';

/** More points than this is almost surely a mistake (and would take days): the check says so before anything trains. */
export const MAX_SWEEP_POINTS = 1000;

/** Top-level maps whose keys are names the user chose: a path must name one that exists, or `*`. */
const NAMED_MAPS: Record<string, string> = { adapters: 'adapter', tasks: 'task', compositions: 'composition', merges: 'merge' };

/** A value a point may take, with its place in the document. */
export interface SweepChoice {
  value: unknown;
  at: JSONPath;
}

export interface SweepRange {
  min: number;
  max: number;
  log: boolean;
  integer: boolean;
  at: JSONPath;
}

/** One swept path (a grid or random entry). */
export interface SweepDimension {
  path: string; // as written: "adapters.*.r"
  /** The config values it sets: "adapters.*.r" → every adapter's r. */
  targets: JSONPath[];
  /** Its entry in the document (the key is underlined for problems with the path itself). */
  at: JSONPath;
  choices?: SweepChoice[]; // a list of values (every grid entry, a random list)
  range?: SweepRange; // a random range
}

export interface SweepSpec {
  grid: SweepDimension[];
  random?: { count: number; seed: number; dimensions: SweepDimension[] };
  seeds?: SweepChoice[];
}

/** What an authored `sweep` looks like once the schema passed. */
export interface RawSweep {
  grid?: Record<string, unknown[]>;
  random?: { count: number; seed?: number; values: Record<string, unknown> };
  seeds?: number[];
}

export function rawSweepOf(raw: unknown): RawSweep | undefined {
  return (raw as { sweep?: RawSweep } | undefined)?.sweep;
}

/** The sweep as a spec, or the issues of its paths and ranges (at their places in the document). */
export function parseSweep(raw: RawConfig & { sweep?: RawSweep }): { spec?: SweepSpec; issues: Issue[] } {
  const sweep = raw.sweep;
  if (!sweep) return { issues: [] };
  const issues: Issue[] = [];
  const grid = Object.entries(sweep.grid ?? {}).map(([path, values]): SweepDimension => {
    const at = ['sweep', 'grid', path];
    return { path, targets: targetsOf(raw, path, at, issues), at, choices: values.map((value, i) => ({ value, at: [...at, i] })) };
  });
  let random: SweepSpec['random'];
  if (sweep.random) {
    const dimensions = Object.entries(sweep.random.values).map(([path, spec]): SweepDimension => {
      const at = ['sweep', 'random', 'values', path];
      const dimension: SweepDimension = { path, targets: targetsOf(raw, path, at, issues), at };
      if (Array.isArray(spec)) {
        if (spec.length === 0) issues.push({ path: at, code: 'too-few-items', message: `sweep values of "${path}" need at least 1 item` });
        dimension.choices = spec.map((value, i) => ({ value, at: [...at, i] }));
      } else {
        dimension.range = rangeOf(spec, path, at, issues);
      }
      return dimension;
    });
    random = { count: sweep.random.count, seed: sweep.random.seed ?? 0, dimensions };
  }
  const seeds = sweep.seeds?.map((value, i) => ({ value, at: ['sweep', 'seeds', i] }));
  const all = [...grid, ...(random?.dimensions ?? [])];
  issues.push(...overlapIssues(all));
  if (seeds) {
    const seedEntry = all.find((d) => d.targets.some((t) => t.length === 1 && t[0] === 'seed'));
    if (seedEntry) {
      issues.push({
        path: seedEntry.at,
        part: 'key',
        code: 'sweep-seed-twice',
        message: `"${seedEntry.path}" sweeps the seed that "seeds" already sets; remove one of them`,
      });
    }
  }
  const count = pointCount({ grid, random, seeds });
  if (count > MAX_SWEEP_POINTS) {
    issues.push({
      path: ['sweep'],
      part: 'key',
      code: 'too-many-points',
      message: `the sweep has ${count} points, more than ${MAX_SWEEP_POINTS}; sweep fewer values`,
    });
  }
  return issues.length > 0 ? { issues } : { spec: { grid, random, seeds }, issues };
}

export function pointCount(spec: SweepSpec): number {
  const grid = spec.grid.reduce((n, d) => n * (d.choices?.length ?? 1), 1);
  return grid * (spec.random?.count ?? 1) * (spec.seeds?.length ?? 1);
}

/** "24 points (method 4 × r 2 × 3 seeds)". */
export function describeSweep(spec: SweepSpec, labels: string[]): string {
  const count = pointCount(spec);
  const factors = [
    ...spec.grid.map((d, i) => `${labels[i]} ${d.choices?.length ?? 1}`),
    ...(spec.random ? [`${spec.random.count} random`] : []),
    ...(spec.seeds ? [`${spec.seeds.length} seed${spec.seeds.length === 1 ? '' : 's'}`] : []),
  ];
  return `${count} point${count === 1 ? '' : 's'}${factors.length > 0 ? ` (${factors.join(' × ')})` : ''}`;
}

/**
 * The config values a path sets. Each segment is a key (a number indexes a list); `*` is every key of the object
 * there. A missing value is fine (the point sets it, the checks of the point then judge it), except a name under
 * adapters, tasks, compositions or merges, which must exist.
 */
function targetsOf(raw: RawConfig, path: string, at: JSONPath, issues: Issue[]): JSONPath[] {
  const problem = (code: string, message: string): JSONPath[] => {
    issues.push({ path: at, part: 'key', code, message: `sweep path "${path}": ${message}` });
    return [];
  };
  const segments = path.split('.');
  if (segments.some((s) => s === '')) return problem('invalid-sweep-path', 'write the keys separated by single dots, e.g. "adapters.*.r"');
  if (segments[0] === 'sweep') return problem('invalid-sweep-path', 'a sweep cannot sweep itself');
  // The points of a sweep are one experiment: runs are found by its name in its runs folder.
  if (segments[0] === 'name' || segments[0] === 'runsDir') return problem('invalid-sweep-path', `"${segments[0]}" is the same for every point of a sweep`);
  let found: { path: JSONPath; value: unknown }[] = [{ path: [], value: raw }];
  for (const [depth, segment] of segments.entries()) {
    const next: { path: JSONPath; value: unknown }[] = [];
    for (const { path: here, value } of found) {
      const where = here.length === 0 ? 'the config' : `"${here.join('.')}"`;
      if (value !== undefined && (typeof value !== 'object' || value === null)) {
        return problem('invalid-sweep-path', `${where} is ${JSON.stringify(value)}, which has no "${segment}"`);
      }
      const object = value as Record<string, unknown> | unknown[] | undefined;
      if (segment === '*') {
        if (object === undefined || Array.isArray(object) || Object.keys(object).length === 0) {
          return problem('unknown-sweep-path', `"*" matches nothing: ${where} has no keys`);
        }
        for (const key of Object.keys(object)) next.push({ path: [...here, key], value: (object as Record<string, unknown>)[key] });
        continue;
      }
      const key: string | number = Array.isArray(object) && /^\d+$/.test(segment) ? Number(segment) : segment;
      const mapName = depth === 1 ? NAMED_MAPS[String(here[0])] : undefined;
      const child = object === undefined ? undefined : (object as Record<string | number, unknown>)[key];
      if (mapName && child === undefined) {
        const known = Object.keys(object ?? {});
        const choices = known.length > 0 ? `known: ${quoteList(known)}, or "*" for every ${mapName}` : `there is no ${mapName}`;
        return problem('unknown-sweep-path', `no ${mapName} "${segment}"${didYouMean(segment, known)} (${choices})`);
      }
      next.push({ path: [...here, key], value: child });
    }
    found = next;
  }
  return found.map((f) => f.path);
}

function rangeOf(spec: unknown, path: string, at: JSONPath, issues: Issue[]): SweepRange | undefined {
  const bad = (message: string, where: JSONPath = at, part?: 'key'): undefined => {
    issues.push({ path: where, part, code: 'invalid-sweep-range', message: `sweep values of "${path}" ${message}` });
    return undefined;
  };
  if (typeof spec !== 'object' || spec === null) {
    return bad(`must be a list of values or a range such as { "min": 1e-4, "max": 1e-2, "log": true }, not ${JSON.stringify(spec)}`);
  }
  const range = spec as Record<string, unknown>;
  const allowed = ['min', 'max', 'log', 'integer'];
  const unknown = Object.keys(range).find((k) => !allowed.includes(k));
  if (unknown) return bad(`have an unknown property "${unknown}"${didYouMean(unknown, allowed)} Allowed: ${allowed.join(', ')}`, [...at, unknown], 'key');
  for (const key of ['min', 'max']) {
    if (range[key] === undefined) return bad(`need "${key}"`);
    if (typeof range[key] !== 'number') return bad(`need a number as "${key}", not ${JSON.stringify(range[key])}`, [...at, key]);
  }
  for (const key of ['log', 'integer']) {
    if (range[key] !== undefined && typeof range[key] !== 'boolean')
      return bad(`need true or false as "${key}", not ${JSON.stringify(range[key])}`, [...at, key]);
  }
  const [min, max, log, integer] = [range.min as number, range.max as number, range.log === true, range.integer === true];
  if (min > max) return bad(`have "min" (${min}) above "max" (${max}); swap them`, [...at, 'min']);
  if (log && min <= 0) return bad(`need "min" above 0 for a log range, not ${min}`, [...at, 'min']);
  if (integer && (!Number.isInteger(min) || !Number.isInteger(max))) return bad('need whole numbers as "min" and "max" for an integer range', [...at, 'min']);
  return { min, max, log, integer, at };
}

/** Two entries setting the same value (or one inside the other) would make a point's values ambiguous. */
function overlapIssues(dimensions: SweepDimension[]): Issue[] {
  const issues: Issue[] = [];
  const seen: { target: JSONPath; owner: SweepDimension }[] = [];
  const within = (a: JSONPath, b: JSONPath) => a.length <= b.length && a.every((k, i) => k === b[i]);
  for (const d of dimensions) {
    const clash = seen.find((s) => d.targets.some((t) => within(t, s.target) || within(s.target, t)));
    if (clash) {
      issues.push({
        path: d.at,
        part: 'key',
        code: 'sweep-path-twice',
        message: `sweep path "${d.path}" sets a value that "${clash.owner.path}" already sweeps; keep one of them`,
      });
      continue;
    }
    seen.push(...d.targets.map((target) => ({ target, owner: d })));
  }
  return issues;
}
