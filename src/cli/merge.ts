// `adapter-lab merge <folder>…`: parameter averaging of saved adapters (AdapterHub's average_adapter) into a new
// adapter folder. In a config, `merges` does the same as a run.
import * as path from 'path';
import { AdapterLoadError } from '../core/adapters/load';
import { mergeAdapterFolders } from '../core/adapters/averageFiles';
import { EXIT } from './exit';
import { nameProblem } from '../core/config/names';

export interface MergeArgs {
  weights?: number[];
  normalize: boolean;
  name: string;
  out?: string;
}

export function mergeCommand(dirs: string[], args: MergeArgs): number {
  // The name goes into tensor names and, without --out, is the folder written: it must not be a path.
  const problem = nameProblem(args.name);
  if (problem) {
    console.error(`--name ${JSON.stringify(args.name)} ${problem}; --name is the new adapter's name, and --out <dir> chooses where it is written`);
    return EXIT.badInput;
  }
  const raw = args.weights ?? dirs.map(() => 1 / dirs.length);
  const sum = raw.reduce((a, b) => a + b, 0);
  if (args.normalize && Math.abs(sum) < 1e-12) {
    console.error('the weights sum to 0 and cannot be normalised: change one, or pass --no-normalize');
    return EXIT.badInput;
  }
  const weights = args.normalize ? raw.map((w) => w / sum) : raw;
  const outDir = path.resolve(args.out ?? args.name);
  try {
    const { tensors, head } = mergeAdapterFolders(
      dirs.map((d) => path.resolve(d)),
      weights,
      args.name,
      outDir,
    );
    const formula = dirs.map((d, i) => `${Number(weights[i].toFixed(4))}·${path.basename(d)}`).join(' + ');
    console.log(`adapter "${args.name}" = ${formula}: ${tensors} tensors → ${outDir}${head ? ` (head copied from ${dirs[0]})` : ''}`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof AdapterLoadError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }
}
