// Run folders as a trainer writes them (the real save functions on real adapter modules), with every weight set to
// distinct values so a swapped, transposed or dropped tensor shows.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAdapter } from '../../src/core/adapters/modules/index';
import type { AdapterSpec } from '../../src/core/config/types';
import { saveAdapter, saveFusion, saveHead } from '../../src/core/io/adapterhub';
import { writeJsonAtomic } from '../../src/core/io/atomic';
import { appendMetric, machineInfo, writeRun, writeSummary } from '../../src/core/io/runStore';
import { type ReadTensor, readSafetensorsFile, writeSafetensorsFile } from '../../src/core/io/safetensors';
import type { RunRecord, RunSummary } from '../../src/common/runRecord';
import { Weights } from '../../src/core/model/weights';
import { TINY } from '../helpers/tiny';

/** The export options of a base shaped like TINY, saved as `base/`. */
export const BASE = { layers: TINY.layers, heads: TINY.heads, hiddenSize: TINY.hiddenSize, nameOrPath: 'base' };

/** A LoRA spec (r 2, alpha 4 on query and value) with `over` applied: the exports' usual adapter. */
export function lowRank(over: Partial<AdapterSpec> = {}): AdapterSpec {
  return {
    name: 'lo',
    method: 'lora',
    task: 't',
    leaveOut: [],
    r: 2,
    alpha: 4,
    attnMatrices: ['q', 'v'],
    intermediateLora: false,
    outputLora: false,
    ...over,
  } as AdapterSpec;
}

export const INFO = { modelName: 'adapter-lab/lab-base', hiddenSize: TINY.hiddenSize };
export const LABELS = ['negative', 'positive'];

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'interop-'));
}

/** Rewrites a safetensors file with the same names and shapes and values 0.01·(k+1)·(−1)^k, k counting over the file. */
export function distinctValues(file: string): void {
  let k = 0;
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of readSafetensorsFile(file).tensors) {
    tensors[name] = { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.data as Float32Array, () => 0.01 * ++k * (k % 2 ? 1 : -1)) };
  }
  writeSafetensorsFile(file, tensors, { format: 'pt' });
}

export function tensorsOf(file: string): Map<string, ReadTensor> {
  return readSafetensorsFile(file).tensors;
}

function head(dir: string, task: string, info = INFO): void {
  const d = TINY.hiddenSize;
  const weights = new Weights(
    new Map([
      [`heads.${task}.1.weight`, { shape: [d, d], data: new Float32Array(d * d) }],
      [`heads.${task}.1.bias`, { shape: [d], data: new Float32Array(d) }],
      [`heads.${task}.4.weight`, { shape: [d, LABELS.length], data: new Float32Array(d * LABELS.length) }],
      [`heads.${task}.4.bias`, { shape: [LABELS.length], data: new Float32Array(LABELS.length) }],
    ]),
  );
  saveHead(dir, task, LABELS, weights, info);
  weights.dispose();
  distinctValues(path.join(dir, 'model_head.safetensors'));
}

function record(name: string, type: RunRecord['type'], pooling = 'cls'): RunRecord {
  return {
    id: `2026-12-06T00-00-00-e-${name.replace(':', '-')}`,
    experiment: 'e',
    name,
    type,
    tasks: ['t'],
    status: 'completed',
    configFile: 'e.adapterlab.json',
    config: { name: 'e', base: { kind: 'builtin', name: 'lab-base' }, tasks: [{ name: 't', pooling }] },
    machine: machineInfo(),
    createdAt: '2026-12-06T00:00:00.000Z',
  };
}

function runExtras(runDir: string, r: RunRecord): void {
  writeRun(runDir, r);
  const metrics = { accuracy: 0.75, macroF1: 0.7, loss: 0.5, count: 40 };
  writeSummary(runDir, { id: r.id, name: r.name, type: r.type, test: { t: metrics }, validation: { t: metrics } } as unknown as RunSummary);
  appendMetric(runDir, { kind: 'progress', step: 1, totalSteps: 2, epoch: 0.5 } as never);
}

/**
 * An adapter run of one adapter: adapters/<name>/ with its head, adapter_setup.json, run.json, summary, metrics;
 * its files under the names of `modelType`'s family (BERT by default).
 */
export function adapterRun(root: string, spec: AdapterSpec, pooling = 'cls', modelType?: string): string {
  const info = { ...INFO, modelType };
  const r = record(`adapter:${spec.name}`, 'adapter', pooling);
  const runDir = path.join(root, r.id);
  const module = createAdapter(spec, TINY, 7);
  const dir = path.join(runDir, 'adapters', spec.name);
  saveAdapter(dir, module, info);
  module.weights.dispose();
  distinctValues(path.join(dir, 'adapter.safetensors'));
  head(dir, 't', info);
  writeJsonAtomic(path.join(runDir, 'adapter_setup.json'), { adapter_setup: spec.name, head_setup: 't' });
  runExtras(runDir, r);
  return runDir;
}

/** A Fuse composition run: two adapters, their fusion layer, the head under heads/, the setup. */
export function fuseRun(root: string, a: AdapterSpec, b: AdapterSpec): string {
  const r = record('composition:fuse', 'composition');
  const runDir = path.join(root, r.id);
  for (const spec of [a, b]) {
    const module = createAdapter(spec, TINY, 7);
    saveAdapter(path.join(runDir, 'adapters', spec.name), module, INFO);
    module.weights.dispose();
  }
  const d = TINY.hiddenSize;
  const fusionName = `${a.name},${b.name}`;
  const fusion = new Weights(
    new Map(
      ['query', 'key', 'value'].map((m) => [
        `bert.encoder.layer.0.output.adapter_fusion_layer.${fusionName}.${m}.weight`,
        { shape: [d, d], data: new Float32Array(d * d) },
      ]),
    ),
  );
  saveFusion(path.join(runDir, 'fusion', fusionName), fusionName, { temperature: false, regularization: true, valueInitialized: true }, fusion, INFO);
  fusion.dispose();
  head(path.join(runDir, 'heads', 't'), 't');
  writeJsonAtomic(path.join(runDir, 'adapter_setup.json'), { adapter_setup: `Fuse(${a.name}, ${b.name})`, head_setup: 't' });
  runExtras(runDir, r);
  return runDir;
}

/** Every file under a folder, path → bytes. */
export function filesOf(dir: string, base = dir): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) for (const [k, v] of filesOf(p, base)) out.set(k, v);
    else out.set(path.relative(base, p), fs.readFileSync(p));
  }
  return out;
}
