// When a kernel call is split over the kernel thread pool (threadPool.ts), and how: the threads work in tfjs's heap
// (shared, sharedHeap.ts), each on its share of the outputs, with the same kernel code as one thread (the same C,
// the same float32 operations in the same order), so the results are bit for bit those of one thread. The kernels'
// wrappers choose the shares (pieces(): 2 per thread, claimed as the threads come):
//   matmul.ts: rows of a (strips of 4), or the output's columns (panels of 8) when b is the larger operand; each
//     output is still summed over k in ascending order;
//   gradients.ts: columns of x (= rows of dW, x read with its row stride; db by the first share), or columns of dy
//     and dW when dy is the wider (each share sums its columns of db);
//   attention.ts: sequences of the batch (every head of a sequence on one thread);
//   elementwise.ts, optimizer.ts: elements in whole SIMD vectors (GELU, the dropout multiplier, AdamW), rows
//     (LayerNorm, its input gradient), columns (LayerNorm's dgamma and dbeta, each summed over all rows in order);
//   losses.ts: rows of the logits.
import * as path from 'path';
import { fmaKernels, kernelBinary } from './kernelVariant';
import { type WasmMemory, tfjsHeap } from './loader';
import { isSharedMemory } from './sharedHeap';
import { type KernelPool, KernelPool as Pool, type PoolTask, type SharedMemory } from './threadPool';

// The shared builds of the variant in use now (FMA or plain, kernelVariant.ts).
const sharedKernels = () => [
  { name: 'matmul', file: kernelBinary('matmul', true), functions: ['matmul'] },
  { name: 'gradients', file: kernelBinary('gradients', true), functions: ['weight_gradient'] },
  { name: 'attention', file: kernelBinary('attention', true), functions: ['attention_forward', 'attention_backward'] },
  {
    name: 'elementwise',
    file: path.join(__dirname, 'elementwise.shared.wasm'),
    functions: ['gelu_forward', 'gelu_backward', 'layer_norm_forward', 'layer_norm_input_gradient', 'layer_norm_parameter_gradients', 'dropout_mask'],
  },
  { name: 'optimizer', file: path.join(__dirname, 'optimizer.shared.wasm'), functions: ['adamw_update'] },
  {
    name: 'losses',
    file: path.join(__dirname, 'losses.shared.wasm'),
    functions: ['xent_labels_forward', 'xent_targets_forward', 'xent_labels_backward', 'xent_targets_backward'],
  },
];

/**
 * What a threaded call computes: x·W + b, dy·Wᵀ, dW = xᵀ·dy, attention (its forward and backward), each sized in
 * multiply-adds; or a pass over memory (GELU, LayerNorm, the dropout multiplier), sized in floats written.
 */
export type KernelKind = 'forward' | 'inputGradient' | 'weightGradient' | 'attention' | 'elementwise';

// Below this size a call stays on one thread. With one fixed share per thread, a split only paid from 2²⁴–2²⁵
// multiply-adds: on smaller calls (0.1–1 ms) waiting for a thread that woke late cost as much as half the work, and
// tiny-18 steps ran 0.78–1.26× at 2 threads with lower thresholds (docs/speed.md, run A). With tasks claimed as the
// threads come (threadPool.ts), a late thread costs little, and thresholds 16 times lower paid at every size
// measured (bench/stepsPaired.ts and bench/pretrainPaired.ts, 2 threads, settings interleaved step by step; ÷ 1 →
// ÷ 16): tiny-18 full steps 1.23× → 1.36×, Houlsby 1.21× → 1.45×; tiny 1.38× → 1.41×; lab-base pre-training
// 1.47× → 1.55× (6 rounds, ± 0.05), so calls of ~0.05 ms and more now split.
const MIN_SIZE: Record<KernelKind, number> = {
  forward: 1 << 20,
  inputGradient: 1 << 20,
  weightGradient: 1 << 21,
  attention: 1 << 19,
  elementwise: 1 << 14,
};
let thresholds: Record<KernelKind, number> = MIN_SIZE;

/** For the bench and tests: split calls of every size (0), or back to the measured thresholds (null), or those ÷ `divisor`. */
export function setThreadThresholds(minimum: 0 | null, divisor = 1): void {
  thresholds = Object.fromEntries(Object.entries(MIN_SIZE).map(([kind, size]) => [kind, minimum === 0 ? 0 : size / divisor])) as Record<KernelKind, number>;
}

let wanted = 1;
// One pool per heap, thread count and variant asked for, kept while the process lives (idle workers wait on a futex
// and do not keep it alive), so that switching back and forth (the benchmark does) starts no new threads. null:
// cannot start (warned once).
const pools = new WeakMap<WasmMemory, Map<string, KernelPool | null>>();

