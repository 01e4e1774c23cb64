// Checks the schema cannot express: references between sections, shape arithmetic, files on disk.
import type { JSONPath } from 'jsonc-parser';
import { MAX_HELD_OUT_FRACTION, RUN_TYPES } from './defaults';
import { adapterOptionIssues, compositionIssues, mergeIssues } from './compositionIssues';
import type { Issue } from './issue';
import { type RawConfig, inferDataFormat } from './resolve';
import type { BaseSpec, EncoderShape, ExperimentConfig } from './types';
import { didYouMean, quoteList } from './wording';
import { nameIssues } from './names';

export interface SemanticOptions {
  /** Without it, data and model paths are not checked (keeps checking pure, e.g. while the user types). */
  fileExists?: (path: string) => boolean;
  /**
   * Why a path cannot be used as the file or folder it should be (io/pathProblem.ts), or undefined: a folder given as
   * the data file, a path too long, a runs folder under a file. When given, it checks paths instead of fileExists.
   */
  pathProblem?: (path: string, kind: 'file' | 'folder', mayBeMissing?: boolean) => string | undefined;
  /**
   * The shape of a built-in or `path` base, read from its config.json (parameters/baseShape.ts); throws when that
   * cannot be read, undefined when it may not be read (the editor: outside the workspace). Without it only a random
   * base's shape is known, and the others' sizes are not checked.
   */
  baseShape?: (base: BaseSpec) => EncoderShape | undefined;
}

export function semanticIssues(config: ExperimentConfig, raw: RawConfig, opts: SemanticOptions): Issue[] {
  const base = knownBaseShape(config, opts);
  const shape = base.shape;
  return [
    ...base.issues,
    ...nameIssues(raw),
    ...taskIssues(config),
    ...languageModelIssues(config, raw, shape),
    ...adapterOptionIssues(config, raw, shape?.layers),
    ...compositionIssues(config, raw, shape?.layers),
    ...mergeIssues(config, raw),
    ...(shape ? shapeIssues(config, raw, shape) : []),
    ...splitIssues(config, raw),
    ...fileIssues(config, raw, opts),
  ];
}

function given(raw: RawConfig, path: JSONPath): boolean {
  let value: unknown = raw;
  for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
  return value !== undefined;
}

/** The first path the user actually wrote, so the problem points at their text. */
function firstGiven(raw: RawConfig, paths: JSONPath[]): JSONPath {
  return paths.find((p) => given(raw, p)) ?? paths[paths.length - 1];
}

function taskIssues(config: ExperimentConfig): Issue[] {
  const known = config.tasks.map((t) => t.name);
  if (known.length === 0) {
    return [{ path: ['tasks'], part: 'key', code: 'no-tasks', message: 'no tasks defined: add one, e.g. "tasks": { "sentiment": {} }' }];
  }
  const issues: Issue[] = [];
  for (const a of config.adapters) {
    if (known.includes(a.task) || (a.method === 'k-adapter' && a.knowledge)) continue; // a knowledge adapter's task is its knowledge
    const choices = `Known tasks: ${quoteList(known)}`;
    if (a.task !== a.name) {
      issues.push({
        path: ['adapters', a.name, 'task'],
        code: 'unknown-task',
        message: `adapter "${a.name}" uses unknown task "${a.task}"${didYouMean(a.task, known)} ${choices}`,
      });
    } else {
      issues.push({
        path: ['adapters', a.name],
        part: 'key',
        code: 'adapter-without-task',
        message: `adapter "${a.name}" has no "task" and there is no task named "${a.name}": add "task": ${JSON.stringify(known[0])} to it. ${choices}`,
      });
    }
  }
  return issues;
}

/**
 * Causal-lm tasks: each names the value it models, all tasks of an experiment are of one kind, and that kind suits
 * the base (a decoder for causal-lm, an encoder for classification). Compositions of attribute adapters are chosen
 * at generation (`adapter-lab generate <run> --setup …`), not trained, so a decoder experiment lists none.
 */
