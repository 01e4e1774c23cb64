// The kernel thread pool (src/core/model/kernels/threadPool.ts) on its own shared memory: threads claim a call's tasks
// as they come, so every task must run (whichever thread takes it) and a call may have more tasks than threads; a
// failing task fails the call without leaving the pool stuck.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelBinary } from '../../src/core/model/kernels/kernelVariant';
import { KernelPool, MAX_TASKS, type SharedMemory } from '../../src/core/model/kernels/threadPool';

const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Memory: new (d: object) => SharedMemory } };
const memory = new wasm.Memory({ initial: 64, maximum: 65536, shared: true });
const pools: KernelPool[] = [];
after(() => Promise.all(pools.map((p) => p.close())));

function pool(threads: number): KernelPool {
  const p = new KernelPool(threads, [{ name: 'matmul', file: kernelBinary('matmul', true), functions: ['matmul'] }], memory);
  pools.push(p);
  return p;
}

// a [m, k] at byte 0, b [k, n] after it, out [m, n] after b, then one scratch block per task.
const [m, k, n] = [4 * MAX_TASKS, 24, 40];
const f32 = new Float32Array(memory.buffer);
const A = 0;
const B = A + m * k * 4;
const OUT = B + k * n * 4;
const SCRATCH = OUT + m * n * 4;
const SCRATCH_BYTES = 16 * 1024; // ≥ matmul_scratch(64, 24, 40) floats

function fillOperands(): Float32Array {
  for (let i = 0; i < m * k; i++) f32[A / 4 + i] = Math.sin(i) * 2;
  for (let i = 0; i < k * n; i++) f32[B / 4 + i] = Math.cos(i * 0.7);
  const expected = new Float32Array(m * n);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < n; c++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += f32[A / 4 + r * k + p] * f32[B / 4 + p * n + c];
      expected[r * n + c] = sum;
    }
  return expected;
}

/** One task per strip of `rows` rows of the product (out rows first set to NaN, so a task that never ran shows). */
function stripTasks(rows: number) {
  f32.fill(Number.NaN, OUT / 4, OUT / 4 + m * n);
  return Array.from({ length: m / rows }, (_, t) => ({
    kernel: 'matmul',
    fn: 'matmul',
    args: [A + t * rows * k * 4, B, 0, OUT + t * rows * n * 4, SCRATCH + t * SCRATCH_BYTES, rows, k, n, n, 0],
  }));
}

function assertProduct(expected: Float32Array, what: string): void {
  const out = f32.subarray(OUT / 4, OUT / 4 + m * n);
  const bad = out.findIndex((v, i) => !(Math.abs(v - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i]))));
  assert.equal(bad, -1, `${what}: out[${bad}] = ${out[bad]}, expected ${expected[bad]}`);
}

test('every task of a call runs once it returns: more tasks than threads, calls back to back, empty tasks skipped', () => {
  const expected = fillOperands();
  for (const threads of [2, 3]) {
    const p = pool(threads);
    for (const rows of [4, 8, 64]) {
      for (let call = 0; call < 50; call++) {
        p.run(stripTasks(rows));
        assertProduct(expected, `${threads} threads, ${m / rows} tasks, call ${call}`);
      }
    }
    const tasks = stripTasks(16);
    p.run([null, ...tasks.slice(0, 5), null, ...tasks.slice(5), null]);
    assertProduct(expected, `${threads} threads with empty tasks`);
  }
});

test('a call of more than MAX_TASKS tasks, or of a function the pool lacks, is refused', () => {
  const p = pool(2);
  const task = stripTasks(4)[0];
  assert.throws(() => p.run(Array.from({ length: MAX_TASKS + 1 }, () => task)), /at most 64/);
  assert.throws(() => p.run([task, { ...task, fn: 'gelu_forward' }]), /has no matmul\.gelu_forward/);
});

test('a task that traps fails its call; the pool then runs the next call in full', () => {
  const expected = fillOperands();
  const p = pool(2);
  for (let attempt = 0; attempt < 5; attempt++) {
    const tasks = stripTasks(4);
    // Outside the memory: the kernel traps, on whichever thread claimed it.
    tasks[attempt * 7] = { ...tasks[attempt * 7], args: [memory.buffer.byteLength + 4096, ...tasks[attempt * 7].args.slice(1)] };
    const stderr = process.stderr.write;
    process.stderr.write = () => true; // a worker reports its trap on stderr
    try {
      assert.throws(() => p.run(tasks), /out of bounds|kernel thread 1 failed/);
    } finally {
      process.stderr.write = stderr;
    }
    p.run(stripTasks(4));
    assertProduct(expected, `the call after failure ${attempt}`);
  }
});
