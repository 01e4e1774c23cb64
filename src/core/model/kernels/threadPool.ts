// A pool of worker threads that run the *.shared.wasm kernels in tfjs's heap, made a shared WebAssembly memory
// (sharedHeap.ts), so that one run uses more than one core with no copies: every thread reads the operands and
// writes its share of the outputs where tfjs keeps the tensors. A call is synchronous, like the tfjs op it serves:
// the calling thread publishes the call's tasks, wakes the workers (Atomics.notify), claims tasks itself like they
// do (an atomic counter), then blocks (Atomics.wait, allowed on Node's main thread) until all are done. A call has
// a few tasks per thread, so a thread that wakes late or is slowed by the host does fewer of them instead of holding
// the call up: with one fixed share per thread, the calling thread waited ~34 ms of a ~200 ms 2-thread pre-training
// step for the other's share (CPU profile), ~5 ms with claimed tasks (timed per call). Each task writes only its own
// outputs and scratch, so no locks are needed, and which thread runs a task never changes its result.
import { Worker } from 'worker_threads';
import { type WasmModule, compileKernel, instantiateKernel } from './loader';

/** One function call on one thread: the kernel (by name), the function's name and its arguments (byte offsets, sizes). */
export interface PoolTask {
  kernel: string;
  fn: string;
  args: number[];
}

/** A kernel the threads can run: its name, its shared build and the functions they may call. */
export interface PoolKernel {
  name: string;
  file: string;
  functions: string[];
}

/** A shared WebAssembly memory (tfjs's heap). */
export interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
}

const SLOT = 32; // f64 values per task: kernel, function, argument count, arguments
/** The most tasks one call may have. */
export const MAX_TASKS = 64;
// Both sides wait with a timeout and look again: a wake-up that never arrives (seen once in ~10⁴ calls on a loaded
// machine, both threads then asleep) costs at most this long instead of hanging the run.
const WAIT_MS = 20;
// After a call each side keeps looking for the next event this long before it sleeps: a training step makes its split
// calls back to back, and waking a sleeping thread (futex) took ~12% of a 2-thread pre-training step in waiting
// (CPU profile). Spinning is bounded, so an idle pool sleeps.
const SPIN_MS = 0.5;
// A call that has not finished after this long has lost a thread: fail the run rather than wait forever.
const GIVE_UP_MS = 120_000;
// Control words (Int32Array): the job's generation, tasks not yet finished, stop, a worker's error, the job's task
// count, and the next task to claim tagged with the job's generation (so that a thread still looking at an earlier
// job can never claim one of this job's tasks).
const GENERATION = 0;
const PENDING = 1;
const STOP = 2;
const FAILED = 3;
const COUNT = 4;
const NEXT = 5;
const INDEX_BITS = 12; // ≥ log2(MAX_TASKS)
const TAG_MASK = (1 << (31 - INDEX_BITS)) - 1; // the tagged word stays a positive Int32

// Claims the current job's tasks one at a time until none is left, running each (\`run(i)\`): the same source for the
// workers and the calling thread (built by new Function: a bundler's renaming cannot make the two differ).
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const CLAIM_SOURCE = `function claimTasks(c, generation, run) {
  const tag = (generation & ${TAG_MASK}) << ${INDEX_BITS};
  const count = Atomics.load(c, ${COUNT});
  for (;;) {
    const next = Atomics.load(c, ${NEXT});
    if ((next & ~${INDEX_MASK}) !== tag || (next & ${INDEX_MASK}) >= count) return;
    if (Atomics.compareExchange(c, ${NEXT}, next, next + 1) !== next) continue;
    run(next & ${INDEX_MASK});
    if (Atomics.sub(c, ${PENDING}, 1) === 1) Atomics.notify(c, ${PENDING});
  }
}`;
const claimTasks = new Function(`${CLAIM_SOURCE}; return claimTasks;`)() as (c: Int32Array, generation: number, run: (task: number) => void) => void;

