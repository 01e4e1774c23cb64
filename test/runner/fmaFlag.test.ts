// Which kernels a forked engine process runs (src/core/model/kernels/kernelVariant.ts, src/runner/relaxedSimdFlag.ts):
// ADAPTERLAB_FMA unset (auto) or off gives it no flag; on gives it --experimental-wasm-relaxed-simd only where this
// runtime lacks relaxed SIMD, and a process started so runs the FMA binaries; off wins over the flag.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { FMA_ENV } from '../../src/core/model/kernels/kernelVariant';
import { RELAXED_SIMD_FLAG, relaxedSimdSupported } from '../../src/core/model/kernels/relaxedSimd';
import { engineExecArgv } from '../../src/runner/relaxedSimdFlag';

const saved = process.env[FMA_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[FMA_ENV];
  else process.env[FMA_ENV] = saved;
});

/** What kernelVariant.ts chooses in a new process with these node flags and this ADAPTERLAB_FMA. */
function chosen(flags: string[], setting: string | undefined): { variant: string; binary: string } {
  const module = JSON.stringify(path.join(__dirname, '../../src/core/model/kernels/kernelVariant.ts'));
  const script = `const k = require(${module}); console.log(JSON.stringify({ variant: k.kernelVariant(), binary: require('path').basename(k.kernelBinary('matmul', true)) }))`;
  const env = { ...process.env };
  if (setting === undefined) delete env[FMA_ENV];
  else env[FMA_ENV] = setting;
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '-e', script], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { variant: string; binary: string };
}

test('ADAPTERLAB_FMA unset or off: engine processes get no flag; on: the relaxed-SIMD flag where this runtime needs it', () => {
  delete process.env[FMA_ENV];
  assert.deepEqual(engineExecArgv(), []);
  process.env[FMA_ENV] = 'off';
  assert.deepEqual(engineExecArgv(), []);
  process.env[FMA_ENV] = 'on';
  assert.deepEqual(engineExecArgv(), relaxedSimdSupported() ? [] : [RELAXED_SIMD_FLAG]);
});

test('a process started with the flags the host gives runs the FMA binaries when on, the plain ones when off', () => {
  process.env[FMA_ENV] = 'on';
  assert.deepEqual(chosen(engineExecArgv(), 'on'), { variant: 'fma', binary: 'matmul.fma.shared.wasm' });
  assert.deepEqual(chosen([RELAXED_SIMD_FLAG], 'off'), { variant: 'plain', binary: 'matmul.shared.wasm' });
  // auto: the runtime's default (Node 20: no relaxed SIMD, so plain; Node ≥ 22: fma).
  assert.equal(chosen([], undefined).variant, relaxedSimdSupported() ? 'fma' : 'plain');
  assert.equal(chosen([RELAXED_SIMD_FLAG], undefined).variant, 'fma');
});
