// `adapter-lab export <config|run> --to python`: the experiment (or the run, with the runs it loads) as a folder that
// trains it with transformers + adapters (core/interop/pythonExport.ts); with a sweep, a Ray Tune script over its points.
import * as path from 'path';
import { CONFIG_SUFFIX } from '../core/config/defaults';
import { formatProblem } from '../core/config/validate';
import type { ExperimentConfig } from '../core/config/types';
import { exportPython } from '../core/interop/pythonExport';
import { readRun } from '../core/io/runStore';
import { ExperimentInputError, loadBase, loadExperimentData } from '../core/run/experiment';
import { planRuns } from '../core/run/plan';
import { loadExperiment } from '../core/sweep/check';
import { EXIT } from './exit';
import { shownPath } from './findRuns';

export const isConfigFile = (arg: string): boolean => arg.endsWith(CONFIG_SUFFIX);

export function exportPythonCommand(source: string, out?: string): number {
  let config: ExperimentConfig;
  let only: string[] | undefined;
  let points: { name: string; config: ExperimentConfig }[] | undefined;
  if (isConfigFile(source)) {
    const loaded = loadExperiment(source);
    for (const p of loaded.problems) console.error(formatProblem(p));
    if (!loaded.config) return EXIT.badInput;
    config = loaded.config;
    points = loaded.sweep?.points.map((p) => ({ name: p.name, config: p.config! }));
  } else {
    const record = readRun(source);
    config = record.config as ExperimentConfig;
    const plan = planRuns(config).find((p) => p.name === record.name);
    if (!plan) {
      console.error(`${source}: the config snapshot has no run named ${record.name}`);
      return EXIT.badInput;
    }
    only = [...plan.needs, plan.name];
  }
  const dir = path.resolve(out ?? (isConfigFile(source) ? path.join(path.dirname(source), `${config.name}-python`) : path.join(source, 'export-python')));
  try {
    const data = loadExperimentData(config);
    const result = exportPython(config, loadBase(config, data), data, dir, { only, points });
    console.log(
      `${config.name}${only ? ` (${only.join(', ')})` : ''} → ${shownPath(dir)}: train.py for transformers + adapters${points?.length ? `, tune.py over ${points.length} sweep points` : ''}`,
    );
    for (const file of result.files.filter((f) => !f.startsWith('points/') && !f.startsWith('base/'))) console.log(`  ${file}`);
    if (points?.length) console.log(`  points/ (${points.length} experiments)`);
    console.log(`run it: cd ${shownPath(dir)} && pip install torch transformers adapters accelerate && accelerate launch train.py`);
    for (const note of result.notes) console.log(`note: ${note}`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ExperimentInputError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }
}
