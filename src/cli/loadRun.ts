// A trained run loaded for a command, or its input problem printed (exit 2 at the caller).
import * as path from 'path';
import { AdapterLoadError } from '../core/adapters/load';
import { CheckpointError } from '../core/io/hfConfig';
import { SafetensorsError } from '../core/io/safetensors';
import { type BackendChoice, selectBackend } from '../core/model/backend';
import type { ExperimentConfig } from '../core/config/types';
import type { BackendName } from '../common/runRecord';
import { ExperimentInputError } from '../core/run/experiment';
import { readRun } from '../core/io/runStore';
import { type LoadedRun, loadRunModel } from '../core/run/loadRunModel';
import { EXIT } from './exit';

/** The backend is chosen before the weights are loaded, so they are created where they will run. */
export async function loadRunOrReport(runDir: string, requested?: BackendName): Promise<{ run: LoadedRun; backend: BackendChoice } | undefined> {
  const config = readRun(runDir).config as ExperimentConfig;
  const backend = await selectBackend(requested ?? config.backend, path.dirname(config.file));
  try {
    return { run: loadRunModel(runDir), backend };
  } catch (e) {
    if (!(e instanceof ExperimentInputError || e instanceof AdapterLoadError || e instanceof SafetensorsError || e instanceof CheckpointError)) throw e;
    console.error(e.message);
    return undefined;
  }
}

/** Loads the run, runs `command` on it and disposes of it; exit 2 when the run cannot be loaded. */
export async function withLoadedRun(
  runDir: string,
  requested: BackendName | undefined,
  command: (loaded: { run: LoadedRun; backend: BackendChoice }) => number,
): Promise<number> {
  const loaded = await loadRunOrReport(runDir, requested);
  if (!loaded) return EXIT.badInput;
  try {
    return command(loaded);
  } finally {
    loaded.run.dispose();
  }
}
