// The benchmark suite: `npm run bench [-- --quick] [-- --threads-only | --fma-only]`. Each backend × model runs in its
// own process, one after another; then attention alone, the frozen-prefix measurement and the PyTorch reference
// (bench/results.json and bench/results.md); then every model with 1 and 2 kernel threads and PyTorch with 1 and 2
// threads (bench/results-threads.json and .md; --threads-only runs just this part); then the plain and the FMA
// kernels side by side (bench/results-fma.json and .md; --fma-only runs just this part).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attentionCases } from './attention';
import type { Job, JobResult } from './child';
import type { ModelName } from './models';
import { benchPadding } from './padding';
import { BERT_BASE_STEPS, type BenchResults, type Machine, markdown } from './report';
import { bestTorch, findTorchPython, runTorchReference } from './torch';
import { THREAD_COUNTS } from './threads';
import { type ThreadsBench, threadsMarkdown } from './threadsReport';
import { type FmaBench, fmaMarkdown } from './fmaReport';
import { RELAXED_SIMD_FLAG, relaxedSimdSupported } from '../src/core/model/kernels/relaxedSimd';

const quick = process.argv.includes('--quick');
const threadsOnly = process.argv.includes('--threads-only');
const fmaOnly = process.argv.includes('--fma-only');
const warmup = quick ? 1 : 2;
const repeats = quick ? 3 : 9;
const miniRepeats = 3; // a mini pass takes ~10 s
const cpuRepeats = 1; // the cpu backend is 20–40× slower than wasm
const models: ModelName[] = quick ? ['tiny'] : ['tiny', 'tiny-18', 'mini'];

function machine(): Machine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tfjs = (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    tfjs,
    date: new Date().toISOString(),
    loadAverage: os.loadavg(),
  };
}

function runChild(job: Job, nodeFlags: string[] = []): JobResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'adapterlab-bench-'));
  const out = path.join(dir, 'result.json');
  try {
    const child = spawnSync(process.execPath, [...nodeFlags, '--expose-gc', '--import', 'tsx', path.join(__dirname, 'child.ts'), JSON.stringify(job), out], {
      stdio: 'inherit',
    });
    if (child.status !== 0) throw new Error(`benchmark job ${JSON.stringify(job)} failed (exit ${child.status})`);
    return JSON.parse(readFileSync(out, 'utf8')) as JobResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toLocaleTimeString()}] ${message}\n`);
}

function main(): void {
  const started = performance.now();
  const results: BenchResults = {
    machine: machine(),
    options: { quick, warmup, repeats, miniRepeats, cpuRepeats },
    models: [],
    unavailable: [],
    torch: { skipped: 'not run' },
    attention: [],
    prefix: null,
    padding: null,
    dataParallel: null,
  };
  const jobs: Job[] = [
    ...models.map((model): Job => ({
      kind: 'model',
      backend: 'wasm',
      model,
      warmup: model === 'mini' ? 1 : warmup,
      repeats: model === 'mini' ? miniRepeats : repeats,
      compareAttention: true,
    })),
    // bert-base: the steps the README's per-epoch estimate needs (a step takes seconds)
    { kind: 'model', backend: 'wasm', model: 'bert-base', warmup: 1, repeats: quick ? 1 : 3, compareAttention: false, only: [...BERT_BASE_STEPS] },
    { kind: 'model', backend: 'cpu', model: 'tiny', warmup: 0, repeats: cpuRepeats, compareAttention: false },
    { kind: 'model', backend: 'tensorflow', model: 'tiny', warmup, repeats, compareAttention: false },
    { kind: 'attention', cases: attentionCases(quick), warmup, repeats },
    { kind: 'prefix', model: 'tiny-18', warmup, repeats }, // reviews-like lengths: the projection is for that example
    { kind: 'dataParallel', model: 'tiny-18', warmup, repeats },
  ];
  for (const job of jobs) {
    log(`${job.kind}${job.kind === 'model' ? ` ${job.backend} ${job.model}` : ''}`);
    const r = runChild(job);
    if (r.kind === 'model') results.models.push(r.result);
    else if (r.kind === 'attention') results.attention = r.result;
    else if (r.kind === 'prefix') results.prefix = r.result;
    else if (r.kind === 'dataParallel') results.dataParallel = r.result;
    else if (job.kind === 'model' && r.kind === 'unavailable') results.unavailable.push({ backend: job.backend, reason: r.reason });
  }
  log("padding of the README example's batches");
  results.padding = benchPadding();
  const python = findTorchPython();
  if (python) {
    log(`PyTorch reference (${python})`);
    results.torch = runTorchReference(python, models, warmup, repeats);
  } else {
    results.torch = { skipped: 'no python3 with torch (Debian: apt-get install python3-torch)' };
  }
  writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(path.join(__dirname, 'results.md'), markdown(results));
  process.stdout.write(markdown(results));
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote bench/results.json and bench/results.md`);
}

