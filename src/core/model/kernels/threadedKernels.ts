// The dense product, the weight gradient and fused attention split over the kernel thread pool (threadPool.ts).
// Operands are copied from tfjs's heap into the pool's shared memory and results back. Each thread computes whole
// output elements with the same kernel code as the single-threaded .wasm (the same C, the same float32 operations
// in the same order), so the results are bit for bit those of one thread:
//   matmul: rows of a (and of the output), in strips of 4; each output is still summed over k in ascending order;
//   weight gradient: columns of x (= rows of dW, copied per thread as a contiguous block); db on thread 0 only;
//   attention: sequences of the batch (every head of a sequence on one thread).
import { fmaKernels, kernelBinary } from './kernelVariant';
import { type KernelPool, KernelPool as Pool } from './threadPool';

const MATMUL = 0;
const GRADIENTS = 1;
const ATTENTION = 2;
// The shared builds of the variant in use now (FMA or plain, kernelVariant.ts), in the order of the indices above.
const sharedKernels = () => [
  { file: kernelBinary('matmul', true), functions: ['matmul', 'matmul_scratch'] },
  { file: kernelBinary('gradients', true), functions: ['weight_gradient', 'weight_gradient_scratch'] },
  { file: kernelBinary('attention', true), functions: ['attention_forward', 'attention_backward'] },
];

/** What a threaded call computes: x·W + b, dy·Wᵀ, dW = xᵀ·dy, or attention (its forward and backward). */
export type KernelKind = 'forward' | 'inputGradient' | 'weightGradient' | 'attention';

// Below this many multiply-adds a call stays on one thread in tfjs's heap: waking a worker and the copies into and
// out of the shared memory cost more than the half of the work the worker takes over. Measured with
// bench/smallShapes.ts (two runs, docs/speed.md "Small shapes"; the least disturbed of 40 interleaved rounds): a
// split dense product or input gradient is slower up to 4.2M multiply-adds, about even at 8–9M, 1.1–1.8× faster from
// 16.8M; the weight gradient (whose split also copies x block by block) about even from 8.4M to 18.9M, faster from
// 33.6M; attention slower up to 2.4M, even at 4.2M, faster from 9.4M. With the other core busy a split rarely pays
// at any size (ibid.): thresholds by size cannot help there.
const MIN_MULTIPLY_ADDS: Record<KernelKind, number> = {
  forward: 1 << 24,
  inputGradient: 1 << 24,
  weightGradient: 1 << 25,
  attention: 1 << 23,
};
let thresholds: Record<KernelKind, number> = MIN_MULTIPLY_ADDS;

/** For the bench: split calls of every size (0), or back to the measured thresholds (null). */
export function setThreadThresholds(minimum: 0 | null): void {
  thresholds = minimum === null ? MIN_MULTIPLY_ADDS : { forward: 0, inputGradient: 0, weightGradient: 0, attention: 0 };
}

let wanted = 1;
// One pool per thread count and variant asked for, kept while the process lives (idle workers wait on a futex and
// do not keep it alive), so that switching back and forth (the benchmark does) starts no new threads. null: cannot start.
const pools = new Map<string, KernelPool | null>();

/** Sets how many threads the kernels use from now on (1: the single-threaded kernels in tfjs's heap, no pool). */
export function setKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`kernel threads must be a whole number ≥ 1, not ${threads}`);
  wanted = threads;
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
  const key = `${wanted}${fmaKernels() ? ' fma' : ''}`;
  let pool = pools.get(key);
  if (pool === undefined) {
    try {
      pool = new Pool(wanted, sharedKernels());
    } catch (e) {
      process.emitWarning(`${e instanceof Error ? e.message : String(e)}; the kernels run on one thread`, 'AdapterLabKernelWarning');
      pool = null;
    }
    pools.set(key, pool);
  }
  return pool;
}

/** [start, end) of each thread's share of `count` items, in multiples of `unit` (empty shares at the end). */
export function shares(count: number, threads: number, unit: number): [number, number][] {
  const size = Math.ceil(count / threads / unit) * unit;
  return Array.from({ length: threads }, (_, t) => [Math.min(count, t * size), Math.min(count, (t + 1) * size)]);
}

/** out [m, n] = a [m, k] · b [k, n] (or bᵀ for b [n, k]) + bias [n]: views of tfjs's heap. */
export function matmulOnThreads(
  p: KernelPool,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  bTransposed: boolean,
): void {
  p.reset();
  const [pa, pb, pbias, pout] = [m * k, k * n, bias ? n : 0, m * n].map((f) => (f ? p.alloc(f) : 0));
  const parts = shares(m, p.threads, 4);
  const scratch = parts.map(([r0, r1]) => p.alloc(p.call(MATMUL, 'matmul_scratch', [r1 - r0, k, n])));
  const f = p.floats();
  f.set(a, pa / 4);
  f.set(b, pb / 4);
  if (bias) f.set(bias, pbias / 4);
  p.run(
    parts.map(([r0, r1], t) =>
      r1 > r0 ? { kernel: MATMUL, fn: 'matmul', args: [pa + r0 * k * 4, pb, pbias, pout + r0 * n * 4, scratch[t], r1 - r0, k, n, bTransposed ? 1 : 0] } : null,
    ),
  );
  out.set(p.floats().subarray(pout / 4, pout / 4 + m * n));
}

