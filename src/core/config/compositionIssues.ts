// Semantic checks of what combines adapters: each method's own options, AdapterDrop, composition setups (syntax,
// AdapterHub's nesting rules, known adapters, supported blocks, heads) and merges. Setup problems point inside the
// setup string when it was written as a string.
import type { JSONPath } from 'jsonc-parser';
import { setupFromJson } from '../composition/json';
import { knowledgeFuseIssues, nestingIssues, referenceIssues, type SetupIssue } from '../composition/rules';
import { type RunShape, sizeIssues } from '../composition/sizes';
import { type SetupNode, adapterNames, blocksOf, parallelBlock } from '../composition/tree';
import { ADAPTER_METHODS, descriptorOf } from '../adapters/methods/index';
import type { Issue } from './issue';
import type { RawConfig } from './resolve';
import type { AdapterDropSpec, AdapterSpec, ExperimentConfig } from './types';
import { quoteList } from './wording';

const COMMON_OPTIONS = ['method', 'task', 'leaveOut', 'adapterDrop', 'train'];

export function adapterOptionIssues(config: ExperimentConfig, raw: RawConfig, layers: number | undefined): Issue[] {
  const issues: Issue[] = [];
  for (const a of config.adapters) {
    const written = Object.keys(raw.adapters?.[a.name] ?? {});
    const own = descriptorOf(a.method).options;
    for (const key of written) {
      if (COMMON_OPTIONS.includes(key) || own.includes(key)) continue;
      const owners = ADAPTER_METHODS.filter((m) => descriptorOf(m).options.includes(key));
      issues.push({
        path: ['adapters', a.name, key],
        part: 'key',
        code: 'option-of-other-method',
        message: `"${key}" does not apply to method "${a.method}" (it is an option of ${owners.join(', ')}); ${a.method} takes ${own.join(', ')}`,
      });
    }
    for (const issue of descriptorOf(a.method).issues(a, a.name))
      issues.push({ path: ['adapters', a.name, issue.option], code: issue.code, message: issue.message });
    issues.push(...dropIssues(a.adapterDrop, ['adapters', a.name, 'adapterDrop'], layers));
  }
  return issues;
}

function dropIssues(drop: AdapterDropSpec | undefined, path: JSONPath, layers: number | undefined): Issue[] {
  if (!drop) return [];
  const given = (drop as { layers?: number }).layers;
  if (drop.mode === 'robust' && given !== undefined) {
    return [
      {
        path: [...path, 'layers'],
        part: 'key',
        code: 'robust-layers',
        message: 'robust AdapterDrop draws the number of dropped layers per batch: remove "layers" (or use "mode": "specialised")',
      },
    ];
  }
  if (drop.mode === 'specialised' && given === undefined) {
    return [
      {
        path: [...path, 'mode'],
        code: 'missing-property',
        message: 'specialised AdapterDrop needs "layers": how many of the lowest layers run without adapters',
      },
    ];
  }
  if (drop.mode === 'specialised' && layers !== undefined && given! >= layers) {
    return [
      {
        path: [...path, 'layers'],
        code: 'drop-too-many',
        message: `dropping ${given} layers leaves no adapter: the base has ${layers} layers, so drop at most ${layers - 1}`,
      },
    ];
  }
  return [];
}

function toIssue(s: SetupIssue): Issue {
  const { path, part, start, length } = s.source;
  return { path, code: s.code, message: s.message, ...(part && { part }), ...(start !== undefined && { span: { start, length: length ?? 1 } }) };
}

export function compositionIssues(config: ExperimentConfig, raw: RawConfig, layers: number | undefined): Issue[] {
  const methods = new Map(config.adapters.map((a) => [a.name, a.method]));
  const knownTasks = config.tasks.map((t) => t.name);
  const issues: Issue[] = [];
  for (const [name, rawComposition] of Object.entries(raw.compositions ?? {})) {
    const path = ['compositions', name];
    const parsed = setupFromJson(rawComposition.setup, [...path, 'setup']);
    if (parsed.issue) {
      issues.push(toIssue(parsed.issue));
      continue;
    }
    const setup = parsed.node!;
    const references = referenceIssues(setup, methods);
    const structural = [...nestingIssues(setup), ...references, ...(references.length ? [] : knowledgeFuseIssues(setup, methods))];
    if (structural.length) {
      issues.push(...structural.map(toIssue));
      continue;
    }
    const spec = config.compositions.find((c) => c.name === name)!;
    issues.push(...sizeIssues(setup, runShape(config, raw)).map(toIssue));
    issues.push(...taskIssues(setup, spec, rawComposition, config, knownTasks, path));
    issues.push(...dropIssues(spec.adapterDrop, [...path, 'adapterDrop'], layers));
  }
  return issues;
}