/** `--threads-only`: every model with 1 and 2 kernel threads, the adapter steps' bounds, PyTorch at 1 and 2 threads. */
function mainThreads(): void {
  const started = performance.now();
  const threadModels: ModelName[] = quick ? ['tiny'] : ['tiny', 'tiny-18', 'mini'];
  const results: ThreadsBench = { machine: machine(), loadAverageAfter: [], options: { warmup: 1, repeats: quick ? 2 : 7 }, models: [], torch: {}, host: [] };
  const host = () => {
    log('what the host gives two threads');
    const r = runChild({ kind: 'host', rounds: 7 });
    if (r.kind === 'host') results.host.push(r.result);
  };
  host();
  for (const model of threadModels) {
    log(`threads ${model}`);
    const r = runChild({ kind: 'threads', model, ...results.options });
    if (r.kind !== 'threads') throw new Error(`threads ${model}: ${r.kind === 'unavailable' ? r.reason : r.kind}`);
    results.models.push(r.result);
  }
  host();
  const python = findTorchPython();
  for (const threads of THREAD_COUNTS) {
    log(`PyTorch reference, ${threads} thread(s)`);
    results.torch[threads] = python
      ? bestTorch(python, threadModels, results.options.warmup, results.options.repeats, threads)
      : { skipped: 'no python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread)' };
  }
  results.loadAverageAfter = os.loadavg();
  writeFileSync(path.join(__dirname, 'results-threads.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(path.join(__dirname, 'results-threads.md'), threadsMarkdown(results));
  process.stdout.write(threadsMarkdown(results));
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote bench/results-threads.json and bench/results-threads.md`);
}

/** `--fma-only`: every model with the plain and the FMA kernels, 1 and 2 kernel threads each, in one process a model. */
function mainFma(): void {
  const started = performance.now();
  const fmaModels: ModelName[] = quick ? ['tiny'] : ['tiny', 'tiny-18', 'mini'];
  // Node 20 has relaxed SIMD only behind this flag (src/core/model/kernels/relaxedSimd.ts); the child fails if it
  // still cannot run the FMA kernels.
  const flag = relaxedSimdSupported() ? '' : RELAXED_SIMD_FLAG;
  const results: FmaBench = { machine: machine(), loadAverageAfter: [], options: { warmup: 1, repeats: quick ? 2 : 5 }, flag, models: [] };
  for (const model of fmaModels) {
    log(`fma ${model}`);
    const r = runChild({ kind: 'fma', model, ...results.options }, flag ? [flag] : []);
    if (r.kind !== 'fma') throw new Error(`fma ${model}: ${r.kind === 'unavailable' ? r.reason : r.kind}`);
    results.models.push(r.result);
  }
  results.loadAverageAfter = os.loadavg();
  writeFileSync(path.join(__dirname, 'results-fma.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(path.join(__dirname, 'results-fma.md'), fmaMarkdown(results));
  process.stdout.write(fmaMarkdown(results));
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote bench/results-fma.json and bench/results-fma.md`);
}

// The whole suite ends with the threads and FMA parts (their own reports, bench/results-threads.md, results-fma.md).
if (fmaOnly) mainFma();
else {
  if (!threadsOnly) main();
  mainThreads();
  if (!threadsOnly) mainFma();
}
