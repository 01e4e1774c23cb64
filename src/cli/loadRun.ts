// A trained run loaded for a command, or its input problem printed (exit 2 at the caller).
import { AdapterLoadError } from '../core/adapters/load';
import { ExperimentInputError } from '../core/experiment';
import { type LoadedRun, loadRunModel } from '../core/runModel';

export function loadRunOrReport(runDir: string): LoadedRun | undefined {
  try {
    return loadRunModel(runDir);
  } catch (e) {
    if (!(e instanceof ExperimentInputError || e instanceof AdapterLoadError)) throw e;
    console.error(e.message);
    return undefined;
  }
}
