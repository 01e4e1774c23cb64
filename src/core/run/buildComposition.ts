// The model of a composition or merge run: this experiment's trained adapters loaded (frozen) from their newest
// completed `adapter:<name>` runs, fusion layers for every Fuse (over K-adapters: one, at the heads), and one head
// per output — the head trained with the output's adapter for that task when there is one, else a new head.
import * as path from 'path';
import { type AdapterModule } from '../adapters/modules/module';
import { AdapterLoadError, latestCompletedRun, loadAdapter, loadHead, readFloatTensors } from '../adapters/load';
import { averageAdapters } from '../adapters/average';
import { type EncoderDims, isPrefix } from '../adapters/modules/index';
import { isKAdapter } from '../adapters/modules/kAdapter';
import type { AdapterSpec, CompositionSpec, ExperimentConfig, MergeSpec, TaskSpec } from '../config/types';
import type { SavedModelInfo } from '../io/adapterhub';
import { FUSION_CONFIG_FILE, FUSION_WEIGHTS_FILE, fromFamilyNames, fromTorchLayout, saveAdapter, saveFusion, saveHead, savedModelType } from '../io/adapterhub';
import { writeJsonAtomic } from '../io/atomic';
import type { BertEncoder } from '../model/bert';
import { Classifier } from '../classifier/classifier';
import { ClassificationHead } from '../model/heads';
import { seedFor } from '../model/init';
import { headExtraInputs, kAdapterInputs } from '../parameters/counts';
import { adapterRunName } from './plan';
import { SetupForward } from '../composition/forward';
import { FusionLayer, type FusionSites } from '../composition/fusion';
import { knowledgeFuse } from '../composition/knowledge';
import { AdapterSetup, sitesOf } from '../composition/setup';
import { type SetupNode, adapterNames, blocksOf, fusionName, lastAdapter, parallelBlock } from '../composition/tree';

export interface BuiltComposition {
  model: Classifier;
  /** True when something trains (fusion layers, heads); else the run only evaluates. */
  trains: boolean;
  save(dir: string, info: SavedModelInfo): void;
  dispose(): void;
}

interface Trained {
  module: AdapterModule;
  dir: string; // adapters/<name>/ of the run that trained it: adapter and head files
}

/** The folder of the completed run a composition or merge loads, by run name ("adapter:sentiment"). */
export type RunFinder = (runName: string) => string | undefined;

/** The newest completed run of that name of the experiment (not of its sweep). */
const newestRunOf =
  (config: ExperimentConfig): RunFinder =>
  (runName) =>
    latestCompletedRun(config.runsDir, config.name, runName);

function loadTrained(config: ExperimentConfig, names: string[], dims: EncoderDims, needer: string, findRun: RunFinder): Map<string, Trained> {
  const loaded = new Map<string, Trained>();
  for (const name of names) {
    const spec = config.adapters.find((a) => a.name === name)!;
    const run = findRun(adapterRunName(name));
    if (!run)
      throw new AdapterLoadError(
        `${needer} needs ${adapterRunName(name)}, which has no completed run in ${config.runsDir}: train it first (adapter-lab train <config> --only ${adapterRunName(name)})`,
      );
    const dir = path.join(run, 'adapters', name);
    loaded.set(name, { module: loadAdapter(dir, spec, dims), dir });
  }
  return loaded;
}

/** The adapters a composition run saved in its own folder. */
function loadSaved(config: ExperimentConfig, names: string[], runDir: string, dims: EncoderDims): Map<string, Trained> {
  return new Map(
    names.map((name) => {
      const dir = path.join(runDir, 'adapters', name);
      return [
        name,
        {
          module: loadAdapter(
            dir,
            config.adapters.find((a) => a.name === name)!,
            dims,
          ),
          dir,
        },
      ];
    }),
  );
}

/** The head for `task` on an output: the one saved with an adapter of that output trained for it, else new. */
function headFor(
  output: SetupNode,
  task: TaskSpec,
  labels: string[],
  trained: Map<string, Trained>,
  config: ExperimentConfig,
  hiddenSize: number,
  seed: number,
): ClassificationHead {
  // K-adapters: the head reads d more inputs per K-adapter, so only a head trained on the same inputs is reused; a
  // Fuse over them gives a new input (their fusion), so no head was trained on it.
  const extra = kAdapterInputs(output, config.adapters, hiddenSize);
  const fusesKnowledge = knowledgeFuse(output, (n) => config.adapters.find((a) => a.name === n)?.method === 'k-adapter');
  const candidates = fusesKnowledge ? [] : [lastAdapter(output), ...adapterNames(output)];
  const owner = candidates.find((n) => {
    const spec = config.adapters.find((a) => a.name === n);
    return spec?.task === task.name && headExtraInputs(spec, hiddenSize) === extra;
  });
  if (owner) return loadHead(trained.get(owner)!.dir, task.name, labels, task.pooling, hiddenSize, extra);
  return new ClassificationHead(task.name, labels, task.pooling, hiddenSize, seed, extra);
}

/**
 * `runDir`: rebuild the model a finished composition run saved (its adapters/, fusion/ and heads/ folders) instead
 * of assembling a new one from the adapter runs.
 */
