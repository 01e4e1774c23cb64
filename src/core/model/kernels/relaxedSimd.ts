// Whether this runtime has WebAssembly relaxed SIMD (f32x4.relaxed_madd: a fused multiply-add where the CPU has one).
// It is on by default in V8 12.x (Node ≥ 22, recent Electron / VS Code) and behind --experimental-wasm-relaxed-simd
// in Node 20. FMA variants of the kernels would be chosen by this at start-up; they are not built yet: clang 14 (the
// pinned kernel compiler, scripts/build-kernels.mjs) emits a pre-standard opcode for relaxed madd, so they need
// clang ≥ 16 (Debian 12 has clang-16 and clang-19 in apt) and their own reproducible build.

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
