// Messages between a host (CLI or VS Code extension) and a forked trainer process. Both ends import this file.
import type { BackendName } from '../core/config/types';

export interface TaskMetrics {
  accuracy: number;
  macroF1: number;
  loss: number;
  count: number;
}

export interface ProgressEvent {
  step: number; // 1-based, optimiser steps done
  totalSteps: number;
  epoch: number; // fractional: 1.5 = half-way through epoch 2
  loss: number; // summed over tasks
  lossPerTask: Record<string, number>;
  learningRate: number;
  gradNorm: number;
  elapsedMs: number;
  examplesPerSec: number;
  tokensPerSec: number;
}

export interface EvalEvent {
  epoch: number;
  step: number;
  split: 'validation' | 'test';
  metrics: Record<string, TaskMetrics>;
  score: number; // mean accuracy over tasks: what "best" means
  best: boolean;
  elapsedMs: number;
}

/** Host → trainer. */
export type ToTrainer =
  | { type: 'start'; configFile: string; runName: string; runDir: string; backend?: BackendName }
  | { type: 'cancel' };

/** Trainer → host. */
export type FromTrainer =
  | { type: 'ready'; backend: string; pid: number }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'eval'; event: EvalEvent }
  | { type: 'checkpoint'; epoch: number; dir: string }
  | { type: 'log'; message: string }
  | { type: 'done'; status: 'completed' | 'cancelled' | 'failed'; reason?: string; summaryFile?: string }
  | { type: 'error'; message: string };
