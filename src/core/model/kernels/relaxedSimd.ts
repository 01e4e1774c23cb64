// Whether this runtime has WebAssembly relaxed SIMD (f32x4.relaxed_madd: a fused multiply-add where the CPU has one).
// It is on by default in recent V8 (Node ≥ 22, the Electron of recent VS Code) and behind
// --experimental-wasm-relaxed-simd in Node 20 (V8 11.3). Checked once, at the first kernel call, by validating a
// module that uses the standard opcode (0xfd 0x105).
//
// What is true now: the matmul-bound kernels (matmul, gradients, attention) have FMA builds (<name>.fma.wasm and
// <name>.fma.shared.wasm, clang 16, scripts/build-kernels.mjs), and kernelVariant.ts runs them whenever this says
// yes, unless ADAPTERLAB_FMA=off / --no-fma / adapterLab.fma "off". So VS Code and Node ≥ 22 train with FMA; the CLI
// on Node 20 trains with the plain kernels, because Adapter Lab does not add the flag to the processes it forks
// unless ADAPTERLAB_FMA=on asks for it (src/runner/relaxedSimdFlag.ts). Why not by default (measured 2026-12-06,
// docs/speed.md#fma-kernels-webassembly-relaxed-simd): FMA rounds once where mul + add round twice, so a run's floats
// change, and the README example with FMA prints adapter:domain 78.4/78.5 instead of the README's 80.4/80.4 (another
// epoch kept; the other runs the same); the gain, 0.80–0.88× the kernels' CPU time and ~0.85–0.9× a mini step's, is
// not measurable on the example's small shapes on this loaded 2-core machine; and the flag is experimental in
// Node 20. Results stay deterministic for a given thread count with either build (tested for 1, 2 and 3 threads),
// but FMA results are the CPU's: relaxed_madd may run unfused on a CPU without FMA (the plain kernels' bits there).

// (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))), standard opcode 0xfd 0x105.
const ZERO = new Array<number>(16).fill(0);
const CONST = [0xfd, 0x0c, ...ZERO];
const BODY = [0x00, ...CONST, ...CONST, ...CONST, 0xfd, 0x85, 0x02, 0x0b];
const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type: () → v128
  ...[0x03, 0x02, 0x01, 0x00], // one function of that type
  ...[0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY],
]);

/** The V8 flag that turns relaxed SIMD on in Node 20 (on by default from Node 22 / V8 11.4). */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** JavaScript that prints whether the runtime running it has relaxed SIMD (for a probe in a child process). */
export const RELAXED_SIMD_PROBE_SCRIPT = `process.stdout.write(String(WebAssembly.validate(new Uint8Array([${MODULE.join(',')}]))))`;

let supported: boolean | undefined;

/** True when the runtime validates a module that uses f32x4.relaxed_madd (checked once). */
export function relaxedSimdSupported(): boolean {
  supported ??= (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly.validate(MODULE);
  return supported;
}
