// A sweep of 200 finished runs without training any: the config's sweep is planned as training plans it, each run's
// folder is created as the runner creates it (run.json, queued), then given a few metric lines, its summary.json and
// the completed status, as the trainer leaves them. Scores follow the swept values plus noise per seed, so the
// plots have a shape. For the sweep panel's measurements (test/extension/sweepContent.test.ts, test/e2e/sweep.test.ts).
import * as fs from 'fs';
import * as path from 'path';
import type { RunSummary } from '../../src/common/runRecord';
import { appendMetric, updateRun, writeSummary } from '../../src/core/io/runStore';
import { loadExperiment } from '../../src/core/sweep/check';
import { planSweepRuns } from '../../src/core/sweep/runs';
import { createSweepRuns } from '../../src/runner/runExperiment';
import { tinyConfig } from './workspace';

/** 4 Houlsby sizes × 4 LoRA ranks × 3 learning rates × 8 seeds = 384 points; 200 distinct runs (12 + 12 + full per seed). */
export function syntheticSweepConfig(name: string): Record<string, unknown> {
  return tinyConfig({
    name,
    base: { random: { hiddenSize: 64, layers: 2, heads: 2, intermediateSize: 128, vocabSize: 120, maxPositions: 32 } },
    adapters: { houlsby: { method: 'houlsby', task: 'mood', bottleneckSize: 4 }, lora: { method: 'lora', task: 'mood', r: 4 } },
    baselines: ['full'],
    sweep: {
      grid: { 'adapters.houlsby.bottleneckSize': [4, 8, 16, 32], 'adapters.lora.r': [2, 4, 8, 16], 'train.adapter.learningRate': [0.001, 0.003, 0.01] },
      seeds: [1, 2, 3, 4, 5, 6, 7, 8],
    },
  });
}

/** Writes the config into `dir` (which has the tiny data set) and a finished run folder for every run it plans. */
export function writeSyntheticSweep(dir: string, name: string): { configFile: string; runDirs: string[] } {
  const configFile = path.join(dir, `${name}.adapterlab.json`);
  fs.writeFileSync(configFile, JSON.stringify(syntheticSweepConfig(name), null, 2));
  const { config, sweep, problems } = loadExperiment(configFile);
  if (!config || !sweep) throw new Error(`the synthetic sweep does not check: ${JSON.stringify(problems)}`);
  const runs = planSweepRuns(sweep.points);
  const created = createSweepRuns(config.name, config.runsDir, runs, new Date('2026-02-01T10:00:00Z'));
  created.forEach((run, i) => {
    const info = runs[i].info;
    const noise = Math.sin(info.seed * 12.9898 + i * 78.233) * 0.02;
    const size = Number(Object.values(info.values).find((v) => typeof v === 'number' && v >= 2) ?? 64);
    const rate = Number(info.values['train.adapter.learningRate'] ?? 0.003);
    const accuracy = Math.min(0.99, 0.62 + 0.05 * Math.log2(size) - 8 * Math.abs(rate - 0.003) + noise);
    const trainable = run.plan.type === 'full' ? 120_000 : run.plan.name === 'adapter:lora' ? 256 * size + 130 : 260 * size + 130;
    for (let step = 1; step <= 10; step++) {
      appendMetric(run.dir, {
        kind: 'progress',
        step,
        totalSteps: 10,
        epoch: step / 5,
        loss: 0.7 / step,
        lossPerTask: Object.fromEntries(run.plan.tasks.map((t) => [t, 0.7 / step])),
        learningRate: rate,
        gradNorm: 1,
        elapsedMs: step * 30,
        examplesPerSec: 200,
        tokensPerSec: 3000,
      });
    }
    const metrics = (shift: number) =>
      Object.fromEntries(run.plan.tasks.map((t) => [t, { accuracy: accuracy + shift, macroF1: accuracy + shift - 0.02, loss: 0.4, count: 16 }]));
    const summary: RunSummary = {
      id: run.id,
      name: run.plan.name,
      type: run.plan.type,
      status: 'completed',
      backend: 'wasm',
      base: 'random init (2×64)',
      test: metrics(0),
      validation: metrics(0.01),
      bestEpoch: 2,
      steps: 10,
      totalParams: 130_000,
      trainableParams: trainable,
      trainablePercent: (100 * trainable) / 130_000,
      bytesOnDisk: 4 * trainable,
      bytesPerTask: Object.fromEntries(run.plan.tasks.map((t) => [t, (4 * trainable) / run.plan.tasks.length])),
      msPerStep: (run.plan.type === 'full' ? 40 : 12) + size / 8 + noise * 50,
      inferenceMsPerExample: 0.5,
      paddingShare: 0.2,
      wallMs: 400,
    };
    writeSummary(run.dir, summary);
    updateRun(run.dir, { status: 'completed', startedAt: '2026-02-01T10:00:01.000Z', finishedAt: '2026-02-01T10:00:02.000Z', pid: undefined, host: undefined });
  });
  return { configFile, runDirs: created.map((r) => r.dir) };
}
