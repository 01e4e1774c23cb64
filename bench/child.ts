// One benchmark job in its own process, so that each backend and model gets a clean heap and its own peak RSS.
// Usage: node --import tsx bench/child.ts '<job JSON>' <result file>
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/core/model/backend';
import { attentionImplementation } from '../src/core/model/ops';
import { type AttentionCase, type AttentionResult, benchAttention } from './attention';
import { type Timing, interleaved, peakRssMb } from './measure';
import { MODELS, type ModelName, buildEncoder, syntheticBatch, syntheticExamples } from './models';
import { type PrefixResult, benchFrozenPrefix } from './prefix';
import { type DataParallelResult, benchDataParallel } from './dataParallel';
import { workloads } from './workloads';
import { type ThreadsResult, benchThreads } from './threads';
import { type FmaResult, benchFma } from './fma';
import { type HostParallelism, measureHostParallelism } from './hostParallelism';

export type Job =
  | { kind: 'model'; backend: 'wasm' | 'cpu' | 'tensorflow'; model: ModelName; warmup: number; repeats: number; compareAttention: boolean; only?: string[] }
  | { kind: 'attention'; cases: AttentionCase[]; warmup: number; repeats: number }
  | { kind: 'prefix'; model: ModelName; warmup: number; repeats: number }
  | { kind: 'dataParallel'; model: ModelName; warmup: number; repeats: number }
  | { kind: 'threads'; model: ModelName; warmup: number; repeats: number }
  | { kind: 'fma'; model: ModelName; warmup: number; repeats: number }
  | { kind: 'host'; rounds: number };

export interface VariantResult extends Timing {
  gflops: number; // useful FLOPs per CPU second
}

export interface ModelResult {
  backend: string;
  model: ModelName;
  attention: 'fused' | 'batched';
  variants: Record<string, VariantResult>;
  tensorsBefore: number;
  tensorsAfter: number;
  peakRssMb: number;
}

export type JobResult =
  | { kind: 'model'; result: ModelResult }
  | { kind: 'attention'; result: AttentionResult[] }
  | { kind: 'prefix'; result: PrefixResult & { model: ModelName } }
  | { kind: 'dataParallel'; result: DataParallelResult }
  | { kind: 'threads'; result: ThreadsResult }
  | { kind: 'fma'; result: FmaResult }
  | { kind: 'host'; result: HostParallelism }
  | { kind: 'unavailable'; reason: string };

async function runJob(job: Job): Promise<JobResult> {
  if (job.kind === 'host') return { kind: 'host', result: await measureHostParallelism(job.rounds) };
  const backend = job.kind === 'model' ? job.backend : 'wasm';
  try {
    await selectBackend(backend);
  } catch (e) {
    return { kind: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
  }
  if (job.kind === 'attention') return { kind: 'attention', result: job.cases.map((c) => benchAttention(c, job.warmup, job.repeats)) };

  const bench = MODELS[job.model];
  const encoder = buildEncoder(bench);
  const batch = syntheticBatch(bench);
  if (job.kind === 'fma') return { kind: 'fma', result: benchFma(bench, encoder, batch, job.warmup, job.repeats) };
  if (job.kind === 'threads') return { kind: 'threads', result: benchThreads(bench, encoder, batch, job.warmup, job.repeats) };
  if (job.kind === 'dataParallel') return { kind: 'dataParallel', result: benchDataParallel(bench, encoder, job.warmup, job.repeats) };
  if (job.kind === 'prefix')
    return { kind: 'prefix', result: { model: job.model, ...benchFrozenPrefix(bench, encoder, syntheticExamples(bench), batch, job.warmup, job.repeats) } };

  const runnables = workloads(
    bench,
    encoder,
    batch,
    job.compareAttention && attentionImplementation() === 'fused',
    job.backend === 'cpu' ? undefined : syntheticExamples(bench),
    job.only,
  );
  const tensorsBefore = tf.memory().numTensors;
  const timings = interleaved(runnables, job.warmup, job.repeats);
  const tensorsAfter = tf.memory().numTensors;
  const variants: Record<string, VariantResult> = {};
  for (const [r, t] of timings) variants[r.name] = { ...t, gflops: r.flops / t.cpuMs / 1e6 };
  runnables.forEach((r) => r.dispose());
  return {
    kind: 'model',
    result: { backend, model: job.model, attention: attentionImplementation(), variants, tensorsBefore, tensorsAfter, peakRssMb: peakRssMb() },
  };
}

const [jobJson, resultFile] = process.argv.slice(2);
runJob(JSON.parse(jobJson) as Job).then(
  (result) => writeFileSync(resultFile, JSON.stringify(result)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
