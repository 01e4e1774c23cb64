// Turns an authored config that passed the schema into an ExperimentConfig: defaults applied, paths absolute.
import { basename, dirname, resolve } from 'node:path';
import {
  CONFIG_SUFFIX,
  DEFAULT_BACKEND,
  DEFAULT_BASELINES,
  DEFAULT_BUILTIN_DATA,
  DEFAULT_FUSION,
  DEFAULT_POOLING,
  DEFAULT_RUNS_DIR,
  DEFAULT_SEED,
  DEFAULT_SHAPE,
  DEFAULT_SPLIT,
  DEFAULT_TEXT_FIELD,
  RUN_TYPES,
  TRAIN_DEFAULTS,
} from './defaults';
import { type AdapterMethod, DEFAULT_METHOD, descriptorOf, isAdapterMethod } from '../adapters/methods/index';
import { setupFromJson } from '../composition/json';
import { type SetupNode, formatSetup, lastAdapter, parallelBlock } from '../composition/tree';
import type {
  AdapterDropSpec,
  AdapterSpec,
  BaseSpec,
  BaselineName,
  CompositionSpec,
  DataSpec,
  EncoderShape,
  ExperimentConfig,
  FusionSpec,
  MergeSpec,
  Pooling,
  SplitSpec,
  TaskSpec,
  TrainOptions,
} from './types';
import type { BackendName, RunType } from '../../common/runRecord';

/** The authored file, as the schema allows it: everything but `tasks` optional. */
export interface RawConfig {
  name?: string;
  backend?: BackendName;
  seed?: number;
  base?: { random?: Partial<EncoderShape>; builtin?: string; path?: string };
  data?: { builtin?: 'reviews' | 'wordnet-relations'; path?: string; textField?: string; format?: 'jsonl' | 'csv' };
  split?: Partial<SplitSpec>;
  tasks: Record<string, { field?: string; labels?: string[]; pooling?: Pooling; objective?: 'causal-lm'; value?: string }>;
  adapters?: Record<string, RawAdapter>;
  compositions?: Record<string, RawComposition>;
  merges?: Record<string, RawMerge>;
  baselines?: BaselineName[];
  train?: Partial<TrainOptions> & Partial<Record<RunType, Partial<TrainOptions>>> & { threads?: number };
  runsDir?: string;
}

/** An adapter as written: the common fields and its method's options (checked by the schema and adapters/methods/). */
export interface RawAdapter {
  method?: AdapterMethod;
  task?: string;
  leaveOut?: number[];
  adapterDrop?: AdapterDropSpec;
  train?: Partial<TrainOptions>;
  [option: string]: unknown;
}

export interface RawComposition {
  setup: unknown; // a string in AdapterHub's notation, or a JSON tree (composition/json.ts)
  task?: string;
  tasks?: string[];
  fusion?: Partial<FusionSpec>;
  trainHeads?: boolean;
  adapterDrop?: AdapterDropSpec;
}