// The worker: instantiates every kernel on the shared memory, then waits for a generation and claims tasks of it
// until none is left. A worker that wakes late finds them all claimed (the calling thread runs what nobody took).
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { memory, modules, functions, control, slots, index } = workerData;
const c = new Int32Array(control), s = new Float64Array(slots);
const fns = modules.map((m, k) => { const e = new WebAssembly.Instance(m, { env: { memory } }).exports; return functions[k].map((f) => e[f]); });
${CLAIM_SOURCE}
function runTask(i) {
  const at = i * ${SLOT};
  try { fns[s[at]][s[at + 1]](...s.subarray(at + 3, at + 3 + s[at + 2])); }
  catch (e) { Atomics.store(c, ${FAILED}, index); console.error('kernel thread ' + index + ': ' + (e && e.stack || e)); }
}
let generation = 0;
let spinUntil = 0;
for (;;) {
  const next = Atomics.load(c, ${GENERATION});
  if (next === generation) {
    if (performance.now() < spinUntil) continue;
    Atomics.wait(c, ${GENERATION}, generation, ${WAIT_MS});
    continue;
  }
  generation = next;
  if (Atomics.load(c, ${STOP})) break;
  claimTasks(c, generation, runTask);
  spinUntil = performance.now() + ${SPIN_MS};
}
`;

export class KernelPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(32));
  private readonly slots: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly own: ((...args: number[]) => number)[][];

  /** Starts threads − 1 workers on `memory` (the calling thread is the first thread); throws if a kernel cannot be compiled. */
  constructor(
    readonly threads: number,
    private readonly kernels: PoolKernel[],
    readonly memory: SharedMemory,
  ) {
    const modules: WasmModule[] = kernels.map((k) => {
      const m = compileKernel(k.file);
      if (m instanceof Error) throw m;
      return m;
    });
    this.own = modules.map((m, i) => {
      const e = instantiateKernel<Record<string, (...args: number[]) => number>>(m, this.memory as never);
      return kernels[i].functions.map((f) => e[f]);
    });
    this.slots = new Float64Array(new SharedArrayBuffer(MAX_TASKS * SLOT * 8));
    const functions = kernels.map((k) => k.functions);
    for (let index = 1; index < threads; index++) {
      const workerData = { memory: this.memory, modules, functions, control: this.control.buffer, slots: this.slots.buffer, index };
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      worker.unref(); // an idle pool must not keep the process alive
      this.workers.push(worker);
    }
  }

  /** Calls a function of a kernel on this thread. */
  call(task: PoolTask): number {
    const [kernel, fn] = this.indices(task);
    return this.own[kernel][fn](...task.args);
  }

  /** The kernel's and the function's indices of a task; throws for one the pool was not given. */
  private indices(task: PoolTask): [number, number] {
    const kernel = this.kernels.findIndex((k) => k.name === task.kernel);
    const fn = kernel < 0 ? -1 : this.kernels[kernel].functions.indexOf(task.fn);
    if (fn < 0) throw new Error(`the kernel thread pool has no ${task.kernel}.${task.fn}`);
    return [kernel, fn];
  }

  /**
   * Runs every task (null: nothing) on whichever thread claims it first, this one included, and returns when all are
   * done. Tasks must not depend on one another or on which thread runs them.
   */
  run(tasks: (PoolTask | null)[]): void {
    const live = tasks.filter((t): t is PoolTask => t !== null);
    if (live.length > MAX_TASKS) throw new Error(`${live.length} tasks in one call; at most ${MAX_TASKS}`);
    if (live.length <= 1) {
      if (live.length) this.call(live[0]);
      return;
    }
    const functions = live.map((task) => this.indices(task));
    live.forEach((task, i) => {
      if (task.args.length > SLOT - 3) throw new Error(`${task.fn}: more than ${SLOT - 3} arguments`);
      const at = i * SLOT;
      [this.slots[at], this.slots[at + 1]] = functions[i];
      this.slots[at + 2] = task.args.length;
      this.slots.set(task.args, at + 3);
    });
    const c = this.control;
    const generation = (Atomics.load(c, GENERATION) + 1) | 0;
    Atomics.store(c, COUNT, live.length);
    Atomics.store(c, PENDING, live.length);
    Atomics.store(c, NEXT, (generation & TAG_MASK) << INDEX_BITS);
    Atomics.store(c, GENERATION, generation);
    Atomics.notify(c, GENERATION, live.length - 1);
    let error: unknown;
    claimTasks(c, generation, (i) => {
      try {
        const [kernel, fn] = functions[i];
        this.own[kernel][fn](...live[i].args);
      } catch (e) {
        error ??= e;
      }
    });
    const started = Date.now();
    const spinUntil = performance.now() + SPIN_MS;
    for (let left = Atomics.load(c, PENDING); left !== 0; left = Atomics.load(c, PENDING)) {
      if (performance.now() < spinUntil) continue;
      if (Atomics.wait(c, PENDING, left, WAIT_MS) === 'timed-out' && Date.now() - started > GIVE_UP_MS)
        throw new Error(`${left} kernel task(s) did not finish in ${GIVE_UP_MS / 1000} s; run with --threads 1`);
    }
    if (error) throw error;
    const failed = Atomics.exchange(c, FAILED, 0);
    if (failed) throw new Error(`kernel thread ${failed} failed (its error is on stderr)`);
  }

  /** Stops the workers. */
  close(): Promise<unknown> {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
