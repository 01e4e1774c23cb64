// `adapter-lab import <folder>`: adapters trained elsewhere (AdapterHub's `save_adapter` layout, or PEFT's
// `save_pretrained`), or exported from here and trained on, brought back as a run folder the Runs view and
// `adapter-lab compare` show. An export of this tool carries its run record in adapter_lab/: that record, its
// metrics and its weights come back byte for byte. A folder from Python gets a record built from its files and,
// when train.py wrote one, its results.json.
import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord, RunSummary } from '../../common/runRecord';
import type { TaskMetrics } from '../../common/events';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, ADAPTERS_VERSION, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE, headConfigJson } from '../io/adapterhub';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic';
import { METRICS_FILE, RUN_FILE, SUMMARY_FILE, folderBytes, machineInfo, newRunId, writeRun, writeSummary } from '../io/runStore';
import { type TensorToWrite, readSafetensorsFile, writeSafetensorsFile } from '../io/safetensors';
import { familyOf } from '../io/hfFamilies';
import { RUN_RECORD_DIR, SETUP_FILE, listFiles } from './adapterhubExport';
import { type ClassifierNames, modelTypeNames, modelTypeOfModule } from './modelTypes';
import { HUB_CONFIG_COPY, PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE } from './peftExport';
import { ExportError, type HubConfigFile, methodOfHubConfig, readJsonFile } from './runFiles';

export type ImportFormat = 'adapterhub' | 'peft';

/** What train.py writes after training: metrics per task on each split, and how long it took. */
export const RESULTS_FILE = 'results.json';

export interface ImportResult {
  runDir: string;
  format: ImportFormat;
  /** The run record came from an Adapter Lab export (adapter_lab/run.json). */
  restored: boolean;
  files: string[];
}

export function detectFormat(folder: string): ImportFormat {
  if (fs.existsSync(path.join(folder, PEFT_WEIGHTS_FILE))) return 'peft';
  if (fs.existsSync(path.join(folder, 'adapters')) || fs.existsSync(path.join(folder, ADAPTER_CONFIG_FILE))) return 'adapterhub';
  throw new ExportError(
    `${folder}: neither a PEFT folder (${PEFT_WEIGHTS_FILE} + ${PEFT_CONFIG_FILE}) nor an AdapterHub one (${ADAPTER_CONFIG_FILE} + ${ADAPTER_WEIGHTS_FILE}, or adapters/<name>/)`,
  );
}

const copyFile = (from: string, to: string) => writeFileAtomic(to, fs.readFileSync(from));

function copyTree(from: string, to: string): void {
  for (const file of listFiles(from)) copyFile(path.join(from, file), path.join(to, file));
}

/** A run id not yet taken in the runs folder: the exported one when free (so a round trip is exact), else a new one. */
function freeRunId(runsDir: string, wanted: string | undefined, experiment: string, name: string): string {
  if (wanted && !fs.existsSync(path.join(runsDir, wanted))) return wanted;
  return newRunId(experiment, `imported-${name}`);
}

export function importFolder(folder: string, runsDir: string, options: { name?: string } = {}): ImportResult {
  const format = detectFormat(folder);
  const recordDir = path.join(folder, RUN_RECORD_DIR);
  const exported = fs.existsSync(path.join(recordDir, RUN_FILE)) ? readJsonFile<RunRecord>(path.join(recordDir, RUN_FILE)) : undefined;
  const hubCopy = fs.existsSync(path.join(recordDir, HUB_CONFIG_COPY)) ? readJsonFile<HubConfigFile>(path.join(recordDir, HUB_CONFIG_COPY)) : undefined;
  const adapterName = options.name ?? hubCopy?.name ?? singleAdapterName(folder) ?? path.basename(path.resolve(folder));
  const id = freeRunId(runsDir, exported?.id, exported?.experiment ?? 'imported', adapterName);
  const runDir = path.join(runsDir, id);
  if (format === 'adapterhub') importAdapterHub(folder, runDir);
  else importPeft(folder, runDir, adapterName, hubCopy);
  if (exported) {
    writeRun(runDir, { ...exported, id });
    for (const file of [SUMMARY_FILE, METRICS_FILE])
      if (fs.existsSync(path.join(recordDir, file))) copyFile(path.join(recordDir, file), path.join(runDir, file));
  } else {
    writeForeignRecord(folder, runDir, id, format, adapterName);
  }
  return { runDir, format, restored: Boolean(exported), files: listFiles(runDir) };
}

/** The adapter of a folder saved by `save_adapter` itself (adapter_config.json at the top), if it is one. */
function singleAdapterName(folder: string): string | undefined {
  const file = path.join(folder, ADAPTER_CONFIG_FILE);
  if (!fs.existsSync(file)) return undefined;
  const config = readJsonFile<Partial<HubConfigFile> & { peft_type?: string }>(file);
  return config.peft_type ? undefined : config.name;
}

