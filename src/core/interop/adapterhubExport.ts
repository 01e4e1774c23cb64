// `adapter-lab export <run> --to adapterhub`: the run's adapters, heads, fusions and setup as the folders AdapterHub's
// `load_adapter`, `load_head` and `load_adapter_fusion` read, each file name and config field checked against what
// the library expects (test/interop/adapterhubExport.test.ts cites the source lines), and the run's own record in
// adapter_lab/ so `adapter-lab import` brings it back unchanged.
import * as fs from 'fs';
import * as path from 'path';
import {
  ADAPTERS_VERSION,
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  FUSION_CONFIG_FILE,
  FUSION_WEIGHTS_FILE,
  HEAD_CONFIG_FILE,
  HEAD_WEIGHTS_FILE,
} from '../io/adapterhub';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import { METRICS_FILE, RUN_FILE, SUMMARY_FILE } from '../io/runStore';
import { readSafetensorsFile } from '../io/safetensors';
import { modelTypeNames } from './modelTypes';
import { setupAsPython } from './setupSyntax';
import { ExportError, type HubConfigFile, type RunFiles, methodOfHubConfig } from './runFiles';

/** AdapterHub's name of the composition file (adapters/utils.py SETUP_CONFIG_NAME). */
export const SETUP_FILE = 'adapter_setup.json';
/** Where an export keeps the run's own record, read back by `adapter-lab import`. */
export const RUN_RECORD_DIR = 'adapter_lab';

/**
 * The release after which AdapterHub stopped rewriting a LoRA's `alpha` to `r` on loading (`_fix_backward_compat`,
 * adapters PR #770): a file with an older `version` would be loaded with another scale than it was trained with.
 */
export const MIN_ADAPTERS_VERSION = [1, 1, 0] as const;

/** AdapterHub's load filter keeps only tensors under these parts for an adapter name (loading.py, AdapterLoader.filter_func). */
export const ADAPTER_TENSOR_PARTS = ['adapters', 'loras', 'prefix_tunings', 'refts', 'prompt_tunings', 'shared_parameters'] as const;

