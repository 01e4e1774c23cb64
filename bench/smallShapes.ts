// Where splitting a kernel call over 2 threads starts to pay, per kind of call (threadedKernels.ts: forward x·W + b,
// input gradient dy·Wᵀ, weight gradient dW = xᵀ·dy with db, attention forward + backward): each size runs with
// 1 thread (in tfjs's heap) and 2 threads (every call split, thresholds off), interleaved round by round in a new
// random order, so a busy moment of this shared machine hits both alike. A sample repeats the call until it holds
// ~8M multiply-adds (a few ms), and is reported per call. The 1 ÷ 2 threads ratio is taken within each round
// (paired) and its median over the rounds reported, beside the minimum (least disturbed) and median of each side.
// Passes over memory (kind `elementwise`: GELU, the dropout multiplier) are sized in floats written, as poolFor takes them.
// Usage: node --expose-gc --import tsx bench/smallShapes.ts [rounds] [kind…]
// (writes bench/results-small-shapes.{json,md}; with kinds, bench/results-small-shapes-<kinds>.{json,md})
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/core/model/backend';
import { fusedAttention } from '../src/core/model/kernels/attention';
import { dropoutMaskKernel, fusedGelu } from '../src/core/model/kernels/elementwise';
import { weightAndBiasGradients } from '../src/core/model/kernels/gradients';
import { matmul, matmulTransposed } from '../src/core/model/kernels/matmul';
import { type KernelKind, kernelThreads, setKernelThreads, setThreadThresholds } from '../src/core/model/kernels/threadedKernels';
import { interleaved, median } from './measure';

interface Case {
  kind: KernelKind;
  shape: string;
  multiplyAdds: number;
  call: () => tf.Tensor | tf.Tensor[];
  dispose: () => void;
}

const SAMPLE_MULTIPLY_ADDS = 8e6;

