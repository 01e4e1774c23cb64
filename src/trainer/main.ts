// The trainer process. A host (the CLI or the VS Code extension) forks it with an IPC channel, sends `start`, and
// receives typed messages (src/protocol/trainer.ts). Training in its own process keeps the host responsive, lets
// runs use separate cores, and means a crash or out-of-memory here cannot take the editor down.
// The host forks it into a process group of its own, so a Ctrl-C in a terminal reaches only the host, which sends
// `cancel`. If the host itself dies (killed, its terminal closed), the IPC channel closes: the trainer then stops
// after its current step, records why in run.json and exits, rather than training on for nobody.
import * as path from 'path';
import { type FromTrainer, type ToTrainer, isToTrainer } from '../protocol/trainer';
import { selectBackend } from '../core/model/backend';
import { kernelThreads, setKernelThreads } from '../core/model/kernels/threadedKernels';
import { kernelVariant } from '../core/model/kernels/kernelVariant';
import { defaultCores, runThreads } from '../core/run/threads';
import { loadConfig, formatProblem } from '../core/config/validate';
import { loadBase, loadExperimentData } from '../core/run/experiment';
import { isLanguageModelExperiment, planRuns } from '../core/run/plan';
import { endStatus, finishRun, markRunning } from '../core/run/lifecycle';
import { type RunHooks, runPlannedRun } from '../core/run/executeRun';
import { loadDecoderBase, runLanguageModelRun } from '../core/run/lmRun';
import type { TrainOutcome } from '../core/train/loop';
import { describeKnowledge, knowledgeAdapterOf } from '../core/run/knowledge';
import { readRunFile, updateRun } from '../core/io/runStore';
import { completedSweepRun } from '../core/adapters/load';
import type { ExperimentConfig } from '../core/config/types';

let cancelRequested = false;
/** Who cancelled the run, when the host said (a single run cancelled from the Runs view). */
let cancelReason: string | undefined;
let started = false;
/** Kernel threads the host has since offered (runs beside this one ended); applied once the backend is known. */
let threadsOffered: number | undefined;
/** Set once the run's kernels are ours (wasm backend): from then on an offer of threads applies at once. */
let growThreads: ((threads: number) => void) | undefined;
/** Why the run stops when its host is gone; undefined while the host is there. */
let hostGone: string | undefined;
const hostPid = process.ppid;

function send(message: FromTrainer): void {
  // A host killed outright can leave the channel broken before 'disconnect' is emitted: the write fails (EPIPE), which
  // without a callback would be an 'error' event that crashes the trainer before it has recorded anything.
  if (process.connected) process.send?.(message, undefined, undefined, (error) => error && hostEnded());
}

function hostEnded(): void {
  hostGone ??= `stopped: the process that started it (pid ${hostPid}) ended`;
  cancelRequested = true;
}

