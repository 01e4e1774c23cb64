// `adapter-lab export <config|run> --to python`: a folder that runs the same experiment with `transformers` +
// AdapterHub `adapters` on a GPU machine or a cluster — train.py (launchable with `accelerate launch` or `torchrun`),
// experiment.json (the resolved experiment: base, tasks and labels, each adapter's AdapterHub config, compositions,
// merges, AdapterDrop, hyper-parameters, seed), the split as data/*.jsonl, the base when it ships here, and for a
// config with a `sweep` every point as points/<point>.json with tune.py, a Ray Tune script over them.
// The Python files live in python/ at the package root and are copied as they are.
import * as fs from 'fs';
import * as path from 'path';
import { descriptorOf } from '../adapters/methods/index';
import { adapterNames } from '../composition/tree';
import type { AdapterSpec, ExperimentConfig } from '../config/types';
import { builtinModelDir } from '../io/builtinModels';
import { encoderConfigJson, fusionConfigJson } from '../io/adapterhub';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import type { BaseModel, ExperimentData } from '../run/experiment';
import { type RunPlan, planRuns } from '../run/plan';
import { listFiles } from './adapterhubExport';
import { BASE_FOLDER } from './baseInfo';
import { setupAsPython } from './setupSyntax';

export const PYTHON_SCRIPTS = ['train.py', 'tune.py'] as const;

/** The folder python/ of the package (walking up from this module: src/core in tests, dist/ when bundled). */
export function pythonScriptsDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'python', 'train.py'))) return path.join(dir, 'python');
    if (path.dirname(dir) === dir) throw new Error('the python/ folder of Adapter Lab is missing from its installation');
  }
}

/** An experiment's point of a sweep, named as Adapter Lab names it. */
export interface PythonPoint {
  name: string;
  config: ExperimentConfig;
}

export interface PythonExport {
  out: string;
  files: string[];
  notes: string[];
}

/** Why an adapter cannot train with AdapterHub, or undefined. */
function missingInAdapterHub(spec: AdapterSpec): string | undefined {
  return spec.method === 'arc' ? `adapter "${spec.name}" is ARC, which AdapterHub does not have` : undefined;
}

/** experiment.json of a config: what train.py reads, every AdapterHub config computed by the method descriptors. */
export function pythonExperiment(config: ExperimentConfig, base: BaseModel, data: ExperimentData, only?: string[]): { experiment: object; notes: string[] } {
  const notes: string[] = [];
  const skipped = new Set(config.adapters.filter((a) => missingInAdapterHub(a)).map((a) => a.name));
  for (const a of config.adapters) {
    const why = missingInAdapterHub(a);
    if (why) notes.push(`${why}: its runs and the compositions and merges that use it are left out (merge-into-base exports it)`);
  }
  const dims = base.config;
  const usable = (plan: RunPlan) =>
    !(plan.adapter && skipped.has(plan.adapter)) && !plan.needs.some((n) => skipped.has(n.slice('adapter:'.length))) && (!only || only.includes(plan.name));
  const runs = planRuns(config)
    .filter(usable)
    .map((plan) => {
      const run = { name: plan.name, type: plan.type, tasks: plan.tasks, train: plan.options };
      if (plan.adapter) {
        const spec = config.adapters.find((a) => a.name === plan.adapter)!;
        const hub = descriptorOf(spec.method).hubConfig(spec, spec.leaveOut, dims);
        return { ...run, adapter: { name: spec.name, task: spec.task, method: spec.method, hub_config: hub, adapterDrop: spec.adapterDrop ?? null } };
      }
      if (plan.composition) {
        const c = config.compositions.find((x) => x.name === plan.composition)!;
        const fusion = (fusionConfigJson(c.name, c.fusion, { modelName: base.modelName, hiddenSize: dims.hiddenSize }) as { config: object }).config;
        const composition = {
          setup: setupAsPython(c.setupText),
          setupText: c.setupText,
          adapters: adapterNames(c.setup),
          tasks: c.tasks,
          fusion,
          trainHeads: c.trainHeads,
          adapterDrop: c.adapterDrop ?? null,
        };
        return { ...run, composition };
      }
      if (plan.merge) return { ...run, merge: config.merges.find((m) => m.name === plan.merge)! };
      return run;
    });
  if (config.tasks.some((t) => t.pooling === 'mean'))
    notes.push("tasks pooled by the mean here read the first token ([CLS]) in AdapterHub's classification head");
  const experiment = {
    name: config.name,
    seed: config.seed,
    base: baseEntry(config),
    tasks: config.tasks.map((t) => ({ name: t.name, field: t.field, labels: data.labels.get(t.name) ?? [], pooling: t.pooling })),
    data: { train: 'data/train.jsonl', validation: 'data/validation.jsonl', test: 'data/test.jsonl' },
    runs,
  };
  return { experiment, notes };
}

