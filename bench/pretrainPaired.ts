// Paired timing of pre-training steps under several settings in one process (issue 20): the lab-base pre-training
// model on real batches, each batch stepped once under every setting in turn, so that the host's slow drifts (these
// machines move the same command by 5–30% minutes apart) fall on all settings alike. Prints each setting's mean step
// over the rounds and its ratio to the first setting with the standard error of the paired ratio.
// Usage: node --import tsx bench/pretrainPaired.ts [--rounds R] [--batches K] setting...
//   a setting is threads[:tasks per thread[:weight-gradient tasks per thread[:threshold divisor]]], 0 or nothing for
//   a default, e.g. 1 2 2:2 2:0:2
import { selectBackend } from '../src/core/model/backend';
import { setKernelThreads, setPiecesPerThread, setThreadThresholds } from '../src/core/model/kernels/threadedKernels';
import { disposePretrainBatch } from '../src/core/pretrain/examples';
import { LAB_BASE_RECIPE, pretrainBench } from './pretrainSetup';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const valued = ['--rounds', '--batches'];
  const settings = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.includes(all[i - 1]));
  const rounds = option('--rounds', 6);
  const batchCount = option('--batches', 8);
  await selectBackend('wasm');
  const bench = pretrainBench(LAB_BASE_RECIPE, batchCount);
  const { batches } = bench;
  let stepNumber = 0;
  const step = (k: number) => {
    const batch = bench.batch(k, k);
    const start = performance.now();
    bench.step(batch, stepNumber++);
    const ms = performance.now() - start;
    disposePretrainBatch(batch);
    return ms;
  };
  const apply = (setting: string) => {
    const [threads, pieces, weightGradientPieces, divisor] = setting.split(':').map(Number);
    setKernelThreads(threads);
    setThreadThresholds(null, divisor || 1);
    setPiecesPerThread(pieces || undefined, weightGradientPieces ? { weightGradient: weightGradientPieces } : {});
  };
  for (const s of settings) {
    apply(s);
    step(0); // warm-up: starts the pool
  }
  const perRound = settings.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const sums = settings.map(() => 0);
    // Each batch starts at the next setting: the step after a 1-thread one starts with the workers asleep, so the
    // setting that always came second paid for that (5% of a 2-thread step, measured).
    for (let k = 0; k < batches.length; k++)
      for (let j = 0; j < settings.length; j++) {
        const i = (j + k + r) % settings.length;
        apply(settings[i]);
        sums[i] += step(k);
      }
    sums.forEach((sum, i) => perRound[i].push(sum / batches.length));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const se = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
  console.log(`${rounds} rounds × ${batches.length} real batches, settings interleaved batch by batch`);
  settings.forEach((s, i) => {
    const ratios = perRound[0].map((base, r) => base / perRound[i][r]);
    console.log(
      `${s.padEnd(6)} ${mean(perRound[i]).toFixed(1)} ms a step; ${settings[0]} ÷ this ${mean(ratios).toFixed(3)} ± ${se(ratios).toFixed(3)} (per round ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
    );
  });
  process.exit(0);
}

void main();
