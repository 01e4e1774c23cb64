// Chooses the TensorFlow.js backend at run time: native TensorFlow (`@tensorflow/tfjs-node`) when it is installed
// and loads, else wasm when it has every kernel training needs, else the pure-JS cpu backend (20–40× slower).
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName } from '../../common/runRecord';
import { gatherFromWasmHeap } from './kernels/heapGather';
import { sliceFromWasmHeap } from './kernels/heapSlice';
import { sharedHeapBinaries } from './kernels/sharedHeap';
import { shareDataOnWasmCopies } from './kernels/sharedCopies';

/** Kernels the engine runs, forward and backward (the gradient of `gather` is our ScatterNd, see model/ops). */
export const REQUIRED_KERNELS = [
  'BatchMatMul',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Sum',
  'Mean',
  'Max',
  'Exp',
  'Log',
  'Sqrt',
  'Rsqrt',
  'Square',
  'Softmax',
  'Erf',
  'Tanh',
  'Relu',
  'Sigmoid',
  'GatherV2',
  'ScatterNd',
  'Transpose',
  'Reshape',
  'Slice',
  'Tile',
  'OneHot',
  'ArgMax',
  'Cast',
  'AddN',
  'Neg',
  'Equal',
  'Maximum',
  'Fill',
  'Greater',
  'Select',
  'Step',
] as const;

export interface BackendChoice {
  name: 'tensorflow' | 'wasm' | 'cpu';
  reason: string;
}

/**
 * The backend to run on. `projectDir` (the config's folder) is where, besides Adapter Lab's own node_modules, a
 * native `@tensorflow/tfjs-node` may be installed: the packaged extension has no node_modules, so over Remote-SSH or
 * in a container the user installs it in the project (or globally) on the machine that trains.
 */
export async function selectBackend(requested: BackendName = 'auto', projectDir?: string): Promise<BackendChoice> {
  const tried: string[] = [];
  const order: BackendChoice['name'][] = requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [requested];
  for (const name of order) {
    const problem = await tryBackend(name, projectDir);
    if (problem === null) {
      const reason = requested === 'auto' ? (tried.length ? `auto: ${tried.join('; ')}` : 'auto: fastest available') : 'requested';
      return { name, reason };
    }
    if (requested !== 'auto') throw new Error(`backend "${name}" is not usable here: ${problem}`);
    tried.push(`${name} unavailable (${problem})`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${tried.join('; ')}`);
}

async function tryBackend(name: BackendChoice['name'], projectDir: string | undefined): Promise<string | null> {
  try {
    // Optional: absent or without its native library on most machines here.
    if (name === 'tensorflow') requireNative(nativeSearchPlaces(projectDir));
    if (name === 'wasm') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(heapBinaries(wasmBinariesDir()));
      shareDataOnWasmCopies();
      sliceFromWasmHeap();
      gatherFromWasmHeap();
    }
    if (!(await tf.setBackend(name))) return 'failed to initialise';
    await tf.ready();
    const missing = REQUIRED_KERNELS.filter((k) => !tf.getKernel(k, name));
    return missing.length ? `missing kernels: ${missing.join(', ')}` : null;
  } catch (e) {
    return firstLine(e);
  }
}

export const NATIVE_PACKAGE = '@tensorflow/tfjs-node';

/**
 * Where `@tensorflow/tfjs-node` is looked for, in order: beside Adapter Lab (npm install of the CLI), the project
 * and its parent folders, the global node_modules of the Node that runs (`npm install -g`). tfjs keeps its engine
 * and kernel registry in a global, so a copy of tfjs-node found elsewhere registers its backend with ours.
 */
export function nativeSearchPlaces(projectDir: string | undefined): string[] {
  const places = [__dirname];
  if (projectDir) places.push(projectDir);
  const prefix = path.dirname(path.dirname(process.execPath)); // <prefix>/bin/node
  places.push(process.platform === 'win32' ? path.join(path.dirname(process.execPath), 'node_modules') : path.join(prefix, 'lib', 'node_modules'));
  return places;
}

/** Loads the first tfjs-node the places hold; a copy that is found but fails to load (no native library) is the error. */
export function requireNative(places: readonly string[]): void {
  for (const place of places) {
    let resolved: string;
    try {
      // require.resolve's `paths` also walks up from each place (its node_modules and its parents').
      resolved = require.resolve(NATIVE_PACKAGE, { paths: [place] });
    } catch {
      continue;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(resolved);
    return;
  }
  throw new Error(`${NATIVE_PACKAGE} is not installed (looked beside Adapter Lab, in the project and its parents, and globally)`);
}

/** Next to the running bundle when they ship with it (the VS Code extension has no node_modules), else the npm package's. */
function wasmBinariesDir(): string {
  if (fs.existsSync(path.join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname + path.sep;
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/**
 * The binaries with a shared heap (the kernel threads work in it, kernels/sharedHeap.ts); the stock ones if that fails
 * or ADAPTERLAB_SHARED_HEAP=off (then the kernels run on one thread, in tfjs's private heap).
 */
function heapBinaries(dir: string): string | Record<string, string> {
  if (process.env.ADAPTERLAB_SHARED_HEAP === 'off') return dir;
  try {
    return sharedHeapBinaries(dir);
  } catch (e) {
    process.emitWarning(`${firstLine(e)}; the kernels run on one thread`, 'AdapterLabKernelWarning');
    return dir;
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}