export interface RawMerge {
  adapters: string[];
  weights?: number[];
  normalizeWeights?: boolean;
  task?: string;
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
  const adapters = Object.entries(raw.adapters ?? {}).map(([name, a]) => resolveAdapter(name, a));
  return {
    name: raw.name ?? (fileName.endsWith(CONFIG_SUFFIX) ? fileName.slice(0, -CONFIG_SUFFIX.length) : fileName.replace(/\.json$/i, '')),
    file: absFile,
    backend: raw.backend ?? DEFAULT_BACKEND,
    seed: raw.seed ?? DEFAULT_SEED,
    base: resolveBase(raw.base, dir),
    data: resolveData(raw.data, dir),
    split: { ...DEFAULT_SPLIT, ...raw.split },
    tasks: Object.entries(raw.tasks).map(([name, t]): TaskSpec => ({
      name,
      field: t.field ?? name,
      ...(t.labels && { labels: [...t.labels] }),
      pooling: t.pooling ?? DEFAULT_POOLING,
      ...(t.objective && { objective: t.objective, ...(t.value !== undefined && { value: t.value }) }),
    })),
    adapters,
    compositions: Object.entries(raw.compositions ?? {}).map(([name, c]) => resolveComposition(name, c, adapters)),
    merges: Object.entries(raw.merges ?? {}).map(([name, m]) => resolveMerge(name, m, adapters)),
    // A language model has no head to train alone: a decoder experiment's default reference is full fine-tuning.
    baselines: [...(raw.baselines ?? (Object.values(raw.tasks).some((t) => t.objective === 'causal-lm') ? ['full' as const] : DEFAULT_BASELINES))],
    train: resolveTrain(raw.train ?? {}),
    threads: raw.train?.threads ?? 'auto',
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

/** The common fields, then every option of the adapter's method (written or its default), in the method's order. */
function resolveAdapter(name: string, a: RawAdapter): AdapterSpec {
  const method = isAdapterMethod(a.method) ? a.method : DEFAULT_METHOD;
  const common = {
    name,
    method,
    // A knowledge adapter's run trains on its knowledge: that is its task.
    task: (method === 'k-adapter' && typeof a.knowledge === 'string' ? a.knowledge : undefined) ?? a.task ?? name,
    leaveOut: [...(a.leaveOut ?? [])],
    ...(a.adapterDrop && { adapterDrop: { ...a.adapterDrop } }),
    ...(a.train && { train: { ...a.train } }),
  };
  return { ...common, ...descriptorOf(method).resolve(a) } as AdapterSpec;
}

/** An unparseable setup resolves to an empty placeholder; semantic checks report why. */
function parseCompositionSetup(name: string, setup: unknown): SetupNode {
  return setupFromJson(setup, ['compositions', name, 'setup']).node ?? { kind: 'adapter', name: '', source: { path: ['compositions', name, 'setup'] } };
}

/** The task an output predicts by default: that of the branch's last adapter (AdapterHub's head rule). */
function defaultTask(node: SetupNode, adapters: AdapterSpec[]): string {
  const last = lastAdapter(node);
  return adapters.find((a) => a.name === last)?.task ?? last;
}

function resolveComposition(name: string, c: RawComposition, adapters: AdapterSpec[]): CompositionSpec {
  const setup = parseCompositionSetup(name, c.setup);
  const parallel = parallelBlock(setup);
  const outputs = parallel ? parallel.children : [setup];
  const tasks = c.tasks ?? (c.task !== undefined ? [c.task] : outputs.map((branch) => defaultTask(branch, adapters)));
  return {
    name,
    setup,
    setupText: formatSetup(setup),
    tasks: [...tasks],
    fusion: { ...DEFAULT_FUSION, ...c.fusion },
    trainHeads: c.trainHeads ?? false,
    ...(c.adapterDrop && { adapterDrop: { ...c.adapterDrop } }),
  };
}

function resolveMerge(name: string, m: RawMerge, adapters: AdapterSpec[]): MergeSpec {
  const raw = m.weights ?? m.adapters.map(() => 1 / m.adapters.length);
  const sum = raw.reduce((a, b) => a + b, 0);
  const weights = m.normalizeWeights === false || sum === 0 ? [...raw] : raw.map((w) => w / sum);
  const first = adapters.find((a) => a.name === m.adapters[0]);
  return { name, adapters: [...m.adapters], weights, task: m.task ?? first?.task ?? '' };
}

/** Built-in per-type default < `train.<field>` < `train.<type>.<field>`. */
function resolveTrain(train: NonNullable<RawConfig['train']>): Record<RunType, TrainOptions> {
  // threads is the machine's, not a training option of a run type (ExperimentConfig.threads).
  const { adapter, full, 'head-only': headOnly, composition, threads: _threads, ...common } = train;
  const overrides: Record<RunType, Partial<TrainOptions> | undefined> = { adapter, full, 'head-only': headOnly, composition };
  const entries = RUN_TYPES.map((type) => [type, { ...TRAIN_DEFAULTS[type], ...common, ...overrides[type] }] as const);
  return Object.fromEntries(entries) as Record<RunType, TrainOptions>;
}
