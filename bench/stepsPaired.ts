// Paired timing of a bench model's training steps (bench/models.ts: tiny, tiny-18, mini) under several kernel thread
// settings in one process, interleaved step by step (as bench/pretrainPaired.ts does for pre-training).
// Usage: node --import tsx bench/stepsPaired.ts MODEL [--rounds R] [--steps full,houlsby,lora] setting...
//   a setting is threads[:pieces per thread[:weight-gradient pieces[:threshold divisor]]]
import { selectBackend } from '../src/core/model/backend';
import { setKernelThreads, setPiecesPerThread, setThreadThresholds } from '../src/core/model/kernels/threadedKernels';
import { MODELS, type ModelName, buildEncoder, syntheticBatch } from './models';
import { workloads } from './workloads';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const valued = ['--rounds', '--steps'];
  const [model, ...settings] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.includes(all[i - 1]));
  const rounds = Number(option('--rounds', '10'));
  const stepNames = option('--steps', 'full,houlsby,lora').split(',');
  await selectBackend('wasm');
  const bench = MODELS[model as ModelName];
  const encoder = buildEncoder(bench);
  const batch = syntheticBatch(bench);
  const runs = workloads(bench, encoder, batch, false, undefined, stepNames);
  const apply = (setting: string) => {
    const [threads, pieces, weightGradientPieces, divisor] = setting.split(':').map(Number);
    setKernelThreads(threads);
    setThreadThresholds(null, divisor || 1);
    setPiecesPerThread(pieces || undefined, weightGradientPieces ? { weightGradient: weightGradientPieces } : {});
  };
  const ms = new Map<string, number[][]>(runs.map((r) => [r.name, settings.map(() => [])]));
  for (let round = -1; round < rounds; round++)
    for (const r of runs)
      settings.forEach((s, i) => {
        apply(s);
        const start = performance.now();
        r.run();
        if (round >= 0) ms.get(r.name)![i].push(performance.now() - start);
      });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${model}: ${rounds} rounds, settings interleaved step by step; median ms (ratio of the first setting's median)`);
  for (const [name, bySetting] of ms)
    console.log(
      `${name.padEnd(9)} ${bySetting.map((xs, i) => `${settings[i]} ${median(xs).toFixed(1)} (${(median(bySetting[0]) / median(xs)).toFixed(2)}×)`).join('  ')}`,
    );
  process.exit(0);
}

void main();
