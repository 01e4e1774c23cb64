// What an export says about the base a run's adapters belong to: its shape (PEFT's prefix config needs it) and the
// name or folder Python loads it from. A built-in base ships inside the export, so the folder is complete.
import * as path from 'path';
import type { BaseSpec } from '../config/types';
import { builtinModelDir } from '../io/builtinModels';
import { readBertConfig } from '../io/hfConfig';
import type { BaseInfo } from './peftExport';

export interface ExportBase extends BaseInfo {
  /** A folder to copy into the export as base/ (the built-in bases). */
  copyFrom?: string;
  note?: string;
}

/** The folder name an export gives a built-in base, and what its configs call it. */
export const BASE_FOLDER = 'base';

export function exportBase(base: BaseSpec): ExportBase {
  if (base.kind === 'random')
    return {
      ...base.shape,
      nameOrPath: `adapter-lab/random-${base.shape.layers}x${base.shape.hiddenSize}`,
      note: 'the base is a random initialisation that only Adapter Lab re-creates (from the seed); in Python, use a pre-trained base',
    };
  const dir = base.kind === 'builtin' ? builtinModelDir(base.name) : base.path;
  if (!dir) throw new Error(`no built-in base "${base.kind === 'builtin' ? base.name : ''}"`);
  const c = readBertConfig(dir);
  const shape = { layers: c.layers, heads: c.heads, hiddenSize: c.hiddenSize };
  if (base.kind === 'builtin') return { ...shape, nameOrPath: BASE_FOLDER, copyFrom: dir };
  // A downloaded model's folder is usually named as its hub id (bert-base-uncased), which Python resolves anywhere.
  const name = path.basename(dir);
  return { ...shape, nameOrPath: name, note: `base_model_name_or_path is "${name}" (the base folder's name): a hub id, or change it to where the folder is` };
}
