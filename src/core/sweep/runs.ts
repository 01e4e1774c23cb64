// The runs a sweep trains: every point's runs, a run shared by several points (the same inputs) counted once.
import type { SweepRunInfo } from '../../common/sweep';
import type { ExperimentConfig } from '../config/types';
import type { RunPlan } from '../run/plan';

export interface SweepRun {
  key: string; // = info.key
  plan: RunPlan;
  /** The config of the first point that has this run (every point that has it gives it the same inputs). */
  config: ExperimentConfig;
  info: SweepRunInfo;
  points: string[]; // names of the points that have this run
}
