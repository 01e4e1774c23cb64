// Trained adapters and heads back from run folders (AdapterHub layout), for compositions, merges and AdapterDrop
// evaluation. Every mismatch with the config (missing folder, other shapes, other labels) is an error that says
// which run to train again.
import * as fs from 'fs';
import * as path from 'path';
import type { AdapterSpec, Pooling } from '../config/types';
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  HEAD_CONFIG_FILE,
  HEAD_WEIGHTS_FILE,
  fromFamilyNames,
  fromTorchLayout,
  savedModelType,
} from '../io/adapterhub';
import { listRuns } from '../io/runStore';
import { SafetensorsError } from '../io/safetensors';
import { readWeightsFile } from '../io/weightsFile';
import { ClassificationHead } from '../model/heads';
import type { AdapterModule } from './modules/module';
import { type EncoderDims, createAdapter } from './modules/index';

export type FloatTensors = Map<string, { shape: number[]; data: Float32Array }>;

export class AdapterLoadError extends Error {}

/** The newest completed run of `runName` (e.g. "adapter:sentiment") of this experiment, not of its sweep, or undefined. */
export function latestCompletedRun(runsDir: string, experiment: string, runName: string): string | undefined {
  return listRuns(runsDir).runs.find(
    (r) => r.record.experiment === experiment && r.record.name === runName && r.record.status === 'completed' && !r.record.sweep,
  )?.dir;
}

/** The newest completed run of a sweep with that key, or undefined. */
export function completedSweepRun(runsDir: string, experiment: string, key: string): string | undefined {
  return listRuns(runsDir).runs.find((r) => r.record.experiment === experiment && r.record.sweep?.key === key && r.record.status === 'completed')?.dir;
}

/** F32 weights of an adapter, head or fusion file; a missing, damaged or non-finite file is an AdapterLoadError naming it. */
export function readFloatTensors(file: string): FloatTensors {
  let tensors;
  try {
    tensors = readWeightsFile(file).tensors;
  } catch (e) {
    if (e instanceof SafetensorsError) throw new AdapterLoadError(e.message);
    throw e;
  }
  const out: FloatTensors = new Map();
  for (const [name, t] of tensors) {
    if (t.dtype !== 'F32') throw new AdapterLoadError(`${file}: tensor "${name}" is ${t.dtype}; Adapter Lab reads F32 weights`);
    out.set(name, { shape: t.shape, data: t.data as Float32Array });
  }
  return out;
}

/** An adapter as the config describes it, with the weights saved in `dir` (adapters/<name>/ of a run). */
export function loadAdapter(dir: string, spec: AdapterSpec, dims: EncoderDims): AdapterModule {
  const file = path.join(dir, ADAPTER_WEIGHTS_FILE);
  if (!fs.existsSync(file)) throw new AdapterLoadError(`${file} is missing: the run that trained adapter "${spec.name}" saved no weights`);
  // A damaged file is its own error, not a change of config; names back from the base's model type to ours.
  const tensors = fromFamilyNames(readFloatTensors(file), savedModelType(path.join(dir, ADAPTER_CONFIG_FILE)));
  const module = createAdapter(spec, dims, 0);
  try {
    module.importTensors(tensors);
  } catch (e) {
    module.weights.dispose();
    throw new AdapterLoadError(
      `${file} does not match adapter "${spec.name}" as configured (${e instanceof Error ? e.message : e}); the config changed since it was trained: train adapter:${spec.name} again`,
    );
  }
  return module;
}

/** The classification head saved in `dir` beside an adapter (or in heads/<task>/), checked against the labels. */
/** `extraInputs`: what the head reads besides the base's d (K-adapter outputs). */
export function loadHead(dir: string, task: string, labels: string[], pooling: Pooling, hiddenSize: number, extraInputs = 0): ClassificationHead {
  const configFile = path.join(dir, HEAD_CONFIG_FILE);
  if (!fs.existsSync(configFile)) throw new AdapterLoadError(`${configFile} is missing: no head for task "${task}" was saved there`);
  const saved = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { name?: string; config?: { label2id?: Record<string, number> } };
  const savedLabels = Object.entries(saved.config?.label2id ?? {})
    .sort((a, b) => a[1] - b[1])
    .map(([l]) => l);
  if (savedLabels.join('\u0000') !== labels.join('\u0000')) {
    throw new AdapterLoadError(
      `${configFile}: the head was trained for labels ${JSON.stringify(savedLabels)}, but task "${task}" now has ${JSON.stringify(labels)}`,
    );
  }
  const tensors = readFloatTensors(path.join(dir, HEAD_WEIGHTS_FILE));
  const head = new ClassificationHead(saved.name ?? task, labels, pooling, hiddenSize, 0, extraInputs);
  try {
    head.weights.restore(fromTorchLayout(tensors, head.weights));
  } catch (e) {
    head.weights.dispose();
    throw new AdapterLoadError(`${path.join(dir, HEAD_WEIGHTS_FILE)}: ${e instanceof Error ? e.message : e}`);
  }
  return head;
}