/** The batch size and maxLength composition runs use, and the keys that set them (the one the user wrote, if any). */
function runShape(config: ExperimentConfig, raw: RawConfig): RunShape {
  const key = (field: 'batchSize' | 'maxLength') =>
    raw.train?.composition?.[field] === undefined && raw.train?.[field] !== undefined ? `train.${field}` : `train.composition.${field}`;
  const { batchSize, maxLength } = config.train.composition;
  return { batchSize, maxLength, batchSizeKey: key('batchSize'), maxLengthKey: key('maxLength') };
}

/** One task per output, each known, distinct across Parallel branches, and with a head unless the run trains one. */
function taskIssues(
  setup: SetupNode,
  spec: ExperimentConfig['compositions'][number],
  raw: NonNullable<RawConfig['compositions']>[string],
  config: ExperimentConfig,
  knownTasks: string[],
  path: JSONPath,
): Issue[] {
  const parallel = parallelBlock(setup);
  const outputs = parallel ? parallel.children : [setup];
  if (parallel && raw.task !== undefined) {
    return [
      {
        path: [...path, 'task'],
        part: 'key',
        code: 'task-with-parallel',
        message: `a Parallel setup has one output per branch: replace "task" with "tasks": [${outputs.map(() => '…').join(', ')}]`,
      },
    ];
  }
  if (!parallel && raw.tasks !== undefined) {
    return [
      {
        path: [...path, 'tasks'],
        part: 'key',
        code: 'tasks-without-parallel',
        message: 'only a Parallel setup has several outputs: use "task" with one task name',
      },
    ];
  }
  if (spec.tasks.length !== outputs.length) {
    return [
      {
        path: [...path, 'tasks'],
        code: 'task-count',
        message: `"tasks" has ${spec.tasks.length} task(s) but Parallel has ${outputs.length} branches: give one per branch`,
      },
    ];
  }
  const issues: Issue[] = [];
  const fused = blocksOf(setup, 'Fuse').length > 0;
  spec.tasks.forEach((task, i) => {
    const at = raw.tasks ? [...path, 'tasks', i] : raw.task !== undefined ? [...path, 'task'] : [...path, 'setup'];
    if (!knownTasks.includes(task)) {
      issues.push({ path: at, code: 'unknown-task', message: `unknown task "${task}"; known tasks: ${quoteList(knownTasks)}` });
    } else if (spec.tasks.indexOf(task) !== i) {
      issues.push({ path: at, code: 'duplicate-task', message: `two Parallel branches predict "${task}"; each branch needs its own task` });
    } else if (!fused && !spec.trainHeads && !adapterNames(outputs[i]).some((n) => config.adapters.find((a) => a.name === n)?.task === task)) {
      issues.push({
        path: at,
        code: 'no-head',
        message: `no adapter in ${parallel ? `branch ${i + 1}` : 'this setup'} was trained for "${task}", so there is no head to evaluate with: add "trainHeads": true to train one`,
      });
    }
  });
  return issues;
}

export function mergeIssues(config: ExperimentConfig, raw: RawConfig): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map(config.adapters.map((a) => [a.name, a]));
  for (const m of config.merges) {
    const path = ['merges', m.name];
    if (byName.has(m.name)) {
      issues.push({
        path,
        part: 'key',
        code: 'merge-name-taken',
        message: `merge "${m.name}" has the name of an adapter; the merged adapter needs its own name`,
      });
    }
    const unknown = m.adapters.findIndex((n) => !byName.has(n));
    if (unknown >= 0) {
      issues.push({
        path: [...path, 'adapters', unknown],
        code: 'unknown-adapter',
        message: `unknown adapter "${m.adapters[unknown]}"; adapters: ${quoteList([...byName.keys()])}`,
      });
      continue;
    }
    const rawWeights = raw.merges?.[m.name]?.weights;
    if (rawWeights && rawWeights.length !== m.adapters.length) {
      issues.push({
        path: [...path, 'weights'],
        code: 'argument-count',
        message: `"weights" has ${rawWeights.length} value(s) for ${m.adapters.length} adapters: give one per adapter`,
      });
    }
    const first = byName.get(m.adapters[0])!;
    m.adapters.slice(1).forEach((n, i) => {
      const difference = configDifference(first, byName.get(n)!);
      if (difference)
        issues.push({
          path: [...path, 'adapters', i + 1],
          code: 'different-config',
          message: `adapter "${n}" cannot be averaged with "${first.name}": ${difference} (parameter averaging needs the same config)`,
        });
    });
    if (!m.adapters.some((n) => byName.get(n)!.task === m.task)) {
      issues.push({
        path: [...path, raw.merges?.[m.name]?.task !== undefined ? 'task' : 'adapters'],
        code: 'no-head',
        message: `none of the merged adapters was trained for "${m.task}", so there is no head to evaluate the merged adapter with`,
      });
    }
  }
  return issues;
}

/** The first option in which two adapters differ, or undefined. */
function configDifference(a: AdapterSpec, b: AdapterSpec): string | undefined {
  const [x, y] = [a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>];
  for (const key of ['method', ...descriptorOf(a.method).options, 'leaveOut']) {
    if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) return `${key} ${JSON.stringify(y[key])} ≠ ${JSON.stringify(x[key])}`;
  }
  return undefined;
}