function importAdapterHub(folder: string, runDir: string): void {
  if (fs.existsSync(path.join(folder, 'adapters'))) {
    for (const sub of ['adapters', 'fusion', 'heads']) if (fs.existsSync(path.join(folder, sub))) copyTree(path.join(folder, sub), path.join(runDir, sub));
    if (fs.existsSync(path.join(folder, SETUP_FILE))) copyFile(path.join(folder, SETUP_FILE), path.join(runDir, SETUP_FILE));
    return;
  }
  // One adapter saved by AdapterHub's save_adapter: its folder becomes adapters/<name>/.
  const config = readJsonFile<HubConfigFile>(path.join(folder, ADAPTER_CONFIG_FILE));
  const dir = path.join(runDir, 'adapters', config.name);
  for (const file of [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE])
    if (fs.existsSync(path.join(folder, file))) copyFile(path.join(folder, file), path.join(dir, file));
  if (!fs.existsSync(path.join(dir, ADAPTER_WEIGHTS_FILE)))
    throw new ExportError(`${folder}: has no ${ADAPTER_WEIGHTS_FILE} (a pytorch_adapter.bin is pickle; save it again with use_safetensors=True)`);
  writeJsonAtomic(path.join(runDir, SETUP_FILE), { adapter_setup: config.name, head_setup: headName(dir) ?? null });
}

const headName = (dir: string): string | undefined =>
  fs.existsSync(path.join(dir, HEAD_CONFIG_FILE)) ? readJsonFile<{ name: string }>(path.join(dir, HEAD_CONFIG_FILE)).name : undefined;

interface PeftConfig {
  peft_type: string;
  r?: number;
  lora_alpha?: number;
  base_model_name_or_path?: string;
  num_virtual_tokens?: number;
  encoder_hidden_size?: number;
  num_layers?: number;
  token_dim?: number;
}

function importPeft(folder: string, runDir: string, name: string, hubCopy: HubConfigFile | undefined): void {
  const peft = readJsonFile<PeftConfig>(path.join(folder, PEFT_CONFIG_FILE));
  const tensors = readSafetensorsFile(path.join(folder, PEFT_WEIGHTS_FILE)).tensors;
  const modelType = hubCopy?.model_type ?? peftModelType(tensors.keys());
  const names = modelTypeNames(modelType);
  const adapter: Record<string, TensorToWrite> = {};
  const head = new Map<string, { shape: number[]; data: Float32Array }>();
  const modules = new Set<string>();
  for (const [key, t] of tensors) {
    const data = t.data as Float32Array;
    const module = /^base_model\.(?:model\.)?(.*)\.(?:lora_[AB]\.weight|ia3_l)$/.exec(key)?.[1];
    if (key === 'prompt_embeddings') {
      adapter[`${names.encoderPrefix}.prefix_tuning.prefix_tunings.${name}.self_prefix.control_trans`] = { dtype: 'F32', shape: [data.length], data };
    } else if (module && key.endsWith('.ia3_l')) {
      modules.add(module);
      adapter[`${module}.loras.${name}.lora_B`] = { dtype: 'F32', shape: [data.length, 1], data };
    } else if (module) {
      modules.add(module);
      adapter[`${module}.loras.${name}.${key.includes('.lora_A.') ? 'lora_A' : 'lora_B'}`] = { dtype: 'F32', shape: t.shape, data };
    } else {
      head.set(key.replace(/^base_model\.(model\.)?/, ''), { shape: t.shape, data });
    }
  }
  if (Object.keys(adapter).length === 0) throw new ExportError(`${folder}: ${PEFT_WEIGHTS_FILE} holds no LoRA, IA³ or prefix-tuning tensor Adapter Lab reads`);
  const hub = hubCopy ? { ...hubCopy, name } : peftAsHubConfig(peft, name, modules, modelType, peftBaseShape(folder, peft, tensors));
  if (peft.peft_type === 'IA3') hub.config = { ...hub.config, alpha: 1 }; // the vectors hold alpha already (export folded it in)
  if (peft.peft_type === 'PREFIX_TUNING') hub.config = { ...hub.config, flat: true };
  const dir = path.join(runDir, 'adapters', name);
  writeJsonAtomic(path.join(dir, ADAPTER_CONFIG_FILE), hub);
  writeSafetensorsFile(path.join(dir, ADAPTER_WEIGHTS_FILE), adapter, { format: 'pt' });
  const task = writePeftHead(folder, dir, head, names.head, hub);
  writeJsonAtomic(path.join(runDir, SETUP_FILE), { adapter_setup: name, head_setup: task ?? null });
}

