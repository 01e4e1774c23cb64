// A finished run's folder as the exporters read it: its record, its summary and metrics, and the AdapterHub folders
// it saved (adapters/<name>/, fusion/<a,b>/, heads/<task>/, adapter_setup.json). Files only, no TensorFlow.js.
import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord } from '../../common/runRecord';
import { ADAPTER_CONFIG_FILE } from '../io/adapterhub';
import { readRun } from '../io/runStore';

export class ExportError extends Error {}

export interface SavedAdapter {
  name: string;
  dir: string;
  /** adapter_config.json as written. */
  hubConfig: HubConfigFile;
}

/** AdapterHub's adapter_config.json (`build_full_config`): the method's `config` and the model it belongs to. */
export interface HubConfigFile {
  config: Record<string, unknown> & { architecture?: string };
  hidden_size: number;
  model_class: string;
  model_name: string;
  model_type: string;
  name: string;
  version: string;
  [key: string]: unknown;
}

export interface RunFiles {
  dir: string;
  record: RunRecord;
  adapters: SavedAdapter[];
  /** fusion/<a,b>/ folders, by name. */
  fusions: string[];
  /** heads/<task>/ folders (composition, full and head-only runs), by task. */
  heads: string[];
}

const subfolders = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];

export function readJsonFile<T>(file: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new ExportError(`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The saved folders of a completed run that has adapters; an ExportError says why a run cannot be exported. */
export function readRunFiles(dir: string): RunFiles {
  const record = readRun(dir);
  if (record.status !== 'completed') throw new ExportError(`${dir}: run ${record.name} is ${record.status}; only a completed run can be exported`);
  const adapters = subfolders(path.join(dir, 'adapters')).map((name) => {
    const adapterDir = path.join(dir, 'adapters', name);
    return { name, dir: adapterDir, hubConfig: readJsonFile<HubConfigFile>(path.join(adapterDir, ADAPTER_CONFIG_FILE)) };
  });
  if (adapters.length === 0) throw new ExportError(`${dir}: run ${record.name} saved no adapter (full and head-only runs have nothing to export as adapters)`);
  return { dir, record, adapters, fusions: subfolders(path.join(dir, 'fusion')), heads: subfolders(path.join(dir, 'heads')) };
}

/** The method Adapter Lab trained, read back from AdapterHub's config fields. */
export function methodOfHubConfig(config: HubConfigFile['config']): string {
  switch (config.architecture) {
    case 'bottleneck':
      return config.is_parallel ? 'parallel' : config.mh_adapter ? 'houlsby' : 'pfeiffer';
    case 'lora':
      return config.composition_mode === 'scale' ? 'ia3' : config.init_weights === 'vera' ? 'vera' : 'lora';
    case 'prefix_tuning':
      return 'prefix';
    case 'arc':
      return 'arc';
    default:
      return String(config.architecture);
  }
}
