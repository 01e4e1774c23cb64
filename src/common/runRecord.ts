// What a run folder's run.json, summary.json and metrics.jsonl hold (src/core/io/runStore.ts reads and writes them).
// Types only, shared by the engine, both hosts and the views.
import type { EvalEvent, ProgressEvent, TaskMetrics } from './events';
import type { SweepRunInfo } from './sweep';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type RunType = 'adapter' | 'full' | 'head-only' | 'composition';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  experiment: string;
  name: string; // e.g. "adapter:sentiment", "full", "head-only", "pretrain"
  type: RunType | 'pretrain';
  tasks: string[];
  status: RunStatus;
  reason?: string; // why it failed / was cancelled / diverged
  configFile: string;
  config: unknown; // snapshot of the resolved config
  backend?: string;
  machine: { platform: string; arch: string; cpus: number; cpuModel: string; memoryGiB: number; node: string };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  pid?: number; // the process answerable for the run now: the one that queued it, then its trainer
  host?: string; // where that process runs (a pid means nothing on another machine)
  sweep?: SweepRunInfo; // a run trained as part of the config's sweep
}

export type MetricLine = ({ kind: 'progress' } & ProgressEvent) | ({ kind: 'eval' } & EvalEvent);

export interface RunSummary {
  id: string;
  name: string;
  type: RunType;
  status: RunStatus;
  backend: string;
  base: string; // what the base was, e.g. "random init (2×128)"
  test: Record<string, TaskMetrics>;
  validation: Record<string, TaskMetrics>;
  bestEpoch: number;
  steps: number;
  totalParams: number; // base + everything this run adds
  trainableParams: number;
  trainablePercent: number; // of totalParams
  bytesOnDisk: number; // what this run must store (adapter+head, or the whole model)
  bytesPerTask: Record<string, number>;
  msPerStep: number;
  inferenceMsPerExample: number;
  paddingShare: number;
  tokensPerSec?: number; // real (non-pad) training tokens per second of training steps
  /** Whether the frozen prefix of the encoder was cached, where, and that dropout was off in it (train/frozenPrefix.ts). */
  frozenPrefix?: FrozenPrefixInfo;
  wallMs: number;
}

/** Whether the frozen prefix of the encoder was cached (src/core/train/frozenPrefix.ts), where, and that dropout was off in it. */
export type FrozenPrefixInfo = { used: true; cut: string; dropoutOff: string; bytes: number; budgetBytes: number } | { used: false; reason: string };