/** `adapters.1.1.0` → [1, 1, 0]; undefined for a version AdapterHub would not read as its own. */
export function parseAdaptersVersion(version: unknown): number[] | undefined {
  const match = typeof version === 'string' ? /^adapters\.(\d+)\.(\d+)\.(\d+)/.exec(version) : null;
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function versionAtLeast(v: number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

/** The adapter_config.json AdapterHub reads: every field `build_full_config` writes, a version it will not rewrite. */
export function checkedHubConfig(file: HubConfigFile, where: string): HubConfigFile {
  const names = modelTypeNames(file.model_type);
  for (const field of ['config', 'hidden_size', 'model_name', 'model_type', 'name'] as const)
    if (file[field] === undefined) throw new ExportError(`${where}: adapter_config.json has no "${field}"`);
  if (typeof file.config.architecture !== 'string') throw new ExportError(`${where}: adapter_config.json has no config.architecture`);
  const version = parseAdaptersVersion(file.version);
  return {
    ...file,
    model_class: names.adapterModelClass,
    version: version && versionAtLeast(version, MIN_ADAPTERS_VERSION) ? file.version : ADAPTERS_VERSION,
  };
}

/** Throws naming the first tensor AdapterHub's loader would drop for this adapter (its name lacks `.{part}.{adapter}.`). */
export function checkAdapterTensorNames(file: string, adapter: string, prefix: string): void {
  const parts = ADAPTER_TENSOR_PARTS.map((p) => `.${p}.${adapter}.`);
  for (const name of readSafetensorsFile(file).tensors.keys()) {
    if (!name.startsWith(`${prefix}.`) || !parts.some((p) => name.includes(p)))
      throw new ExportError(
        `${file}: tensor "${name}" is not one AdapterHub loads for adapter "${adapter}" (needs ${prefix}.….{adapters|loras|prefix_tunings}.${adapter}.…)`,
      );
  }
}

export interface ExportedFiles {
  out: string;
  /** Paths relative to `out`, sorted. */
  files: string[];
  notes: string[];
}

function copy(from: string, to: string): void {
  writeFileAtomic(to, fs.readFileSync(from));
}

/** Copies the files present of `names` from one folder to another; returns the ones copied. */
function copyFiles(fromDir: string, toDir: string, names: readonly string[]): string[] {
  const copied = names.filter((n) => fs.existsSync(path.join(fromDir, n)));
  for (const n of copied) copy(path.join(fromDir, n), path.join(toDir, n));
  return copied;
}

/** Writes the AdapterHub export of a run; refuses ARC (AdapterHub has no such method: the caller merges it into the base). */
export function exportAdapterHub(run: RunFiles, out: string): ExportedFiles {
  const notes: string[] = [];
  for (const adapter of run.adapters) {
    const method = methodOfHubConfig(adapter.hubConfig.config);
    if (method === 'arc') throw new ExportError(`adapter "${adapter.name}" is ARC, which AdapterHub does not have; it is exported merged into the base`);
    const where = path.join(adapter.dir, ADAPTER_CONFIG_FILE);
    const config = checkedHubConfig(adapter.hubConfig, where);
    checkAdapterTensorNames(path.join(adapter.dir, ADAPTER_WEIGHTS_FILE), adapter.name, modelTypeNames(config.model_type).encoderPrefix);
    const dir = path.join(out, 'adapters', adapter.name);
    writeJsonAtomic(path.join(dir, ADAPTER_CONFIG_FILE), config);
    copyFiles(adapter.dir, dir, [ADAPTER_WEIGHTS_FILE, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE]);
  }
  for (const fusion of run.fusions)
    copyFiles(path.join(run.dir, 'fusion', fusion), path.join(out, 'fusion', fusion), [FUSION_CONFIG_FILE, FUSION_WEIGHTS_FILE]);
  for (const head of run.heads) copyFiles(path.join(run.dir, 'heads', head), path.join(out, 'heads', head), [HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE]);
  copyFiles(run.dir, out, [SETUP_FILE]);
  copyFiles(run.dir, path.join(out, RUN_RECORD_DIR), [RUN_FILE, SUMMARY_FILE, METRICS_FILE]);
  const meanPooled = meanPooledTasks(run);
  if (meanPooled.length)
    notes.push(
      `task ${meanPooled.join(', ')} pooled the mean of the tokens here; AdapterHub's classification head reads the first token ([CLS]), so its head gives other outputs in Python until retrained there`,
    );
  writeFileAtomic(path.join(out, 'README.md'), adapterHubReadme(run));
  return { out, files: listFiles(out), notes };
}

/** Tasks of the run whose head pooled the mean (AdapterHub's and HF's heads read [CLS]). */
export function meanPooledTasks(run: RunFiles): string[] {
  const tasks = (run.record.config as { tasks?: { name: string; pooling?: string }[] }).tasks ?? [];
  return tasks.filter((t) => run.record.tasks.includes(t.name) && t.pooling === 'mean').map((t) => t.name);
}

export function listFiles(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]))
    .sort();
}

function adapterHubReadme(run: RunFiles): string {
  const setup = fs.existsSync(path.join(run.dir, SETUP_FILE))
    ? (JSON.parse(fs.readFileSync(path.join(run.dir, SETUP_FILE), 'utf8')) as { adapter_setup: unknown; head_setup: unknown })
    : undefined;
  const [first] = run.adapters;
  const modelClass = modelTypeNames(first.hubConfig.model_type).adapterModelClass;
  const lines = [
    `# ${run.record.name} (${run.record.experiment}), exported by Adapter Lab for AdapterHub \`adapters\``,
    '',
    '```python',
    `from adapters import ${modelClass}`,
    'from adapters.composition import Average, BatchSplit, Fuse, Parallel, Split, Stack',
    `model = ${modelClass}.from_pretrained("<the base model: ${first.hubConfig.model_name}>")`,
    ...run.adapters.map((a) => `model.load_adapter("adapters/${a.name}", use_safetensors=True)  # loads its head too when it has one`),
    ...run.fusions.map((f) => `model.load_adapter_fusion("fusion/${f}", use_safetensors=True)`),
    ...run.heads.map((h) => `model.load_head("heads/${h}", use_safetensors=True)`),
    ...(typeof setup?.adapter_setup === 'string' ? [`model.set_active_adapters(${setupAsPython(setup.adapter_setup)})  # adapter_setup.json`] : []),
    '```',
    '',
    'adapter_lab/ holds the run record; `adapter-lab import <this folder>` brings the run back.',
    '',
  ];
  return lines.join('\n');
}
