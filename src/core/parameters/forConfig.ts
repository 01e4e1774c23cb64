// The parameters view's data for a config or for a run folder. Failures become messages the view shows (naming
// the file and what to do), never an exception that would leave the panel blank.
import * as fs from 'fs';
import * as path from 'path';
import { formatProblem, loadConfig } from '../config/validate';
import type { ExperimentConfig } from '../config/types';
import { RUN_FILE, SUMMARY_FILE, readRun } from '../io/runStore';
import { type RunSummary } from '../../common/runRecord';
import { baseShapeOf } from './baseShape';
import { labelCounts } from './labels';
import { parameterReport } from './report';
import type { MeasuredRun, ParameterReport, ParametersData } from '../../common/parameterReport';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function reportFor(config: ExperimentConfig): ParameterReport {
  const shape = baseShapeOf(config.base);
  return parameterReport(config, shape.config, labelCounts(config), shape.description);
}

export function parametersForConfig(file: string): ParametersData {
  const title = `Parameters: ${path.basename(file)}`;
  const { config, problems } = loadConfig(file);
  if (!config)
    return {
      title,
      notes: [],
      error: `${path.basename(file)} has ${problems.length} problem(s); fix them to see its parameters:\n${problems.map(formatProblem).join('\n')}`,
    };
  try {
    return { title: `Parameters: ${config.name}`, report: reportFor(config), notes: [] };
  } catch (e) {
    return { title, notes: [], error: message(e) };
  }
}

function isConfigSnapshot(value: unknown): value is ExperimentConfig {
  const c = value as Partial<ExperimentConfig> | null;
  return (
    !!c && typeof c === 'object' && typeof c.name === 'string' && !!c.base && Array.isArray(c.tasks) && Array.isArray(c.adapters) && Array.isArray(c.baselines)
  );
}

function readMeasured(dir: string, notes: string[]): MeasuredRun | undefined {
  const file = path.join(dir, SUMMARY_FILE);
  if (!fs.existsSync(file)) {
    notes.push(`${SUMMARY_FILE} is missing: the run has not finished, so only the counts from the config's shapes are shown (no measured sizes).`);
    return undefined;
  }
  let s: Partial<RunSummary>;
  try {
    s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunSummary>;
  } catch (e) {
    notes.push(`${file} is not valid JSON (${message(e)}): measured sizes are not shown.`);
    return undefined;
  }
  const numbers = [s.totalParams, s.trainableParams, s.trainablePercent, s.bytesOnDisk];
  if (typeof s.name !== 'string' || numbers.some((n) => typeof n !== 'number') || typeof s.bytesPerTask !== 'object' || !s.bytesPerTask) {
    notes.push(`${file} lacks parameter counts (totalParams, trainableParams, bytesOnDisk, bytesPerTask): measured sizes are not shown.`);
    return undefined;
  }
  return {
    name: s.name,
    totalParams: s.totalParams!,
    trainableParams: s.trainableParams!,
    trainablePercent: s.trainablePercent!,
    bytesOnDisk: s.bytesOnDisk!,
    bytesPerTask: s.bytesPerTask,
  };
}

export function parametersForRun(dir: string): ParametersData {
  const title = `Parameters: ${path.basename(dir)}`;
  let record;
  try {
    record = readRun(dir);
  } catch (e) {
    return {
      title,
      notes: [],
      error: `${message(e)}\nThis run folder is damaged: its ${RUN_FILE} must be the JSON record the trainer writes. Delete the run or train again.`,
    };
  }
  const notes: string[] = [];
  const measured = readMeasured(dir, notes);
  const run = { name: record.name, status: record.status, dir, ...(measured && { measured }) };
  const heading = `Parameters: ${record.experiment} ${record.name}`;
  if (!isConfigSnapshot(record.config)) {
    return {
      title: heading,
      run,
      notes,
      error: `${path.join(dir, RUN_FILE)} has no config snapshot (its "config" field), so the parameters per run type cannot be counted.`,
    };
  }
  try {
    return { title: heading, run, report: reportFor(record.config), notes };
  } catch (e) {
    return { title: heading, run, notes, error: `cannot count the parameters of ${record.name}: ${message(e)}` };
  }
}