function baseEntry(config: ExperimentConfig): { path: string; random_init?: true } {
  if (config.base.kind === 'path') return { path: path.basename(config.base.path) }; // a hub id, or edit to where it is
  return config.base.kind === 'random' ? { path: BASE_FOLDER, random_init: true } : { path: BASE_FOLDER };
}

/** Writes the Python folder of an experiment (and of its sweep's points, when given). */
export function exportPython(
  config: ExperimentConfig,
  base: BaseModel,
  data: ExperimentData,
  out: string,
  options: { only?: string[]; points?: PythonPoint[] } = {},
): PythonExport {
  const { experiment, notes } = pythonExperiment(config, base, data, options.only);
  writeJsonAtomic(path.join(out, 'experiment.json'), experiment);
  for (const part of ['train', 'validation', 'test'] as const) {
    const lines = data.rows[part].map((r) => JSON.stringify({ text: r.text, ...r.labels }));
    writeFileAtomic(path.join(out, 'data', `${part}.jsonl`), `${lines.join('\n')}\n`);
  }
  writeBase(config, base, path.join(out, BASE_FOLDER));
  if (config.base.kind === 'path')
    notes.push(`base path is "${path.basename(config.base.path)}" (the folder's name, usually its hub id): edit experiment.json if it lives elsewhere`);
  if (config.base.kind === 'random') notes.push('a random base is initialised by transformers in Python: the same shape and vocabulary, other random weights');
  const scripts = pythonScriptsDir();
  writeFileAtomic(path.join(out, 'train.py'), fs.readFileSync(path.join(scripts, 'train.py')));
  for (const point of options.points ?? []) {
    if (JSON.stringify([point.config.data, point.config.split, point.config.base]) !== JSON.stringify([config.data, config.split, config.base]))
      throw new Error(`sweep point ${point.name} changes the data, split or base; tune.py trains every point on one split and base`);
    writeJsonAtomic(path.join(out, 'points', `${point.name.replace(/[^\w=,.+-]/g, '_')}.json`), pythonExperiment(point.config, base, data).experiment);
  }
  if (options.points?.length) writeFileAtomic(path.join(out, 'tune.py'), fs.readFileSync(path.join(scripts, 'tune.py')));
  return { out, files: listFiles(out), notes };
}

/** The base as train.py loads it: a built-in one copied, a random one as its config and vocabulary. */
function writeBase(config: ExperimentConfig, base: BaseModel, dir: string): void {
  if (config.base.kind === 'builtin') {
    const from = builtinModelDir(config.base.name)!;
    for (const file of fs.readdirSync(from)) writeFileAtomic(path.join(dir, file), fs.readFileSync(path.join(from, file)));
  } else if (config.base.kind === 'random') {
    writeJsonAtomic(path.join(dir, 'config.json'), encoderConfigJson(base.config));
    writeJsonAtomic(path.join(dir, 'tokenizer.json'), base.tokenizer.json);
  }
}
