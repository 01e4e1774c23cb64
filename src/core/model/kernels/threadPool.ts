// A pool of worker threads that run the *.shared.wasm kernels over one shared WebAssembly memory, so that one run
// uses more than one core. tfjs's own heap cannot be shared (its emscripten module was built without threads), so
// callers copy operands into this memory and results back (see threadedKernels.ts; the copies were measured against
// the work there). A call is synchronous, like the tfjs op it serves: the calling thread runs task 0 itself, wakes
// the workers for the others (Atomics.notify) and blocks (Atomics.wait, allowed on Node's main thread) until all
// are done. Each task writes only its own outputs and scratch, so no locks are needed.
import { Worker } from 'worker_threads';
import { type WasmModule, compileKernel, instantiateKernel, wasmApi } from './loader';

/** One function call on one thread: the kernel (index into the pool's kernels), the function's name and arguments. */
export interface PoolTask {
  kernel: number;
  fn: string;
  args: number[];
}

export interface PoolKernel {
  file: string;
  functions: string[];
}

interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB: the --max-memory the shared kernels are linked with (scripts/build-kernels.mjs)
// The first bytes are never handed out, so that offset 0 can mean "none" to a kernel, as in tfjs's heap.
const RESERVED = 16;
const SLOT = 32; // f64 values per thread: kernel, function, argument count, arguments
// Both sides wait with a timeout and look again: a wake-up that never arrives (seen once in ~10⁴ calls on a loaded
// machine, both threads then asleep) costs at most this long instead of hanging the run.
const WAIT_MS = 20;
// A call that has not finished after this long has lost a thread: fail the run rather than wait forever.
const GIVE_UP_MS = 120_000;
// Control words (Int32Array): the job's generation, threads still working, stop, a worker's error.
const GENERATION = 0;
const PENDING = 1;
const STOP = 2;
const FAILED = 3;

// The worker: instantiates every kernel on the shared memory, then waits for a generation, runs its slot, counts down.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { memory, modules, functions, control, slots, index } = workerData;
const c = new Int32Array(control), s = new Float64Array(slots);
const fns = modules.map((m, k) => { const e = new WebAssembly.Instance(m, { env: { memory } }).exports; return functions[k].map((f) => e[f]); });
let generation = 0;
for (;;) {
  const next = Atomics.load(c, ${GENERATION});
  if (next === generation) {
    Atomics.wait(c, ${GENERATION}, generation, ${WAIT_MS});
    continue;
  }
  generation = next;
  if (Atomics.load(c, ${STOP})) break;
  const at = index * ${SLOT};
  if (s[at] >= 0) {
    try { fns[s[at]][s[at + 1]](...s.subarray(at + 3, at + 3 + s[at + 2])); }
    catch (e) { Atomics.store(c, ${FAILED}, index); console.error('kernel thread ' + index + ': ' + (e && e.stack || e)); }
  }
  if (Atomics.sub(c, ${PENDING}, 1) === 1) Atomics.notify(c, ${PENDING});
}
`;

export class KernelPool {
  readonly memory: SharedMemory;
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly slots: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly own: ((...args: number[]) => number)[][];
  private top = RESERVED;

  /** Starts threads − 1 workers (the calling thread is the first thread); throws if a kernel cannot be compiled. */
  constructor(
    readonly threads: number,
    private readonly kernels: PoolKernel[],
  ) {
    const Memory = wasmApi.Memory as unknown as new (d: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
    this.memory = new Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const modules: WasmModule[] = kernels.map((k) => {
      const m = compileKernel(k.file);
      if (m instanceof Error) throw m;
      return m;
    });
    this.own = modules.map((m, i) => {
      const e = instantiateKernel<Record<string, (...args: number[]) => number>>(m, this.memory as never);
      return kernels[i].functions.map((f) => e[f]);
    });
    this.slots = new Float64Array(new SharedArrayBuffer(threads * SLOT * 8));
    const functions = kernels.map((k) => k.functions);
    for (let index = 1; index < threads; index++) {
      const workerData = { memory: this.memory, modules, functions, control: this.control.buffer, slots: this.slots.buffer, index };
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      worker.unref(); // an idle pool must not keep the process alive
      this.workers.push(worker);
    }
  }

  /** Starts a new set of allocations (those of the call before are no longer needed). */
  reset(): void {
    this.top = RESERVED;
  }

  /** Byte offset of room for `floats` float32 values in the shared memory, 16-byte aligned; grows the memory. */
  alloc(floats: number): number {
    const at = this.top;
    this.top = at + Math.ceil((Math.max(1, floats) * 4) / 16) * 16;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const pages = Math.ceil((this.top - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new Error(`the kernel thread pool needs ${this.top} bytes, more than its 2 GiB memory`);
      this.memory.grow(pages);
    }
    return at;
  }

  /** A view of the shared memory as float32 (take it after alloc: growing replaces the buffer). */
  floats(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** Calls a function of a kernel on this thread (for the small parts that do not pay to split, such as scratch sizes). */
  call(kernel: number, fn: string, args: number[]): number {
    return this.own[kernel][this.kernels[kernel].functions.indexOf(fn)](...args);
  }

  /** Runs tasks[t] on thread t (null: nothing for it) and returns when all are done; tasks.length ≤ threads. */
  run(tasks: (PoolTask | null)[]): void {
    if (tasks.length > this.threads) throw new Error(`${tasks.length} tasks for a pool of ${this.threads} threads`);
    for (let t = 1; t < this.threads; t++) {
      const task = tasks[t] ?? null;
      const at = t * SLOT;
      if (!task) {
        this.slots[at] = -1;
        continue;
      }
      if (task.args.length > SLOT - 3) throw new Error(`${task.fn}: more than ${SLOT - 3} arguments`);
      this.slots[at] = task.kernel;
      this.slots[at + 1] = this.kernels[task.kernel].functions.indexOf(task.fn);
      this.slots[at + 2] = task.args.length;
      this.slots.set(task.args, at + 3);
    }
    const c = this.control;
    Atomics.store(c, PENDING, this.threads - 1);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    const first = tasks[0];
    if (first) this.call(first.kernel, first.fn, first.args);
    const started = Date.now();
    for (let left = Atomics.load(c, PENDING); left !== 0; left = Atomics.load(c, PENDING)) {
      if (Atomics.wait(c, PENDING, left, WAIT_MS) === 'timed-out' && Date.now() - started > GIVE_UP_MS)
        throw new Error(`${left} kernel thread(s) did not finish a call in ${GIVE_UP_MS / 1000} s; run with --threads 1`);
    }
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