/** The model type whose module names a PEFT adapter's keys use (BERT when its keys name no encoder module: a prefix). */
function peftModelType(keys: Iterable<string>): string {
  for (const key of keys) {
    const type = modelTypeOfModule(key.replace(/^base_model\.(model\.)?/, ''));
    if (type) return type;
  }
  return 'bert';
}

/** modules_to_save of HF's head (BERT: pooler and classifier) back as our two-layer head; returns the task name, if there was a head. */
function writePeftHead(
  folder: string,
  dir: string,
  head: Map<string, { shape: number[]; data: Float32Array }>,
  modules: ClassifierNames,
  hub: HubConfigFile,
): string | undefined {
  const classifier = head.get(`${modules.classifier}.weight`);
  if (!classifier) return undefined;
  const copied = path.join(folder, RUN_RECORD_DIR, HEAD_CONFIG_FILE);
  const headConfig = fs.existsSync(copied)
    ? readJsonFile<{ name: string }>(copied)
    : (headConfigJson(
        'task',
        Array.from({ length: classifier.shape[0] }, (_, i) => String(i)),
        { modelName: hub.model_name, hiddenSize: hub.hidden_size },
      ) as { name: string });
  const tensors: Record<string, TensorToWrite> = {};
  for (const [layer, module] of [
    [1, modules.dense],
    [4, modules.classifier],
  ] as const) {
    for (const part of ['weight', 'bias']) {
      const t = head.get(`${module}.${part}`);
      if (!t) throw new ExportError(`${folder}: the head has ${modules.classifier}.weight but no ${module}.${part}`);
      tensors[`heads.${headConfig.name}.${layer}.${part}`] = { dtype: 'F32', shape: t.shape, data: t.data };
    }
  }
  if (fs.existsSync(copied)) copyFile(copied, path.join(dir, HEAD_CONFIG_FILE));
  else writeJsonAtomic(path.join(dir, HEAD_CONFIG_FILE), headConfig);
  writeSafetensorsFile(path.join(dir, HEAD_WEIGHTS_FILE), tensors, { format: 'pt' });
  return headConfig.name;
}

/**
 * Layers and width of the base a PEFT adapter belongs to: its config.json when base_model_name_or_path is a folder
 * (beside the adapter, as an export puts it, or anywhere), else what the adapter's own tensors say.
 */
function peftBaseShape(folder: string, peft: PeftConfig, tensors: ReadonlyMap<string, { shape: number[] }>): { layers?: number; hiddenSize: number } {
  const base = peft.base_model_name_or_path;
  const configFile = base ? [path.join(folder, base, 'config.json'), path.resolve(base, 'config.json')].find((f) => fs.existsSync(f)) : undefined;
  if (configFile) {
    // DistilBERT's config.json says n_layers and dim.
    const c = readJsonFile<{ num_hidden_layers?: number; hidden_size?: number; n_layers?: number; dim?: number }>(configFile);
    return { layers: c.num_hidden_layers ?? c.n_layers, hiddenSize: c.hidden_size ?? c.dim ?? 0 };
  }
  // lora_A [r, in] of an attention projection (BERT's attention.self.query, DistilBERT's attention.q_lin, …) is [r, d].
  const attention = [...tensors].find(([k]) => /attention\.(self\.\w+|[qkv]_lin)\.lora_A\.weight$/.test(k));
  return { layers: peft.num_layers, hiddenSize: peft.token_dim ?? attention?.[1].shape[1] ?? 0 };
}

/** AdapterHub's config of a PEFT adapter trained elsewhere (its adapted modules read from the tensor names). */
function peftAsHubConfig(
  peft: PeftConfig,
  name: string,
  modules: Set<string>,
  modelType: string,
  base: { layers?: number; hiddenSize: number },
): HubConfigFile {
  // Module names as ours (BERT's), whatever the family calls them.
  const family = familyOf(modelType);
  const ours = [...modules].map((m) => (family ? family.fromFamilyName(`${m}.weight`).replace(/\.weight$/, '') : m));
  const inLayer = ours.map((m) => m.replace(/^.*\.layer\.\d+\./, ''));
  const layers = ours.map((m) => Number(/\.layer\.(\d+)\./.exec(m)?.[1]));
  const allLayers = base.layers ?? Math.max(-1, ...layers) + 1;
  const attn = (['q', 'k', 'v'] as const).filter((m) => inLayer.includes(`attention.self.${{ q: 'query', k: 'key', v: 'value' }[m]}`));
  const leaveOut = Array.from({ length: allLayers }, (_, i) => i).filter((i) => !layers.includes(i));
  const lowRank = (ia3: boolean) => ({
    architecture: 'lora',
    selfattn_lora: attn.length > 0,
    intermediate_lora: inLayer.includes('intermediate.dense'),
    output_lora: inLayer.includes('output.dense'),
    attn_matrices: attn,
    r: ia3 ? 1 : peft.r,
    alpha: ia3 ? 1 : peft.lora_alpha,
    dropout: 0,
    composition_mode: ia3 ? 'scale' : 'add',
    init_weights: ia3 ? 'ia3' : 'lora',
    use_gating: false,
    leave_out: leaveOut,
  });
  let config: HubConfigFile['config'];
  if (peft.peft_type === 'LORA') config = lowRank(false);
  else if (peft.peft_type === 'IA3') config = lowRank(true);
  else if (peft.peft_type === 'PREFIX_TUNING')
    config = {
      architecture: 'prefix_tuning',
      encoder_prefix: true,
      cross_prefix: true,
      leave_out: [],
      flat: true,
      prefix_length: peft.num_virtual_tokens,
      bottleneck_size: peft.encoder_hidden_size ?? peft.token_dim,
      non_linearity: 'tanh',
      dropout: 0,
      use_gating: false,
      shared_gating: true,
    };
  else throw new ExportError(`PEFT type ${peft.peft_type} is not one Adapter Lab has (LORA, IA3, PREFIX_TUNING)`);
  return {
    config,
    hidden_size: base.hiddenSize,
    model_class: modelTypeNames(modelType).adapterModelClass,
    model_name: peft.base_model_name_or_path ?? 'unknown',
    model_type: modelType,
    name,
    version: ADAPTERS_VERSION,
  };
}

