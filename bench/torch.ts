// Runs bench/reference.py with a Python that has PyTorch (Debian's python3-torch lives in /usr/bin/python3), if any.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { ModelName } from './models';

export interface TorchResult {
  torch: string;
  threads: number;
  ms: Partial<Record<ModelName, Record<string, { wallMs: number; cpuMs: number }>>>;
  peakRssMb: number;
}

const PYTHONS = ['/usr/bin/python3', 'python3'];

export function findTorchPython(): string | null {
  return PYTHONS.find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

export function runTorchReference(python: string, models: ModelName[], warmup: number, repeats: number, threads = 1): TorchResult | { error: string } {
  const script = path.join(__dirname, 'reference.py');
  const args = [script, '--models', models.join(','), '--warmup', String(warmup), '--repeats', String(repeats), '--threads', String(threads)];
  // OpenBLAS starts its own threads unless told otherwise; the comparison is one core against one core.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const out = spawnSync(python, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (out.status !== 0) return { error: `${python} ${path.basename(script)} exited with ${out.status}` };
  return JSON.parse(out.stdout.trim().split('\n').pop() as string) as TorchResult;
}

/** How the reference was run: PyTorch's own threads, OpenBLAS's, and whether OpenBLAS picked this CPU's kernels. */
export interface TorchConfig {
  torchThreads: number;
  blasThreads: number;
  /** OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this command, so OpenBLAS uses this CPU's own kernels. */
  cpuKernels: boolean;
}

export interface TorchBest {
  threads: number;
  config: TorchConfig;
  blas: string;
  /** False on Debian's reference BLAS (libblas3 alone): 10× slower than OpenBLAS, no peer to compare with. */
  optimizedBlas: boolean;
  ms: TorchResult['ms'];
  /** The configurations tried and their full-step wall ms on the last model (the best one is kept). */
  tried: { config: TorchConfig; fullWallMs: number }[];
}

/** Runs the reference with one configuration. */
export function runTorchConfig(
  python: string,
  models: ModelName[],
  warmup: number,
  repeats: number,
  config: TorchConfig,
): (TorchResult & { blas: string }) | { error: string } {
  const script = path.join(__dirname, 'reference.py');
  const args = [script, '--models', models.join(','), '--warmup', String(warmup), '--repeats', String(repeats), '--threads', String(config.torchThreads)];
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(config.blasThreads), OMP_NUM_THREADS: String(config.torchThreads) };
  if (config.cpuKernels) {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  const out = spawnSync(python, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (out.status !== 0) return { error: `${python} ${path.basename(script)} exited with ${out.status}` };
  return JSON.parse(out.stdout.trim().split('\n').pop() as string) as TorchResult & { blas: string };
}

/**
 * PyTorch at its best with `threads` cores: OpenBLAS on this CPU's own kernels, and for more than one thread the
 * faster of PyTorch's threads over a single-threaded OpenBLAS and the other way round (both starting threads was
 * slower still, 780–1,051 ms for the mini full step where the first took 406: not tried).
 */
export function bestTorch(python: string, models: ModelName[], warmup: number, repeats: number, threads: number): TorchBest | { error: string } {
  const configs: TorchConfig[] =
    threads === 1
      ? [{ torchThreads: 1, blasThreads: 1, cpuKernels: true }]
      : [
          { torchThreads: threads, blasThreads: 1, cpuKernels: true },
          { torchThreads: 1, blasThreads: threads, cpuKernels: true },
        ];
  let best: TorchBest | undefined;
  const tried: TorchBest['tried'] = [];
  for (const config of configs) {
    const r = runTorchConfig(python, models, warmup, repeats, config);
    if ('error' in r) return r;
    const fullWallMs = r.ms[models[models.length - 1]]?.full?.wallMs ?? Infinity;
    tried.push({ config, fullWallMs });
    if (!best || fullWallMs < (best.ms[models[models.length - 1]]?.full?.wallMs ?? Infinity)) {
      best = { threads, config, blas: r.blas, optimizedBlas: /openblas|mkl|blis/i.test(r.blas), ms: r.ms, tried };
    }
  }
  return { ...(best as TorchBest), tried };
}