async function start(msg: Extract<ToTrainer, { type: 'start' }>): Promise<void> {
  const fail = (reason: string) => {
    growThreads = undefined; // run.json is final from here on
    finishRun(msg.runDir, 'failed', reason);
    send({ type: 'done', status: 'failed', reason });
  };
  try {
    // A sweep run trains its point's config, as checked and recorded when it was queued; other runs the config file.
    const record = readRunFile(msg.runDir);
    const sweep = record.sweep;
    let fileConfig: ExperimentConfig | undefined;
    if (!sweep) {
      const loaded = loadConfig(msg.configFile);
      if (!loaded.config) return fail(loaded.problems.map(formatProblem).join('\n'));
      fileConfig = loaded.config;
    }
    // The host chose the runs folder (the extension's adapterLab.runsFolder setting can override the config's
    // runsDir); runs this one needs (compositions, merges) are looked up there.
    const runsDir = path.dirname(msg.runDir);
    const config: ExperimentConfig = { ...(fileConfig ?? (record.config as ExperimentConfig)), runsDir };
    const findRun = sweep?.needs ? (runName: string) => completedSweepRun(runsDir, config.name, sweep.needs![runName] ?? '') : undefined;
    const plan = planRuns(config).find((p) => p.name === msg.runName);
    if (!plan) return fail(`the config has no run named "${msg.runName}"`);
    const backend = await selectBackend(msg.backend ?? config.backend, path.dirname(config.file));
    // Our kernels (and so their threads) run on the wasm backend only; tfjs-node threads on its own.
    if (backend.name === 'wasm') {
      setKernelThreads(Math.max(threadsOffered ?? 1, msg.threads ?? runThreads(config.threads, defaultCores(), 1)));
      growThreads = (threads) => {
        const before = kernelThreads();
        if (threads <= before) return;
        setKernelThreads(threads);
        if (kernelThreads() === before) return; // the pool could not start (a warning said why)
        // run.json says how many threads the run used: the most it had.
        updateRun(msg.runDir, { threads: kernelThreads() });
        send({ type: 'log', message: `the runs beside it have ended: ${kernelThreads()} kernel threads from here on` });
      };
    }
    send({ type: 'ready', backend: backend.name, pid: process.pid });
    markRunning(msg.runDir, `${backend.name} (${backend.reason})`, new Date(), kernelThreads(), backend.name === 'wasm' ? kernelVariant() : undefined);

    const runHooks: RunHooks = {
      progress: (event) => send({ type: 'progress', event }),
      evaluated: (event) => send({ type: 'eval', event }),
      checkpoint: (epoch, dir) => send({ type: 'checkpoint', epoch, dir }),
      cancelled: () => cancelRequested,
    };
    const finish = (outcome: TrainOutcome) => {
      growThreads = undefined;
      const status = endStatus(outcome);
      const reason = status === 'cancelled' ? (hostGone ?? cancelReason ?? outcome.reason) : outcome.reason;
      finishRun(msg.runDir, status, reason);
      send({ type: 'done', status, reason, summaryFile: path.join(msg.runDir, 'summary.json') });
    };
    const data = loadExperimentData(config);
    if (isLanguageModelExperiment(config)) {
      // Attribute adapters on a decoder: their own loop (core/run/lmRun.ts).
      const decoder = loadDecoderBase(config);
      send({ type: 'log', message: `base: ${decoder.description}; data: ${data.source}` });
      const { outcome } = await runLanguageModelRun(
        config,
        plan,
        data,
        decoder,
        { id: path.basename(msg.runDir), dir: msg.runDir, backend: backend.name },
        runHooks,
      );
      return finish(outcome);
    }
    const base = loadBase(config, data);
    const knowledge = knowledgeAdapterOf(config, plan);
    send({
      type: 'log',
      message: `base: ${base.description}; data: ${knowledge ? describeKnowledge(knowledge) : `${data.source} (${data.rows.train.length} train / ${data.rows.validation.length} validation / ${data.rows.test.length} test)`}`,
    });
    const { outcome } = await runPlannedRun(
      config,
      plan,
      data,
      base,
      { id: path.basename(msg.runDir), dir: msg.runDir, backend: backend.name, findRun },
      runHooks,
    );
    finish(outcome);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

process.on('message', (msg: unknown) => {
  if (!isToTrainer(msg)) return console.error(`ignored a message the host should not send: ${JSON.stringify(msg).slice(0, 200)}`);
  if (msg.type === 'start') {
    started = true;
    void start(msg).finally(() => {
      if (process.connected) process.disconnect?.();
    });
  } else if (msg.type === 'threads') {
    threadsOffered = Math.max(threadsOffered ?? 1, msg.threads);
    growThreads?.(msg.threads);
  } else if (msg.type === 'cancel') {
    cancelRequested = true;
    cancelReason ??= msg.reason;
  }
});

// With the host gone its end of stdout and stderr is closed too: a late warning must not crash the trainer (EPIPE)
// before it has recorded how the run ended.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

// The channel closes when the host exits, however it ends (also when it is killed outright), or after `done` above.
process.on('disconnect', () => {
  if (!started) process.exit(0);
  hostEnded();
});
