// Turns an authored config that passed the schema into an ExperimentConfig: defaults applied, paths absolute.
import { basename, dirname, resolve } from 'node:path';
import {
  CONFIG_SUFFIX,
  DEFAULT_ADAPTER,
  DEFAULT_BACKEND,
  DEFAULT_BASELINES,
  DEFAULT_BUILTIN_DATA,
  DEFAULT_PARALLEL_SCALING,
  DEFAULT_POOLING,
  DEFAULT_RUNS_DIR,
  DEFAULT_SEED,
  DEFAULT_SHAPE,
  DEFAULT_SPLIT,
  DEFAULT_TEXT_FIELD,
  RUN_TYPES,
  TRAIN_DEFAULTS,
} from './defaults';
import type {
  AdapterSpec,
  BackendName,
  BaseSpec,
  BaselineName,
  BottleneckAdapterSpec,
  DataSpec,
  EncoderShape,
  ExperimentConfig,
  Pooling,
  RunType,
  SplitSpec,
  TaskSpec,
  TrainOptions,
} from './types';

/** The authored file, as the schema allows it: everything but `tasks` optional. */
export interface RawConfig {
  name?: string;
  backend?: BackendName;
  seed?: number;
  base?: { random?: Partial<EncoderShape>; builtin?: string; path?: string };
  data?: { builtin?: 'reviews'; path?: string; textField?: string; format?: 'jsonl' | 'csv' };
  split?: Partial<SplitSpec>;
  tasks: Record<string, { field?: string; labels?: string[]; pooling?: Pooling }>;
  adapters?: Record<string, Partial<Omit<BottleneckAdapterSpec, 'name'>>>;
  baselines?: BaselineName[];
  train?: Partial<TrainOptions> & Partial<Record<RunType, Partial<TrainOptions>>>;
  runsDir?: string;
}

export function inferDataFormat(path: string): 'jsonl' | 'csv' | undefined {
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  return undefined;
}

export function resolveConfig(raw: RawConfig, file: string): ExperimentConfig {
  const absFile = resolve(file);
  const dir = dirname(absFile);
  const fileName = basename(absFile);
  return {
    name: raw.name ?? (fileName.endsWith(CONFIG_SUFFIX) ? fileName.slice(0, -CONFIG_SUFFIX.length) : fileName.replace(/\.json$/i, '')),
    file: absFile,
    backend: raw.backend ?? DEFAULT_BACKEND,
    seed: raw.seed ?? DEFAULT_SEED,
    base: resolveBase(raw.base, dir),
    data: resolveData(raw.data, dir),
    split: { ...DEFAULT_SPLIT, ...raw.split },
    tasks: Object.entries(raw.tasks).map(
      ([name, t]): TaskSpec => ({
        name,
        field: t.field ?? name,
        ...(t.labels && { labels: [...t.labels] }),
        pooling: t.pooling ?? DEFAULT_POOLING,
      }),
    ),
    adapters: Object.entries(raw.adapters ?? {}).map(([name, a]) => resolveAdapter(name, a)),
    baselines: [...(raw.baselines ?? DEFAULT_BASELINES)],
    train: resolveTrain(raw.train ?? {}),
    runsDir: resolve(dir, raw.runsDir ?? DEFAULT_RUNS_DIR),
  };
}

function resolveBase(base: RawConfig['base'], dir: string): BaseSpec {
  if (base?.builtin !== undefined) return { kind: 'builtin', name: base.builtin };
  if (base?.path !== undefined) return { kind: 'path', path: resolve(dir, base.path) };
  return { kind: 'random', shape: { ...DEFAULT_SHAPE, ...base?.random } };
}

function resolveData(data: RawConfig['data'], dir: string): DataSpec {
  if (data?.path === undefined) return { kind: 'builtin', name: data?.builtin ?? DEFAULT_BUILTIN_DATA };
  return {
    kind: 'file',
    path: resolve(dir, data.path),
    // An extension that says nothing is reported by the semantic checks, so 'jsonl' never reaches a caller.
    format: data.format ?? inferDataFormat(data.path) ?? 'jsonl',
    textField: data.textField ?? DEFAULT_TEXT_FIELD,
  };
}

function resolveAdapter(name: string, a: Partial<Omit<BottleneckAdapterSpec, 'name'>>): AdapterSpec {
  const method = a.method ?? DEFAULT_ADAPTER.method;
  return {
    ...DEFAULT_ADAPTER,
    ...a,
    name,
    method,
    task: a.task ?? name,
    leaveOut: [...(a.leaveOut ?? [])],
    scaling: a.scaling ?? (method === 'parallel' ? DEFAULT_PARALLEL_SCALING : DEFAULT_ADAPTER.scaling),
  };
}

/** Built-in per-type default < `train.<field>` < `train.<type>.<field>`. */
function resolveTrain(train: NonNullable<RawConfig['train']>): Record<RunType, TrainOptions> {
  const { adapter, full, 'head-only': headOnly, ...common } = train;
  const overrides: Record<RunType, Partial<TrainOptions> | undefined> = { adapter, full, 'head-only': headOnly };
  const entries = RUN_TYPES.map((type) => [type, { ...TRAIN_DEFAULTS[type], ...common, ...overrides[type] }] as const);
  return Object.fromEntries(entries) as Record<RunType, TrainOptions>;
}