/** The record of a run trained outside Adapter Lab: what its files say, and its results.json when there is one. */
function writeForeignRecord(folder: string, runDir: string, id: string, format: ImportFormat, adapterName: string): void {
  const adapters = fs.existsSync(path.join(runDir, 'adapters')) ? fs.readdirSync(path.join(runDir, 'adapters')).sort() : [];
  const hub = adapters.map((a) => readJsonFile<HubConfigFile>(path.join(runDir, 'adapters', a, ADAPTER_CONFIG_FILE)));
  const tasks = [
    ...new Set(
      adapters
        .map((a) => headName(path.join(runDir, 'adapters', a)))
        .concat(fs.existsSync(path.join(runDir, 'heads')) ? fs.readdirSync(path.join(runDir, 'heads')) : []),
    ),
  ].filter((t): t is string => Boolean(t));
  const results = fs.existsSync(path.join(folder, RESULTS_FILE)) ? readJsonFile<PythonResults>(path.join(folder, RESULTS_FILE)) : undefined;
  const now = new Date().toISOString();
  const name = adapters.length === 1 ? `adapter:${adapters[0]}` : `imported:${adapterName}`;
  const record: RunRecord = {
    id,
    experiment: results?.experiment ?? 'imported',
    name,
    type: adapters.length === 1 ? 'adapter' : 'composition',
    tasks,
    status: 'completed',
    configFile: path.basename(path.resolve(folder)),
    config: {
      imported: { format, from: path.basename(path.resolve(folder)) },
      adapters: hub.map((h) => ({ name: h.name, method: methodOfHubConfig(h.config), base: h.model_name })),
      tasks: tasks.map((t) => ({ name: t })),
    },
    backend: results ? 'python' : undefined,
    machine: machineInfo(),
    createdAt: now,
    finishedAt: now,
  };
  writeRun(runDir, record);
  if (results) writeSummary(runDir, summaryOfResults(record, results, folderBytes(path.join(runDir, 'adapters'))));
}

/** results.json of train.py: metrics per task, and the Trainer's own counts and timings. */
export interface PythonResults {
  experiment: string;
  test: Record<string, TaskMetrics>;
  validation: Record<string, TaskMetrics>;
  trainableParams: number;
  totalParams: number;
  steps: number;
  bestEpoch: number;
  trainSeconds: number;
  evalSecondsPerExample: number;
}

function summaryOfResults(record: RunRecord, r: PythonResults, bytes: number): RunSummary {
  return {
    id: record.id,
    name: record.name,
    type: record.type as RunSummary['type'],
    status: 'completed',
    backend: 'python',
    base: String((record.config as { adapters: { base: string }[] }).adapters[0]?.base ?? ''),
    test: r.test,
    validation: r.validation,
    bestEpoch: r.bestEpoch,
    steps: r.steps,
    totalParams: r.totalParams,
    trainableParams: r.trainableParams,
    trainablePercent: (100 * r.trainableParams) / r.totalParams,
    bytesOnDisk: bytes,
    bytesPerTask: Object.fromEntries(record.tasks.map((t) => [t, bytes])),
    msPerStep: r.steps ? (1000 * r.trainSeconds) / r.steps : 0,
    inferenceMsPerExample: 1000 * r.evalSecondsPerExample,
    paddingShare: 0, // train.py pads each batch to its longest row and does not measure it
    wallMs: 1000 * r.trainSeconds,
  };
}