function languageModelIssues(config: ExperimentConfig, raw: RawConfig, shape: EncoderShape | undefined): Issue[] {
  const issues: Issue[] = [];
  const lm = config.tasks.filter((t) => t.objective === 'causal-lm');
  for (const t of config.tasks) {
    if (t.objective === 'causal-lm' && t.value === undefined)
      issues.push({
        path: ['tasks', t.name, 'objective'],
        code: 'causal-lm-without-value',
        message: `task "${t.name}" models the rows carrying one value of "${t.field}": add "value", e.g. "value": "positive"`,
      });
    if (t.objective === undefined && given(raw, ['tasks', t.name, 'value']))
      issues.push({
        path: ['tasks', t.name, 'value'],
        part: 'key',
        code: 'value-without-objective',
        message: `"value" belongs to a causal-lm task: add "objective": "causal-lm" to task "${t.name}", or remove "value" (a classifier predicts every value)`,
      });
  }
  if (lm.length === 0) {
    if (shape && (shape as { modelType?: string }).modelType === 'gpt2')
      issues.push({
        path: firstGiven(raw, [['base', 'builtin'], ['base', 'path'], ['base']]),
        code: 'classification-on-decoder',
        message: `the base is a GPT-2 decoder, which writes text: give its tasks "objective": "causal-lm" (attribute adapters), or classify with an encoder base such as "lab-base"`,
      });
    return issues;
  }
  const classifiers = config.tasks.filter((t) => t.objective !== 'causal-lm');
  for (const t of classifiers)
    issues.push({
      path: ['tasks', t.name],
      part: 'key',
      code: 'mixed-objectives',
      message: `task "${t.name}" is a classifier but ${quoteList(lm.map((x) => x.name))} ${lm.length > 1 ? 'are' : 'is'} causal-lm: one experiment trains on one base, a decoder or an encoder; put them in two configs`,
    });
  if (config.base.kind === 'random' || (shape && (shape as { modelType?: string }).modelType !== 'gpt2'))
    issues.push({
      path: firstGiven(raw, [['base', 'builtin'], ['base', 'path'], ['base', 'random'], ['base']]),
      code: 'causal-lm-needs-decoder',
      message: `causal-lm tasks train on a decoder: use "base": { "builtin": "lab-gpt" } or a Hugging Face GPT-2 folder`,
    });
  for (const section of ['compositions', 'merges'] as const)
    if (given(raw, [section]) && Object.keys(raw[section] ?? {}).length)
      issues.push({
        path: [section],
        part: 'key',
        code: 'causal-lm-compositions',
        message: `attribute adapters are combined when generating, not trained: remove "${section}" and run adapter-lab generate <run> --setup "Stack(a, b)" (or Average(a, b), Merge(a, b))`,
      });
  if (config.baselines.includes('head-only'))
    issues.push({
      path: firstGiven(raw, [['baselines'], ['tasks']]),
      code: 'causal-lm-head-only',
      message: `a language model has no head to train alone: "baselines" may hold only "full" (the decoder fine-tuned on each task's rows)`,
    });
  return issues;
}

/**
 * The base's shape: a random base's from the config, a built-in or `path` base's from its config.json when the
 * options can read it (a base folder that is not there is reported by fileIssues, not twice).
 */
function knownBaseShape(config: ExperimentConfig, opts: SemanticOptions): { shape?: EncoderShape; issues: Issue[] } {
  const { base } = config;
  if (base.kind === 'random') return { shape: base.shape, issues: [] };
  if (!opts.baseShape) return { issues: [] };
  if (base.kind === 'path' && (opts.pathProblem ? opts.pathProblem(base.path, 'folder') : opts.fileExists && !opts.fileExists(base.path)))
    return { issues: [] };
  try {
    return { shape: opts.baseShape(base), issues: [] };
  } catch (e) {
    return {
      issues: [
        {
          path: ['base', base.kind],
          code: 'unreadable-base-config',
          message: `the base's shape cannot be read: ${e instanceof Error ? e.message : String(e)}`,
        },
      ],
    };
  }
}

