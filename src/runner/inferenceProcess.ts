// The host side of the inference protocol (the extension's Playground, tests): forks the bundled worker once, sends
// requests with increasing ids and passes on only the replies to the newest one, so a reply to a request the user
// has already typed past is never shown. The worker is started again on the next request if it died.
import { type ChildProcess, fork } from 'child_process';
import { engineExecArgv } from './relaxedSimdFlag';
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName } from '../common/runRecord';
import { type FromInference, type ToInference, isFromInference } from '../protocol/inference';

type Request = ToInference extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface InferenceOptions {
  workerScript: string; // dist/extension/inference.js
  backend?: BackendName;
  /** Replies to the newest request only. */
  onReply: (message: FromInference) => void;
  /** Every message the worker sends, before filtering (logs, tests). */
  onAnyMessage?: (message: FromInference) => void;
  onOutput?: (line: string) => void;
}

export class InferenceProcess {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private newest = -1;

  constructor(private readonly options: InferenceOptions) {
    if (!fs.existsSync(options.workerScript)) throw new Error(`inference worker not built: ${options.workerScript} is missing (run npm run build)`);
  }

  /** Sends a request; it supersedes every earlier one. Returns its id. */
  request(request: Request): number {
    const id = this.nextId++;
    this.newest = id;
    this.worker().send({ ...request, id } as ToInference);
    return id;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  dispose(): void {
    this.child?.kill();
    this.child = undefined;
  }

  private worker(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const child = fork(this.options.workerScript, this.options.backend ? [this.options.backend] : [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: engineExecArgv(), // [] unless ADAPTERLAB_FMA=on needs the relaxed-SIMD flag (relaxedSimdFlag.ts)
    });
    child.on('message', (m: unknown) => {
      if (!isFromInference(m)) return this.options.onOutput?.(`ignored a message the inference worker should not send: ${JSON.stringify(m).slice(0, 200)}`);
      this.options.onAnyMessage?.(m);
      if (m.type === 'ready' || m.id === this.newest) this.options.onReply(m);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.options.onReply({
        type: 'failed',
        id: this.newest,
        message: `the inference worker ${signal ? `was killed (${signal})` : `exited with code ${code}`}`,
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => chunk.split('\n').forEach((line) => line.trim() && this.options.onOutput?.(line)));
    }
    this.child = child;
    return child;
  }
}

export function defaultInferenceScript(): string {
  return path.join(__dirname, 'inference.js');
}
