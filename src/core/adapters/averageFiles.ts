// Parameter averaging on saved adapter folders (AdapterHub layout), without a config or a model: the folders must
// hold adapters with the same config; the result is a new folder Σ wᵢ·θᵢ under a new name. The adapter's name is
// the segment after `adapters.` (bottleneck), `loras.` (LoRA, IA³) or `arc.` (ARC) in every tensor name.
import * as fs from 'fs';
import * as path from 'path';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE } from '../io/adapterhub';
import { writeJsonAtomic } from '../io/atomic';
import { writeSafetensorsFile } from '../io/safetensors';
import { AdapterLoadError, readFloatTensors } from './load';
import { checkSameTensors } from './sameTensors';

interface SavedAdapter {
  dir: string;
  name: string;
  json: Record<string, unknown> & { name: string; config: Record<string, unknown> };
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The tensor name with the adapter's name segment replaced. */
export function renameAdapterTensor(tensor: string, from: string, to: string): string {
  return tensor.replace(new RegExp(`\\.(adapters|loras|arc)\\.${escape(from)}\\.`), `.$1.${to}.`);
}

function readSaved(dir: string): SavedAdapter {
  const configFile = path.join(dir, ADAPTER_CONFIG_FILE);
  if (!fs.existsSync(configFile)) throw new AdapterLoadError(`${dir}: no ${ADAPTER_CONFIG_FILE}; give adapter folders (adapters/<name>/ in a run folder)`);
  let json;
  try {
    json = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch (e) {
    throw new AdapterLoadError(`${configFile}: cannot read it as JSON (${e instanceof Error ? e.message : e})`);
  }
  if (typeof json?.name !== 'string' || typeof json?.config !== 'object')
    throw new AdapterLoadError(`${configFile}: not an AdapterHub adapter config (needs "name" and "config")`);
  return { dir, name: json.name, json, tensors: readFloatTensors(path.join(dir, ADAPTER_WEIGHTS_FILE)) };
}

/** Averages the adapters in `dirs` with `weights` into `outDir` as adapter `name`; copies the first folder's head, if any. */
export function mergeAdapterFolders(dirs: string[], weights: number[], name: string, outDir: string): { tensors: number; head: boolean } {
  if (dirs.length < 2) throw new AdapterLoadError('give at least two adapter folders to merge');
  if (weights.length !== dirs.length) throw new AdapterLoadError(`${weights.length} weight(s) for ${dirs.length} adapters: give one per adapter`);
  const saved = dirs.map(readSaved);
  const [first] = saved;
  for (const other of saved.slice(1)) {
    for (const key of new Set([...Object.keys(first.json.config), ...Object.keys(other.json.config)])) {
      const [a, b] = [first.json.config[key], other.json.config[key]].map((v) => JSON.stringify(v));
      if (a !== b)
        throw new AdapterLoadError(
          `adapters "${first.name}" (${first.dir}) and "${other.name}" (${other.dir}) differ in ${key} (${a} vs ${b}); parameter averaging needs the same config`,
        );
    }
    if (other.json.hidden_size !== first.json.hidden_size)
      throw new AdapterLoadError(
        `adapters "${first.name}" (${first.dir}) and "${other.name}" (${other.dir}) belong to models of other widths: hidden_size ${first.json.hidden_size} vs ${other.json.hidden_size}`,
      );
  }
  checkSameTensors(saved, renameAdapterTensor);
  const out: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const [tensor, { shape }] of first.tensors) {
    const target = renameAdapterTensor(tensor, first.name, name);
    const sum = new Float32Array(shape.reduce((a, b) => a * b, 1));
    saved.forEach((s, i) => {
      const source = s.tensors.get(renameAdapterTensor(tensor, first.name, s.name));
      if (!source || source.shape.join() !== shape.join())
        throw new AdapterLoadError(`${s.dir}: adapter "${s.name}" has no tensor matching "${tensor}" [${shape}]`);
      source.data.forEach((v, k) => (sum[k] += weights[i] * v));
    });
    // Finite inputs can still overflow float32 with large weights: never write what could not be read back.
    if (!sum.every(Number.isFinite))
      throw new AdapterLoadError(`tensor "${target}" of the merge overflows float32 with weights ${weights.join(', ')}: use smaller weights`);
    out[target] = { dtype: 'F32', shape, data: sum };
  }
  for (const s of saved.slice(1)) {
    if (s.tensors.size !== first.tensors.size) throw new AdapterLoadError(`${s.dir}: ${s.tensors.size} tensors, "${first.name}" has ${first.tensors.size}`);
  }
  writeJsonAtomic(path.join(outDir, ADAPTER_CONFIG_FILE), { ...first.json, name });
  writeSafetensorsFile(path.join(outDir, ADAPTER_WEIGHTS_FILE), out, { format: 'pt' });
  const head = fs.existsSync(path.join(first.dir, HEAD_CONFIG_FILE));
  if (head) for (const file of [HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE]) fs.copyFileSync(path.join(first.dir, file), path.join(outDir, file));
  return { tensors: Object.keys(out).length, head };
}
