// What a run folder's run.json, summary.json and metrics.jsonl hold (src/core/io/runStore.ts reads and writes them).
// Types only, shared by the engine, both hosts and the views.
import type { EvalEvent, ProgressEvent, TaskMetrics } from './events';

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
  threads?: number; // kernel threads the run used, the most it had (src/core/model/kernels/threadedKernels.ts)
  kernels?: 'fma' | 'plain'; // the kernel build the run used on wasm (src/core/model/kernels/kernelVariant.ts)
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
  threads?: number; // kernel threads the run used, the most it had (it is handed more as the runs beside it end)
  speedThreads?: number; // the kernel threads msPerStep and inferenceMsPerExample were measured at: the run's at its start
  kernels?: 'fma' | 'plain'; // the kernel build the run used on wasm: FMA results differ from plain ones in the last bits
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

/** In run.json of a run trained as part of a sweep. */
export interface SweepRunInfo {
  /**
   * A hash of everything the run's training reads (its adapter, options, base, data, split, seed; for a composition
   * also its adapters' keys). Points that share a run (every point of a seed trains the same `full`) share its key, so
   * it is trained once; a resumed sweep skips a completed run with the key it needs.
   */
  key: string;
  /** The setting this run is one seed of: its run name and the swept values it depends on, e.g. "adapter:lora · r=8". */
  setting: string;
  /** Swept path → value, only the paths this run depends on, the seed aside. */
  values: Record<string, unknown>;
  seed: number;
  /** How many runs the whole sweep has (a run shared by several points counts once): for "12/30 done". */
  total: number;
  /** The keys of the runs it loads (compositions, merges), by run name. */
  needs?: Record<string, string>;
}