/** Sets how many threads the kernels use from now on (1: the single-threaded kernels in tfjs's heap, no pool). */
export function setKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`kernel threads must be a whole number ≥ 1, not ${threads}`);
  wanted = threads;
}

/** Runs `f` with the kernels on `threads` threads, then goes back to the setting before. */
export function withKernelThreads<T>(threads: number, f: () => T): T {
  const before = wanted;
  setKernelThreads(threads);
  try {
    return f();
  } finally {
    wanted = before;
  }
}

/** The threads the kernels use now: the setting, or 1 when the pool could not start. */
export function kernelThreads(): number {
  return active()?.threads ?? 1;
}

/** The pool when the kernels run threaded and a `kind` call of `multiplyAdds` pays to split; null: one thread, in place. */
export function poolFor(kind: KernelKind, multiplyAdds: number): KernelPool | null {
  return multiplyAdds >= thresholds[kind] ? active() : null;
}

function active(): KernelPool | null {
  if (wanted <= 1) return null;
  const heap = tfjsHeap();
  if (!heap) return null;
  let byKey = pools.get(heap.memory);
  if (!byKey) pools.set(heap.memory, (byKey = new Map()));
  const key = `${wanted}${fmaKernels() ? ' fma' : ''}`;
  let pool = byKey.get(key);
  if (pool === undefined) {
    try {
      if (!isSharedMemory(heap.memory)) throw new Error("tfjs's wasm heap is not shared (see the warning before)");
      pool = new Pool(wanted, sharedKernels(), heap.memory as SharedMemory);
    } catch (e) {
      process.emitWarning(`${e instanceof Error ? e.message : String(e)}; the kernels run on one thread`, 'AdapterLabKernelWarning');
      pool = null;
    }
    byKey.set(key, pool);
  }
  return pool;
}

// Tasks per thread of a split call: threads claim them as they come (threadPool.ts), so one that starts late or is
// slowed down does less instead of holding the call up. More tasks cost more: each packs the operand it does not
// split again (bench/pretrainPaired.ts, lab-base pre-training at 2 threads, 6 rounds: 1, 2, 4, 8 tasks a thread
// 1.68×, 1.67×, 1.65×, 1.57× ± 0.03 faster than 1 thread); 2 keeps a margin for a late thread.
const PIECES_PER_THREAD = 2;
let piecesPerThread: Partial<Record<KernelKind, number>> & { default: number } = { default: PIECES_PER_THREAD };

/** For the bench: tasks per thread of a split call, overall and by kind (undefined: the default). */
export function setPiecesPerThread(n = PIECES_PER_THREAD, byKind: Partial<Record<KernelKind, number>> = {}): void {
  piecesPerThread = { default: n, ...byKind };
}

/** How many shares a call on `pool` is split into (1: no pool, one call on this thread). */
export function pieces(pool: KernelPool | null, kind?: KernelKind): number {
  return pool ? pool.threads * ((kind && piecesPerThread[kind]) || piecesPerThread.default) : 1;
}

/** [start, end) of each of `parts` tasks over `count` items, in multiples of `unit` (empty tasks at the end). */
export function shares(count: number, parts: number, unit: number): [number, number][] {
  const size = Math.ceil(count / parts / unit) * unit;
  return Array.from({ length: parts }, (_, t) => [Math.min(count, t * size), Math.min(count, (t + 1) * size)]);
}

/** The task ranges of a `kind` call over `count` items on `pool` (one range, all of it, with no pool). */
export function taskRanges(pool: KernelPool | null, count: number, unit: number, kind?: KernelKind): [number, number][] {
  return shares(count, pieces(pool, kind), unit);
}

/**
 * Runs one task per share: on the pool's threads, or — no pool — the one task on this thread with `own` (the
 * kernel's exports bound to tfjs's heap). Null tasks (empty shares) run nothing.
 */
export function runShares(pool: KernelPool | null, tasks: (PoolTask | null)[], own: object): void {
  if (pool) return pool.run(tasks);
  if (tasks.length !== 1) throw new Error(`${tasks.length} shares without a thread pool`);
  const task = tasks[0];
  if (task) (own as Record<string, (...args: number[]) => unknown>)[task.fn](...task.args);
}

/**
 * A pass over `count` items (rows, columns, elements) of a `kind` call writing `size` (its measure, see KernelKind):
 * split into shares of whole multiples of `unit` over the threads when that pays, else one call on this thread.
 * `task(start, end)` gives the function and arguments for the items [start, end).
 */
export function runSplit(
  kernel: string,
  kind: KernelKind,
  size: number,
  count: number,
  unit: number,
  own: object,
  task: (start: number, end: number) => { fn: string; args: number[] },
): void {
  const pool = poolFor(kind, size);
  const parts = taskRanges(pool, count, unit);
  runShares(
    pool,
    parts.map(([start, end]) => (end > start ? { kernel, ...task(start, end) } : null)),
    own,
  );
}
