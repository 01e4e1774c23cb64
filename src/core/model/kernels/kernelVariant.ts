// Which build of the matmul-bound kernels (matmul, gradients, attention) a process runs: the FMA variants
// (<name>.fma.wasm, f32x4.relaxed_madd; built by clang 16 from the same C, see simd_math.h's MADD) when the runtime
// has WebAssembly relaxed SIMD and they are wanted, the plain ones (<name>.wasm, a multiply then an add) otherwise.
// FMA rounds once where mul + add round twice, so the two give results that differ in the last bits; each is
// deterministic for a given thread count on a given machine (relaxed_madd is fused where the CPU has FMA, unfused
// where it has not: the same binary can give other bits on a CPU without FMA).
//
// Wanted unless ADAPTERLAB_FMA=off (read once; the CLI's --no-fma sets it for the trainers it forks) or
// setFmaKernels(false) (tests, the benchmark). Whether it is on by default is the runtime's: Node 20 has relaxed
// SIMD only with --experimental-wasm-relaxed-simd, which Adapter Lab does not add (see relaxedSimd.ts for why).
import * as path from 'path';
import { relaxedSimdSupported } from './relaxedSimd';

export type KernelName = 'matmul' | 'gradients' | 'attention';

/** The environment variable that turns the FMA kernels off (`off`, `0`, `false`, `no`). */
export const FMA_ENV = 'ADAPTERLAB_FMA';

let wanted = !['off', '0', 'false', 'no'].includes((process.env[FMA_ENV] ?? '').trim().toLowerCase());

/** Wants (or not) the FMA kernels from the next kernel call on; they are used only where the runtime has them. */
export function setFmaKernels(on: boolean): void {
  wanted = on;
}

/** True when the matmul-bound kernels run their FMA variants now. */
export function fmaKernels(): boolean {
  return wanted && relaxedSimdSupported();
}

/** Why the kernels run as they do, for logs and run records: "fma", "plain (turned off)", "plain (no relaxed SIMD)". */
export function kernelVariantDescription(): string {
  if (fmaKernels()) return 'fma';
  return wanted ? 'plain (the runtime has no relaxed SIMD)' : `plain (FMA turned off)`;
}

/** The binary of `name` to load now: beside this file (tsx) or beside the bundle (dist/, dist/extension/). */
export function kernelBinary(name: KernelName, shared = false): string {
  return path.join(__dirname, `${name}${fmaKernels() ? '.fma' : ''}${shared ? '.shared' : ''}.wasm`);
}
