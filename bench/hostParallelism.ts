// What this host gives two threads right now: the same kernel work (our matmul kernel, a mini-sized feed-forward
// product, on each thread's own memory) timed on one thread alone and on two threads at once, alternately. Two free
// cores finish twice the work in the time of one (a gain of 2.0); a host that lends the second core to someone else
// gives less. The threads bench reports it beside its 2-thread speed-ups: a low gain says the run measured the host,
// not the split.
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { kernelBinary } from '../src/core/model/kernels/kernelVariant';

export interface HostParallelism {
  /** 2 × (one thread alone) ÷ (two threads at once), per round: 2.0 = two whole cores. */
  gains: number[];
  median: number;
}

const [M, K, N] = [512, 256, 1024]; // 134M multiply-adds, ~7 ms a product on this machine
const PRODUCTS = 20; // per thread per timing

const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const { bytes, m, k, n } = workerData;
const module = new WebAssembly.Module(bytes);
const memory = new WebAssembly.Memory({ initial: 256 });
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const f32 = new Float32Array(memory.buffer);
const [a, b, out] = [0, m * k * 4, m * k * 4 + k * n * 4];
const scratch = out + m * n * 4;
for (let i = 0; i < (m * k + k * n); i++) f32[i] = Math.sin(i);
if (scratch + kernel.matmul_scratch(m, k, n) * 4 > memory.buffer.byteLength) throw new Error('memory too small');
parentPort.on('message', (products) => {
  const start = performance.now();
  for (let p = 0; p < products; p++) kernel.matmul(a, b, 0, out, scratch, m, k, n, n, 0);
  parentPort.postMessage(performance.now() - start);
});
`;

/** `rounds` alternations of one thread alone and two at once (after one warm-up of each). */
export async function measureHostParallelism(rounds: number): Promise<HostParallelism> {
  const bytes = fs.readFileSync(kernelBinary('matmul'));
  const workers = [0, 1].map(() => new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, m: M, k: K, n: N } }));
  const time = (w: Worker) =>
    new Promise<number>((resolve, reject) => {
      w.once('error', reject);
      w.once('message', (ms: number) => {
        w.off('error', reject);
        resolve(ms);
      });
      w.postMessage(PRODUCTS);
    });
  try {
    const gains: number[] = [];
    for (let round = -1; round < rounds; round++) {
      const alone = await time(workers[0]);
      const together = Math.max(...(await Promise.all(workers.map(time))));
      if (round >= 0) gains.push((2 * alone) / together);
    }
    const sorted = [...gains].sort((a, b) => a - b);
    return { gains, median: sorted[Math.floor(sorted.length / 2)] };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
