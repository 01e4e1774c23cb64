// `adapter-lab import <folder>`: an AdapterHub or PEFT folder (trained in Python, or exported from here) brought
// back as a run in a runs folder, for the Runs view and `adapter-lab compare`.
import * as path from 'path';
import { ExportError } from '../core/interop/runFiles';
import { importFolder } from '../core/interop/importFolder';
import { DEFAULT_RUNS_DIR } from '../core/config/defaults';
import { EXIT } from './exit';
import { shownPath } from './findRuns';

export interface ImportArgs {
  runsDir?: string;
  name?: string;
}

export function importCommand(folder: string, args: ImportArgs): number {
  const runsDir = path.resolve(args.runsDir ?? DEFAULT_RUNS_DIR);
  try {
    const result = importFolder(path.resolve(folder), runsDir, { name: args.name });
    const how = result.restored ? 'its run record restored from adapter_lab/' : 'a run record built from its files';
    console.log(`${shownPath(path.resolve(folder))} (${result.format}) → ${shownPath(result.runDir)}, ${how}`);
    for (const file of result.files) console.log(`  ${file}`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ExportError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }
}