function denseCases(): Case[] {
  const cases: Case[] = [];
  for (const [k, n] of [
    [128, 128],
    [128, 512],
    [512, 128],
  ])
    for (const rows of [32, 64, 128, 256, 576, 1152, 2048]) {
      const x = tf.randomNormal([rows, k], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([k, n], 0, 0.05, 'float32', 2) as tf.Tensor2D;
      const bias = tf.zeros([n]) as tf.Tensor1D;
      const dy = tf.randomNormal([rows, n], 0, 1, 'float32', 3) as tf.Tensor2D;
      const macs = rows * k * n;
      const dispose = () => tf.dispose([x, w, bias, dy]);
      cases.push(
        { kind: 'forward', shape: `[${rows}, ${k}]·[${k}, ${n}]`, multiplyAdds: macs, call: () => matmul(x, w, bias), dispose },
        { kind: 'inputGradient', shape: `[${rows}, ${n}]·[${k}, ${n}]ᵀ`, multiplyAdds: macs, call: () => matmulTransposed(dy, w), dispose: () => {} },
        { kind: 'weightGradient', shape: `[${rows}, ${k}]ᵀ·[${rows}, ${n}]`, multiplyAdds: macs, call: () => weightAndBiasGradients(x, dy), dispose: () => {} },
      );
    }
  return cases;
}

function attentionCases(): Case[] {
  const cases: Case[] = [];
  for (const [batch, heads, headSize, lengths] of [
    [32, 4, 32, [8, 12, 18, 24, 32, 48, 64]],
    [16, 4, 64, [8, 18, 32, 64, 128]],
  ] as const)
    for (const length of lengths) {
      const d = heads * headSize;
      const [q, k, v] = [4, 5, 6].map((seed) => tf.randomNormal([batch * length, d], 0, 1, 'float32', seed) as tf.Tensor2D);
      const mask = tf.zeros([batch, length]) as tf.Tensor2D;
      const shape = { batch, length, heads };
      const f = (qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) =>
        tf.sum(fusedAttention(qi as tf.Tensor2D, ki as tf.Tensor2D, vi as tf.Tensor2D, mask, null, shape));
      cases.push({
        kind: 'attention',
        shape: `B ${batch}, T ${length}, H ${heads}, d ${headSize}`,
        multiplyAdds: batch * heads * length * length * headSize, // the measure poolFor takes
        call: () => tf.grads(f)([q, k, v]),
        dispose: () => tf.dispose([q, k, v, mask]),
      });
    }
  return cases;
}

function elementwiseCases(): Case[] {
  const cases: Case[] = [];
  for (const floats of [1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21]) {
    const x = tf.randomNormal([floats], 0, 1, 'float32', 7);
    cases.push(
      { kind: 'elementwise', shape: `GELU, ${floats} floats`, multiplyAdds: floats, call: () => fusedGelu(x), dispose: () => x.dispose() },
      {
        kind: 'elementwise',
        shape: `dropout multiplier, ${floats} floats`,
        multiplyAdds: floats,
        call: () => dropoutMaskKernel([floats], 9, 2 ** 31, 2),
        dispose: () => {},
      },
    );
  }
  return cases;
}

interface Row {
  kind: KernelKind;
  shape: string;
  multiplyAdds: number;
  calls: number;
  /** Per call, ms: by thread count, min and median of wall and CPU over the rounds. */
  ms: Record<number, { minWall: number; medianWall: number; minCpu: number; medianCpu: number }>;
  /** Median over the rounds of 1-thread wall ÷ 2-thread wall of the same round (> 1: 2 threads faster). */
  pairedWallRatio: number;
  /** The same of the rounds' CPU time (< 1: 2 threads cost more CPU). */
  pairedCpuRatio: number;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 25);
  const kinds = process.argv.slice(3);
  await selectBackend('wasm');
  const cases = [...denseCases(), ...attentionCases(), ...elementwiseCases()].filter((c) => !kinds.length || kinds.includes(c.kind));
  setThreadThresholds(0);
  const variants = cases.flatMap((c) =>
    [1, 2].map((threads) => {
      const calls = Math.max(1, Math.round(SAMPLE_MULTIPLY_ADDS / c.multiplyAdds));
      return {
        c,
        threads,
        calls,
        run: () => {
          setKernelThreads(threads);
          for (let i = 0; i < calls; i++) tf.dispose(c.call());
        },
      };
    }),
  );
  setKernelThreads(2);
  if (kernelThreads() !== 2) throw new Error('the kernel thread pool did not start');
  const loadBefore = os.loadavg();
  const started = new Date().toISOString();
  const timings = interleaved(variants, 2, rounds);
  const loadAfter = os.loadavg();
  setKernelThreads(1);
  setThreadThresholds(null);
  const rows: Row[] = cases.map((c) => {
    const [one, two] = [1, 2].map((threads) => {
      const [v, t] = [...timings].find(([variant]) => variant.c === c && variant.threads === threads)!;
      return { calls: v.calls, wall: t.wallSamplesMs.map((ms) => ms / v.calls), cpu: t.cpuSamplesMs.map((ms) => ms / v.calls) };
    });
    const side = (s: typeof one) => ({ minWall: Math.min(...s.wall), medianWall: median(s.wall), minCpu: Math.min(...s.cpu), medianCpu: median(s.cpu) });
    return {
      kind: c.kind,
      shape: c.shape,
      multiplyAdds: c.multiplyAdds,
      calls: one.calls,
      ms: { 1: side(one), 2: side(two) },
      pairedWallRatio: median(one.wall.map((w, i) => w / two.wall[i])),
      pairedCpuRatio: median(one.cpu.map((w, i) => w / two.cpu[i])),
    };
  });
  cases.forEach((c) => c.dispose());
  const result = { started, rounds, machine: `${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, Node ${process.version}`, loadBefore, loadAfter, rows };
  const name = `results-small-shapes${kinds.length ? `-${kinds.join('-')}` : ''}`; // a run of some kinds keeps the full tables
  writeFileSync(path.join(__dirname, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(__dirname, `${name}.md`), markdown(result));
  process.stdout.write(markdown(result));
}

function markdown(r: { started: string; rounds: number; machine: string; loadBefore: number[]; loadAfter: number[]; rows: Row[] }): string {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const lines = [
    '# Kernel calls at small shapes: 1 and 2 threads',
    '',
    `\`node --expose-gc --import tsx bench/smallShapes.ts ${r.rounds}\`, ${r.started}: ${r.machine}; 2 warm-up + ${r.rounds} rounds, every variant once a round in a new random order; each sample repeats the call up to ~8M multiply-adds and is shown per call. 2 threads: every call split (thresholds off).`,
    '',
    `**Load average (1 / 5 / 15 min): ${load(r.loadBefore)} at the start, ${load(r.loadAfter)} at the end.**`,
    '',
    'ms per call; "1 ÷ 2" is the median over the rounds of the 1-thread time ÷ the 2-thread time of the same round (> 1: 2 threads faster).',
    '',
    '| kind | shape | multiply-adds | 1 thread wall min / median | 2 threads wall min / median | 1 ÷ 2 wall | 1 thread CPU median | 2 threads CPU median | 1 ÷ 2 CPU |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(
      (x) =>
        `| ${x.kind} | ${x.shape} | ${(x.multiplyAdds / 1e6).toFixed(2)}M | ${f(x.ms[1].minWall)} / ${f(x.ms[1].medianWall)} | ${f(x.ms[2].minWall)} / ${f(x.ms[2].medianWall)} | ${x.pairedWallRatio.toFixed(2)}× | ${f(x.ms[1].medianCpu)} | ${f(x.ms[2].medianCpu)} | ${x.pairedCpuRatio.toFixed(2)}× |`,
    ),
    '',
  ];
  return lines.join('\n');
}

void main();
