// The host side of the trainer protocol, shared by the CLI and the VS Code extension: forks the bundled trainer,
// relays its messages, cancels gracefully (then kills after a grace period), and if the process dies without saying
// "done" marks the run failed with the last lines it wrote to stderr. Metrics already appended stay on disk.
// The trainer gets a process group of its own (detached), so a terminal's Ctrl-C, which signals the whole foreground
// group, reaches only the host, which then cancels over IPC and waits; a trainer whose host dies (its IPC channel
// closes) stops by itself (src/trainer/main.ts).
import { type ChildProcess, type ForkOptions, fork } from 'child_process';
import { engineExecArgv } from './relaxedSimdFlag';
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName } from '../common/runRecord';
import { readRunFile } from '../core/io/runStore';
import { finishRun } from '../core/run/lifecycle';
import { type FromTrainer, isFromTrainer } from '../protocol/trainer';

export interface TrainerExit {
  status: 'completed' | 'cancelled' | 'failed';
  reason?: string;
}

export interface TrainerOptions {
  trainerScript: string; // dist/trainer.js
  configFile: string;
  runName: string;
  runDir: string;
  backend?: BackendName;
  /** Kernel threads the run may use (its share of the cores); the trainer decides when absent. */
  threads?: number;
  onMessage?: (message: FromTrainer) => void;
  /** Lines the process writes to stdout/stderr (for an output channel or a log). */
  onOutput?: (line: string) => void;
}

const STDERR_LINES_KEPT = 20;
const MAX_LINE = 400; // the wasm runtime can print its whole minified source on a crash

export class TrainerProcess {
  readonly done: Promise<TrainerExit>;
  private readonly child: ChildProcess;
  private readonly stderrTail: string[] = [];
  private killTimer?: NodeJS.Timeout;
  private cancelRequested = false;
  private offeredThreads?: number;
  private killedBy?: 'grace' | 'host';

  constructor(private readonly options: TrainerOptions) {
    if (!fs.existsSync(options.trainerScript)) throw new Error(`trainer not built: ${options.trainerScript} is missing (run npm run build)`);
    // windowsHide (passed on to spawn; ForkOptions' type lacks it): on Windows a detached process would otherwise get a
    // console window of its own.
    const forkOptions: ForkOptions & { windowsHide: boolean } = {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: engineExecArgv(), // [] unless ADAPTERLAB_FMA=on needs the relaxed-SIMD flag (relaxedSimdFlag.ts)
      detached: true,
      windowsHide: true,
    };
    this.child = fork(options.trainerScript, [], forkOptions);
    let reported: TrainerExit | undefined;
    this.child.on('message', (m: unknown) => {
      if (!isFromTrainer(m)) return options.onOutput?.(`ignored a message the trainer should not send: ${JSON.stringify(m).slice(0, 200)}`);
      if (m.type === 'done') reported = { status: m.status, reason: m.reason };
      options.onMessage?.(m);
    });
    this.pipeLines(this.child.stdout, false);
    this.pipeLines(this.child.stderr, true);
    this.done = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        clearTimeout(this.killTimer);
        resolve(reported ?? this.markCrashed(code, signal));
      });
    });
    this.child.send({
      type: 'start',
      configFile: options.configFile,
      runName: options.runName,
      runDir: options.runDir,
      backend: options.backend,
      threads: options.threads,
    });
  }

  /** The kernel threads the run may use: the share it started with, or more since offered. */
  get threads(): number | undefined {
    return this.offeredThreads ?? this.options.threads;
  }

  /** Lets the run use more kernel threads from its next kernel call (runs beside it have ended). */
  offerThreads(threads: number): void {
    if (this.exited || this.cancelRequested || !this.child.connected || threads <= (this.threads ?? 1)) return;
    this.offeredThreads = threads;
    // A channel that closes meanwhile (the run just ended) only means the offer came too late.
    this.child.send({ type: 'threads', threads }, (error) => void error);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Asks the trainer to stop after the current step, recording `reason` (else the trainer's own) in run.json; kills it
   * if it has not exited after `graceMs`.
   */
  cancel(reason?: string, graceMs = 15000): void {
    if (this.exited || this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.child.connected) this.child.send({ type: 'cancel', ...(reason !== undefined && { reason }) });
    this.killTimer = setTimeout(() => {
      this.killedBy = 'grace';
      this.child.kill('SIGKILL');
    }, graceMs);
  }

  kill(): void {
    if (this.exited) return;
    this.killedBy ??= 'host';
    this.child.kill('SIGKILL');
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private markCrashed(code: number | null, signal: NodeJS.Signals | null): TrainerExit {
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const tail = this.stderrTail.length ? `; last output:\n${this.stderrTail.join('\n')}` : '';
    // Who ended it: the grace period after a cancel, the host (a second Ctrl-C, closing the window), or something else.
    const cancelledHow =
      this.killedBy === 'grace'
        ? `the trainer did not stop within the grace period and ${how}`
        : this.killedBy === 'host'
          ? `the trainer ${how} before it had stopped by itself`
          : `the trainer ${how} while stopping`;
    const exit: TrainerExit = this.cancelRequested
      ? { status: 'cancelled', reason: `cancelled; ${cancelledHow}${signal ? '' : tail}` }
      : { status: 'failed', reason: `the trainer process ${how} before finishing${tail}` };
    try {
      const record = readRunFile(this.options.runDir); // as written: a trainer that just died is still "running" there
      if (record.status === 'running' || record.status === 'queued') {
        finishRun(this.options.runDir, exit.status, exit.reason);
      }
    } catch {
      // No run.json: nothing to mark; the host reports the exit itself.
    }
    return exit;
  }

  private pipeLines(stream: NodeJS.ReadableStream | null, isStderr: boolean): void {
    if (!stream) return;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}…` : raw;
        if (isStderr && line.trim()) {
          this.stderrTail.push(line);
          if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
        }
        this.options.onOutput?.(line);
      }
    });
  }
}

export function defaultTrainerScript(): string {
  return path.join(__dirname, 'trainer.js');
}
