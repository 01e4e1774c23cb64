// The points of a sweep, pure: the grid's every combination (the first path varying slowest), each combined with every
// random sample, each repeated for every seed (innermost). The same config gives the same points in the same order.
import type { JSONPath } from 'jsonc-parser';
import type { RawConfig } from '../config/resolve';
import { createRng } from '../data/random';
import { pathLabels, pointName, uniqueNames } from './pointName';
import type { SweepDimension, SweepRange, SweepSpec } from './spec';

/** One value of a point: the path as written, the value, and where in the document it comes from. */
export interface SweepSetting {
  path: string; // "adapters.*.r", or "seed" for a seed of `seeds`
  label: string; // its short name in point names: "r"
  value: unknown;
  targets: JSONPath[]; // the config values it sets
  at: JSONPath; // the value in the document (for a random range: the range)
  entry: JSONPath; // the sweep entry (its key is underlined for problems with the path)
}

export interface SweepPoint {
  name: string;
  settings: SweepSetting[];
  /** Path as written → value, with "seed" for the seed. */
  values: Record<string, unknown>;
  /** The config of this point, as authored: the config without `sweep`, with this point's values set. */
  rawConfig: RawConfig;
}

export function expandPoints(raw: RawConfig, spec: SweepSpec): SweepPoint[] {
  const dimensions = [...spec.grid, ...(spec.random?.dimensions ?? [])];
  const labels = pathLabels([...dimensions.map((d) => d.path), ...(spec.seeds ? ['seed'] : [])]);
  const setting = (d: SweepDimension, value: unknown, at: JSONPath): SweepSetting => ({
    path: d.path,
    label: labels[dimensions.indexOf(d)],
    value,
    targets: d.targets,
    at,
    entry: d.at,
  });

  let combos: SweepSetting[][] = [[]];
  for (const d of spec.grid) combos = combos.flatMap((c) => (d.choices ?? []).map((choice) => [...c, setting(d, choice.value, choice.at)]));
  if (spec.random) {
    const samples = randomSamples(spec.random.dimensions, spec.random.count, spec.random.seed, setting);
    combos = combos.flatMap((c) => samples.map((s) => [...c, ...s]));
  }
  if (spec.seeds) {
    const seedLabel = labels[labels.length - 1];
    const seeds = spec.seeds;
    combos = combos.flatMap((c) =>
      seeds.map((s) => [...c, { path: 'seed', label: seedLabel, value: s.value, targets: [['seed']], at: s.at, entry: ['sweep', 'seeds'] }]),
    );
  }
  const names = uniqueNames(combos.map((settings) => pointName(settings.map((s) => ({ label: s.label, value: s.value })))));
  return combos.map((settings, i) => ({
    name: names[i],
    settings,
    values: Object.fromEntries(settings.map((s) => [s.path, s.value])),
    rawConfig: applySettings(raw, settings),
  }));
}

/** The config without `sweep`, with every setting's value written at each of its targets (a copy: raw is untouched). */
export function applySettings(raw: RawConfig, settings: SweepSetting[]): RawConfig {
  const copy = structuredClone(raw) as RawConfig & { sweep?: unknown };
  delete copy.sweep;
  for (const s of settings) {
    for (const target of s.targets) {
      let object = copy as unknown as Record<string | number, unknown>;
      for (const key of target.slice(0, -1)) {
        if (object[key] === undefined) object[key] = {};
        object = object[key] as Record<string | number, unknown>;
      }
      object[target[target.length - 1]] = structuredClone(s.value);
    }
  }
  return copy;
}

function randomSamples(
  dimensions: SweepDimension[],
  count: number,
  seed: number,
  setting: (d: SweepDimension, value: unknown, at: JSONPath) => SweepSetting,
): SweepSetting[][] {
  const next = createRng(seed);
  const samples: SweepSetting[][] = [];
  for (let i = 0; i < count; i++) {
    samples.push(
      dimensions.map((d) => {
        if (d.range) return setting(d, draw(d.range, next()), d.range.at);
        const choices = d.choices ?? [];
        const choice = choices[Math.min(choices.length - 1, Math.floor(next() * choices.length))];
        return setting(d, choice.value, choice.at);
      }),
    );
  }
  return samples;
}

/** A number from a range for u in [0, 1): uniform or log-uniform; 3 significant digits, or a whole number. */
export function draw(range: SweepRange, u: number): number {
  const { min, max, log, integer } = range;
  if (integer && !log) return Math.min(max, min + Math.floor(u * (max - min + 1)));
  const x = log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
  if (integer) return Math.min(max, Math.max(min, Math.round(x)));
  return Math.min(max, Math.max(min, Number(x.toPrecision(3))));
}
