// Which build of the matmul-bound kernels (matmul, gradients, attention) a process runs: the FMA variants
// (<name>.fma.wasm, f32x4.relaxed_madd; built by clang 16 from the same C, see simd_math.h's MADD) when the runtime
// has WebAssembly relaxed SIMD and they are wanted, the plain ones (<name>.wasm, a multiply then an add) otherwise.
// FMA rounds once where mul + add round twice, so the two give results that differ in the last bits; each is
// deterministic for a given thread count on a given machine (relaxed_madd is fused where the CPU has FMA, unfused
// where it has not: the same binary can give other bits on a CPU without FMA).
//
// ADAPTERLAB_FMA (read once at start-up; forked trainers inherit it): unset or `auto`, the FMA kernels where the
// runtime has relaxed SIMD by default (VS Code / Electron, Node ≥ 22), the plain ones elsewhere (Node 20); `off`
// (the CLI's --no-fma sets it), always the plain ones; `on`, FMA on Node 20 too: the hosts then fork their trainers
// with --experimental-wasm-relaxed-simd (src/runner/relaxedSimdFlag.ts; why that is not the default: relaxedSimd.ts).
// setFmaKernels switches it in a running process (tests, the benchmark).
import * as path from 'path';
import { relaxedSimdSupported } from './relaxedSimd';

export type KernelName = 'matmul' | 'gradients' | 'attention';

/** The environment variable that chooses the kernels: `auto` (unset), `on` or `off` (see fmaSetting). */
export const FMA_ENV = 'ADAPTERLAB_FMA';

export type FmaSetting = 'auto' | 'on' | 'off';

/** The ADAPTERLAB_FMA setting of this process: `off` (also 0, false, no), `on` (also 1, true, yes), else `auto`. */
export function fmaSetting(): FmaSetting {
  const value = (process.env[FMA_ENV] ?? '').trim().toLowerCase();
  if (['off', '0', 'false', 'no'].includes(value)) return 'off';
  return ['on', '1', 'true', 'yes'].includes(value) ? 'on' : 'auto';
}

let wanted = fmaSetting() !== 'off';

/** Wants (or not) the FMA kernels from the next kernel call on; they are used only where the runtime has them. */
export function setFmaKernels(on: boolean): void {
  wanted = on;
}

/** True when the matmul-bound kernels run their FMA variants now. */
export function fmaKernels(): boolean {
  return wanted && relaxedSimdSupported();
}

/** Which build runs now, for run records: `fma` or `plain`. */
export function kernelVariant(): 'fma' | 'plain' {
  return fmaKernels() ? 'fma' : 'plain';
}

/** The binary of `name` to load now: beside this file (tsx) or beside the bundle (dist/, dist/extension/). */
export function kernelBinary(name: KernelName, shared = false): string {
  const build = `${name}${fmaKernels() ? '.fma' : ''}${shared ? '.shared' : ''}`;
  let file = binaries.get(build);
  if (!file) binaries.set(build, (file = path.join(__dirname, `${build}.wasm`)));
  return file;
}

// Asked at every kernel call: joined once per build.
const binaries = new Map<string, string>();