/** Sizes the base fixes: a random base's from the config, another base's from its config.json. */
function shapeIssues(config: ExperimentConfig, raw: RawConfig, shape: EncoderShape): Issue[] {
  const issues: Issue[] = [];
  const random = config.base.kind === 'random';
  const at = ['base', 'random'];
  // Where a too-long maxLength points when the user wrote none, and what to raise instead of lowering it.
  const positionsAt: JSONPath = random ? [...at, 'maxPositions'] : ['base', config.base.kind];
  const positions = random
    ? `${shape.maxPositions} positions ("maxPositions"); lower maxLength or raise maxPositions`
    : `${shape.maxPositions} positions (max_position_embeddings in its config.json); lower maxLength to at most ${shape.maxPositions}`;
  if (random && shape.hiddenSize % shape.heads !== 0) {
    const lower = shape.hiddenSize - (shape.hiddenSize % shape.heads);
    const suggestions = [lower, lower + shape.heads].filter((n) => n > 0).join(' or ');
    issues.push({
      path: firstGiven(raw, [
        [...at, 'hiddenSize'],
        [...at, 'heads'],
      ]),
      code: 'heads-not-divisor',
      message: `"hiddenSize" (${shape.hiddenSize}) must be divisible by "heads" (${shape.heads}), so that every head gets hiddenSize / heads dimensions; use a hiddenSize of ${suggestions}, or other heads`,
    });
  }
  for (const a of config.adapters) {
    a.leaveOut.forEach((layer, i) => {
      if (layer < shape.layers) return;
      issues.push({
        path: ['adapters', a.name, 'leaveOut', i],
        code: 'leave-out-out-of-range',
        message: `adapter "${a.name}" leaves out layer ${layer}, but the base has ${shape.layers} layers (0 to ${shape.layers - 1})`,
      });
    });
    if (a.method === 'k-adapter')
      a.readLayers?.forEach((state, i) => {
        if (state <= shape.layers) return;
        issues.push({
          path: ['adapters', a.name, 'readLayers', i],
          code: 'read-layer-out-of-range',
          message: `K-adapter "${a.name}" reads hidden state ${state}, but the base has ${shape.layers} layers: hidden states 0 (embeddings) to ${shape.layers}`,
        });
      });
    // Prefix tuning's MLP may be wider than the model (AdapterHub's default is 512).
    if (a.method !== 'prefix' && 'bottleneckSize' in a && a.bottleneckSize !== undefined && a.bottleneckSize > shape.hiddenSize) {
      issues.push({
        path: ['adapters', a.name, 'bottleneckSize'],
        code: 'bottleneck-too-large',
        message: `"bottleneckSize" of adapter "${a.name}" (${a.bottleneckSize}) exceeds the base's hiddenSize (${shape.hiddenSize}); a bottleneck must be narrower, e.g. ${Math.max(1, Math.floor(shape.hiddenSize / 4))}`,
      });
    }
  }
  // Position embeddings end at maxPositions; report each place the user wrote a too-long maxLength once.
  const reported = new Set<string>();
  for (const type of RUN_TYPES) {
    const maxLength = config.train[type].maxLength;
    if (maxLength <= shape.maxPositions) continue;
    const path = firstGiven(raw, [['train', type, 'maxLength'], ['train', 'maxLength'], positionsAt]);
    if (reported.has(path.join('/'))) continue;
    reported.add(path.join('/'));
    issues.push({
      path,
      code: 'max-length-too-large',
      message: `maxLength ${maxLength} (${type} runs) exceeds the base's ${positions}`,
    });
  }
  for (const a of config.adapters) {
    const maxLength = a.train?.maxLength;
    if (maxLength === undefined || maxLength <= shape.maxPositions) continue;
    issues.push({
      path: ['adapters', a.name, 'train', 'maxLength'],
      code: 'max-length-too-large',
      message: `maxLength ${maxLength} (adapter "${a.name}") exceeds the base's ${positions}`,
    });
  }
  return issues;
}

function splitIssues(config: ExperimentConfig, raw: RawConfig): Issue[] {
  const { validation, test } = config.split;
  if (validation + test < MAX_HELD_OUT_FRACTION) return [];
  const sum = Number((validation + test).toFixed(6));
  return [
    {
      path: firstGiven(raw, [['split', 'test'], ['split', 'validation'], ['split']]),
      code: 'split-too-large',
      message: `validation + test = ${sum} leaves too few rows to train on; keep the sum below ${MAX_HELD_OUT_FRACTION}`,
    },
  ];
}

function fileIssues(config: ExperimentConfig, raw: RawConfig, opts: SemanticOptions): Issue[] {
  const issues: Issue[] = [];
  const { data, base } = config;
  if (data.kind === 'file' && raw.data?.format === undefined && !inferDataFormat(data.path)) {
    issues.push({
      path: ['data', 'path'],
      code: 'unknown-data-format',
      message: `cannot tell the format of "${raw.data?.path}" from its extension: add "format": "jsonl" or "format": "csv" to "data"`,
    });
  }
  // "not found" when only existence can be asked; with pathProblem, also a folder for a file, a path too long, …
  const problemOf = (p: string, kind: 'file' | 'folder', mayBeMissing = false): string | undefined =>
    opts.pathProblem ? opts.pathProblem(p, kind, mayBeMissing) : !mayBeMissing && opts.fileExists && !opts.fileExists(p) ? 'not found' : undefined;
  const dataProblem = data.kind === 'file' ? problemOf(data.path, 'file') : undefined;
  if (data.kind === 'file' && dataProblem) {
    issues.push({
      path: ['data', 'path'],
      code: dataProblem === 'not found' ? 'missing-data-file' : 'unusable-data-path',
      message:
        dataProblem === 'not found'
          ? `data file not found: ${data.path}; fix "path" (it is relative to the config's folder)`
          : `data file ${data.path}: ${dataProblem}; fix "path" (it is relative to the config's folder)`,
    });
  }
  const baseProblem = base.kind === 'path' ? problemOf(base.path, 'folder') : undefined;
  if (base.kind === 'path' && baseProblem) {
    issues.push({
      path: ['base', 'path'],
      code: baseProblem === 'not found' ? 'missing-base-model' : 'unusable-base-path',
      message:
        baseProblem === 'not found'
          ? `base model folder not found: ${base.path}; fix "path" (it is relative to the config's folder)`
          : `base model folder ${base.path}: ${baseProblem}; fix "path" (it is relative to the config's folder)`,
    });
  }
  const runsProblem = problemOf(config.runsDir, 'folder', true);
  if (runsProblem) {
    issues.push({
      path: ['runsDir'],
      code: 'unusable-runs-dir',
      message: `the runs folder ${config.runsDir} cannot be made: ${runsProblem}; fix "runsDir" (it is relative to the config's folder)`,
    });
  }
  return issues;
}
