// A steering setup read and checked without loading a model: the setup's syntax, that it names the experiment's
// adapters, that it composes them only with blocks that need no training (Stack, Average), and for parameter
// averaging that it is Average(a, b, …) of adapters of one config. The worker's decoder (steered.ts) and the
// Playground's host (which answers a bad setup at once, without a round trip to the worker) use the same check.
import type { AdapterSpec, ExperimentConfig } from '../config/types';
import { parseSetup } from '../composition/parse';
import { type SetupNode, formatSetup, isBlock } from '../composition/tree';

export type SteeringSetup = { node: SetupNode; error?: undefined } | { node?: undefined; error: string };

export function steeringSetup(text: string, config: Pick<ExperimentConfig, 'name' | 'adapters'>, mergeParameters = false): SteeringSetup {
  const parsed = parseSetup(text);
  if (!parsed.node) return { error: `setup "${text}": ${parsed.error.message}` };
  const problem = steerableProblem(parsed.node, config) ?? (mergeParameters ? mergeProblem(parsed.node, config) : undefined);
  return problem ? { error: problem } : { node: parsed.node };
}

function steerableProblem(node: SetupNode, config: Pick<ExperimentConfig, 'name' | 'adapters'>): string | undefined {
  if (!isBlock(node))
    return config.adapters.some((a) => a.name === node.name)
      ? undefined
      : `no adapter "${node.name}" in "${config.name}"; its adapters: ${config.adapters.map((a) => a.name).join(', ')}`;
  if (node.kind !== 'Stack' && node.kind !== 'Average') return `${node.kind} is not a steering setup: compose attribute adapters with Stack(…) or Average(…)`;
  for (const child of node.children) {
    const problem = steerableProblem(child, config);
    if (problem) return problem;
  }
  return undefined;
}

/** Parameter averaging makes one adapter from several: their tensors must match one to one. */
function mergeProblem(node: SetupNode, config: Pick<ExperimentConfig, 'adapters'>): string | undefined {
  if (!isBlock(node) || node.kind !== 'Average' || node.children.some(isBlock))
    return `parameter averaging takes Average(a, b, …) of adapters, not "${formatSetup(node)}"`;
  const specs = node.children.map((c) => config.adapters.find((a) => !isBlock(c) && a.name === c.name)!);
  const [first] = specs;
  const other = specs.find((s) => shapeOf(s) !== shapeOf(first));
  if (!other) return undefined;
  const how =
    other.method === first.method
      ? `"${first.name}" and "${other.name}" are ${first.method} with different options`
      : `"${first.name}" is ${first.method}, "${other.name}" ${other.method}`;
  return `parameter averaging needs adapters of one config: ${how}; average their outputs instead (no parameter averaging)`;
}

/** What decides an adapter's tensors: everything but its name, task, training and AdapterDrop. */
function shapeOf(spec: AdapterSpec): string {
  const { name: _name, task: _task, train: _train, adapterDrop: _drop, ...rest } = spec;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
}