/** dw [in, out] = xᵀ·dy and db [out] = Σ_rows dy (db null: not wanted), x [rows, in], dy [rows, out]: views of tfjs's heap. */
export function weightGradientOnThreads(
  p: KernelPool,
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  db: Float32Array | null,
  rows: number,
  inputs: number,
  outputs: number,
): void {
  p.reset();
  const parts = shares(inputs, p.threads, 4);
  const xs = parts.map(([i0, i1]) => p.alloc(rows * (i1 - i0)));
  const [pdy, pdw, pdb] = [rows * outputs, inputs * outputs, db ? outputs : 0].map((f) => (f ? p.alloc(f) : 0));
  const scratch = parts.map(([i0, i1]) => p.alloc(p.call(GRADIENTS, 'weight_gradient_scratch', [rows, i1 - i0, outputs])));
  const f = p.floats();
  parts.forEach(([i0, i1], t) => {
    const width = i1 - i0;
    if (width === inputs) f.set(x, xs[t] / 4);
    else for (let r = 0; r < rows; r++) f.set(x.subarray(r * inputs + i0, r * inputs + i1), xs[t] / 4 + r * width);
  });
  f.set(dy, pdy / 4);
  p.run(
    parts.map(([i0, i1], t) =>
      i1 > i0 || t === 0
        ? { kernel: GRADIENTS, fn: 'weight_gradient', args: [xs[t], pdy, pdw + i0 * outputs * 4, t === 0 ? pdb : 0, scratch[t], rows, i1 - i0, outputs] }
        : null,
    ),
  );
  const g = p.floats();
  dw.set(g.subarray(pdw / 4, pdw / 4 + inputs * outputs));
  if (db) db.set(g.subarray(pdb / 4, pdb / 4 + outputs));
}

export interface AttentionDims {
  batch: number;
  length: number;
  heads: number;
  headSize: number;
  scale: number;
}

/**
 * Attention's forward (attention.c) over the batch: q, k, v [B·T, d], mask [B, T], keep [B, H, T, T] or null in;
 * probs [B, H, T, T] and ctx [B·T, d] out. `scratch`: floats a thread needs.
 */
export function attentionForwardOnThreads(
  p: KernelPool,
  inputs: { q: Float32Array; k: Float32Array; v: Float32Array; mask: Float32Array; keep: Float32Array | null },
  outputs: { probs: Float32Array; ctx: Float32Array },
  dims: AttentionDims,
  scratch: number,
): void {
  const { batch, length, heads, headSize, scale } = dims;
  const row = length * heads * headSize; // floats of one sequence in q, k, v, ctx
  const square = heads * length * length; // floats of one sequence in probs, keep
  p.reset();
  const at = copyIn(p, { q: inputs.q, k: inputs.k, v: inputs.v, mask: inputs.mask, keep: inputs.keep });
  const out = { probs: p.alloc(batch * square), ctx: p.alloc(batch * row) };
  const parts = shares(batch, p.threads, 1);
  const work = parts.map(() => p.alloc(scratch));
  p.run(
    parts.map(([b0, b1], t) =>
      b1 > b0
        ? {
            kernel: ATTENTION,
            fn: 'attention_forward',
            args: [
              at.q + b0 * row * 4,
              at.k + b0 * row * 4,
              at.v + b0 * row * 4,
              at.mask + b0 * length * 4,
              inputs.keep ? at.keep + b0 * square * 4 : 0,
              out.probs + b0 * square * 4,
              out.ctx + b0 * row * 4,
              work[t],
              b1 - b0,
              length,
              heads,
              headSize,
              scale,
            ],
          }
        : null,
    ),
  );
  copyOut(p, out, outputs);
}

/** Attention's backward over the batch: dctx, q, k, v, probs, keep in (as the forward's); dq, dk, dv out. */
export function attentionBackwardOnThreads(
  p: KernelPool,
  inputs: { dctx: Float32Array; q: Float32Array; k: Float32Array; v: Float32Array; probs: Float32Array; keep: Float32Array | null },
  outputs: { dq: Float32Array; dk: Float32Array; dv: Float32Array },
  dims: AttentionDims,
  scratch: number,
): void {
  const { batch, length, heads, headSize, scale } = dims;
  const row = length * heads * headSize;
  const square = heads * length * length;
  p.reset();
  const at = copyIn(p, inputs);
  const out = { dq: p.alloc(batch * row), dk: p.alloc(batch * row), dv: p.alloc(batch * row) };
  const parts = shares(batch, p.threads, 1);
  const work = parts.map(() => p.alloc(scratch));
  const seq = (base: number, b0: number) => base + b0 * row * 4;
  p.run(
    parts.map(([b0, b1], t) =>
      b1 > b0
        ? {
            kernel: ATTENTION,
            fn: 'attention_backward',
            args: [
              seq(at.dctx, b0),
              seq(at.q, b0),
              seq(at.k, b0),
              seq(at.v, b0),
              at.probs + b0 * square * 4,
              inputs.keep ? at.keep + b0 * square * 4 : 0,
              seq(out.dq, b0),
              seq(out.dk, b0),
              seq(out.dv, b0),
              work[t],
              b1 - b0,
              length,
              heads,
              headSize,
              scale,
            ],
          }
        : null,
    ),
  );
  copyOut(p, out, outputs);
}

/** Copies each array into the pool's memory; its byte offset there (0 for null). */
function copyIn<K extends string>(p: KernelPool, arrays: Record<K, Float32Array | null>): Record<K, number> {
  const at = {} as Record<K, number>;
  for (const key of Object.keys(arrays) as K[]) at[key] = arrays[key] ? p.alloc(arrays[key].length) : 0;
  const f = p.floats();
  for (const key of Object.keys(arrays) as K[]) if (arrays[key]) f.set(arrays[key], at[key] / 4);
  return at;
}

function copyOut<K extends string>(p: KernelPool, at: Record<K, number>, into: Record<K, Float32Array>): void {
  const f = p.floats();
  for (const key of Object.keys(into) as K[]) into[key].set(f.subarray(at[key] / 4, at[key] / 4 + into[key].length));
}