export function buildComposition(
  config: ExperimentConfig,
  spec: CompositionSpec,
  labels: Map<string, string[]>,
  encoder: BertEncoder,
  runDir?: string,
  findRun: RunFinder = newestRunOf(config),
): BuiltComposition {
  const dims: EncoderDims = encoder.config;
  const trained = runDir
    ? loadSaved(config, adapterNames(spec.setup), runDir, dims)
    : loadTrained(config, adapterNames(spec.setup), dims, `composition:${spec.name}`, findRun);
  const modules = new Map([...trained].map(([n, t]) => [n, t.module]));
  // The adapters stay frozen here: prefix tuning runs its flat prefix instead of the MLP (AdapterHub's eject).
  for (const m of modules.values()) if (isPrefix(m)) m.eject();
  const probe = new SetupForward(modules);
  const fusions = new Map<string, FusionLayer>();
  const overKnowledge = knowledgeFuse(spec.setup, (n) => isKAdapter(modules.get(n)!));
  for (const fuse of blocksOf(spec.setup, 'Fuse')) {
    // A Fuse over K-adapters has its one site at the heads; AdapterFusion, one after each block its adapters act at.
    const sites: FusionSites =
      fuse === overKnowledge
        ? 'k-adapters'
        : Array.from({ length: dims.layers }, (_, l) => sitesOf(l))
            .flat()
            .filter((s) => s.kind === 'block' && probe.acts(fuse, s))
            .map((s) => ({ layer: s.layer, position: (s as { position: 'attention' | 'output' }).position }));
    const name = fusionName(fuse);
    const fusion = new FusionLayer(name, spec.fusion, dims.hiddenSize, sites, seedFor(config.seed, `fusion:${name}`));
    if (runDir) {
      const dir = path.join(runDir, 'fusion', name);
      const tensors = fromFamilyNames(readFloatTensors(path.join(dir, FUSION_WEIGHTS_FILE)), savedModelType(path.join(dir, FUSION_CONFIG_FILE)));
      fusion.weights.restore(fromTorchLayout(tensors, fusion.weights));
    }
    fusions.set(name, fusion);
  }
  const outputs = parallelBlock(spec.setup)?.children ?? [spec.setup];
  const taskSpecs = spec.tasks.map((t) => config.tasks.find((s) => s.name === t)!);
  const heads = outputs.map((output, i) => {
    const task = taskSpecs[i];
    const taskLabels = labels.get(task.name) ?? [];
    if (runDir)
      return loadHead(
        path.join(runDir, 'heads', task.name),
        task.name,
        taskLabels,
        task.pooling,
        dims.hiddenSize,
        kAdapterInputs(output, config.adapters, dims.hiddenSize),
      );
    return headFor(output, task, taskLabels, trained, config, dims.hiddenSize, seedFor(config.seed, `head:composition:${spec.name}`));
  });
  const trains = fusions.size > 0 || spec.trainHeads;
  const setup = new AdapterSetup(spec.setup, modules, fusions, dims.layers, { trainAdapters: false, adapterDrop: spec.adapterDrop });
  return {
    model: new Classifier(encoder, heads, setup, false, trains),
    trains,
    save(dir, info) {
      for (const [name, { module }] of trained) saveAdapter(path.join(dir, 'adapters', name), module, info);
      for (const [name, fusion] of fusions) saveFusion(path.join(dir, 'fusion', name), name, spec.fusion, fusion.weights, info);
      for (const h of heads) saveHead(path.join(dir, 'heads', h.name), h.name, h.labels, h.weights, info);
      writeJsonAtomic(path.join(dir, 'adapter_setup.json'), {
        adapter_setup: spec.setupText,
        head_setup: spec.tasks.length === 1 ? spec.tasks[0] : spec.tasks,
      });
    },
    dispose() {
      for (const { module } of trained.values()) module.weights.dispose();
      for (const f of fusions.values()) f.weights.dispose();
      heads.forEach((h) => h.weights.dispose());
    },
  };
}

export function buildMerge(
  config: ExperimentConfig,
  spec: MergeSpec,
  labels: Map<string, string[]>,
  encoder: BertEncoder,
  findRun: RunFinder = newestRunOf(config),
): BuiltComposition {
  const dims: EncoderDims = encoder.config;
  const trained = loadTrained(config, spec.adapters, dims, `merge:${spec.name}`, findRun);
  const first = config.adapters.find((a) => a.name === spec.adapters[0])!;
  const mergedSpec: AdapterSpec = { ...first, name: spec.name, task: spec.task };
  const merged = averageAdapters(
    mergedSpec,
    spec.adapters.map((n) => trained.get(n)!.module),
    spec.weights,
    dims,
  );
  const owner = spec.adapters.find((n) => config.adapters.find((a) => a.name === n)?.task === spec.task)!;
  const task = config.tasks.find((t) => t.name === spec.task)!;
  const head = loadHead(trained.get(owner)!.dir, task.name, labels.get(task.name) ?? [], task.pooling, dims.hiddenSize);
  for (const { module } of trained.values()) module.weights.dispose();
  const setup = AdapterSetup.single(merged, dims.layers);
  return {
    model: new Classifier(encoder, [head], setup, false, false),
    trains: false,
    save(dir, info) {
      const adapterDir = path.join(dir, 'adapters', spec.name);
      saveAdapter(adapterDir, merged, info);
      saveHead(adapterDir, head.name, head.labels, head.weights, info);
      writeJsonAtomic(path.join(dir, 'adapter_setup.json'), {
        adapter_setup: spec.name,
        head_setup: spec.task,
        merged_from: Object.fromEntries(spec.adapters.map((n, i) => [n, spec.weights[i]])),
      });
    },
    dispose() {
      merged.weights.dispose();
      head.weights.dispose();
    },
  };
}
