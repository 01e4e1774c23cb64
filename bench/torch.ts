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
