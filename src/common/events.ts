// What a training reports as it goes: progress per logged step, evaluations per epoch and split. The trainer sends
// them to its host, metrics.jsonl stores them, the views draw them.

export interface TaskMetrics {
  accuracy: number;
  macroF1: number;
  loss: number;
  count: number;
  /** Language-model objectives: exp of the mean loss per predicted token (accuracy is then next-token accuracy). */
  perplexity?: number;
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
