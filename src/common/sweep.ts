// The report aggregated from a sweep's runs (src/core/sweep/aggregate.ts
// computes it; `adapter-lab report`, the Runs view and the sweep panel show it), and the rows of its runs that the
// sweep panel lists (src/core/sweep/report.ts). Types only.
import type { RunStatus, RunType } from './runRecord';

export type { SweepRunInfo } from './runRecord';

/** Mean, sample standard deviation (n − 1; 0 when n = 1) and n over seeds. */
export interface Stats {
  mean: number;
  sd: number;
  n: number;
}

/** A paired difference against the reference setting: per seed (same seed, same split), then mean and standard error. */
export interface PairedDifference {
  reference: string; // the reference setting
  mean: number;
  se: number; // sd of the per-seed differences / √n; 0 when n = 1
  n: number; // seeds both have
}

export interface SettingTaskResult {
  test: Stats; // accuracy
  testF1: Stats; // macro-F1
  validation: Stats; // accuracy
  difference?: PairedDifference; // test accuracy minus the reference's, paired by seed
}

export interface SettingRow {
  setting: string;
  runName: string; // "adapter:lora", "full"
  runType: RunType;
  values: Record<string, unknown>;
  seeds: number[];
  runIds: string[];
  runDirs: string[];
  tasks: Record<string, SettingTaskResult>;
  /** The run names a composition or merge loads: their parameters, bytes and step time are counted in its own. */
  loads?: string[];
  trainableParams: number; // mean over seeds (the same for every seed)
  /** Bytes stored per attribute (mean over the setting's tasks). */
  bytesPerAttribute: number;
  msPerStep: Stats;
  inferenceMsPerExample: Stats;
}

/** The settings on the trade-off frontier of one attribute (none does better on both axes). */
export interface Frontiers {
  params: string[]; // accuracy vs trainable parameters
  speed: string[]; // accuracy vs train ms/step
  storage: string[]; // accuracy vs bytes stored per attribute
}

export interface SweepReport {
  experiment: string;
  base: string;
  /** The swept paths, as written, seed aside. */
  paths: string[];
  settings: SettingRow[];
  /** What differences are taken against: a setting, or a run name ("full": its setting with the same swept values). */
  reference?: string;
  /** The settings that serve as reference (no difference of their own). */
  referenceSettings: string[];
  tasks: string[];
  /** Per attribute: the setting with the best mean validation accuracy, and its test accuracy. */
  best: Record<string, { setting: string; validation: Stats; test: Stats }>;
  frontiers: Record<string, Frontiers>;
  /** Runs of the sweep: completed and in total (a run shared by several points counts once). */
  progress: { completed: number; total: number; failed: number };
}

/** A run's score on one attribute (from its summary.json). */
export interface RunTaskScores {
  test: number; // accuracy
  testF1: number; // macro-F1
  validation: number; // accuracy
}

/**
 * One planned run of a sweep as the sweep panel lists it: its setting and seed, the run folder that stands for it (the
 * newest completed one, else the newest), and that run's results once it has them. Runs not started have no folder.
 */
export interface SweepRunRow {
  key: string;
  setting: string;
  runName: string;
  seed: number;
  values: Record<string, unknown>;
  status: RunStatus | 'not started';
  id?: string;
  dir?: string;
  tasks: Record<string, RunTaskScores>;
  trainableParams?: number;
  msPerStep?: number;
  bytesPerAttribute?: number;
}
