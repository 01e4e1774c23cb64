// tfjs-wasm's heap as a shared WebAssembly memory, so that the kernel threads (threadPool.ts) read and write tensors
// where tfjs keeps them: no copies into a memory of their own and back. tfjs-wasm's threaded build cannot start under
// Node (it loads its workers from a `blob:` URL, tfjs#3830), but its SIMD build never depends on its memory being
// private: the memory is declared in the binary (min 256, max 65,536 pages) and only the JavaScript glue and the
// module itself touch it. Declaring it shared (limits flag 1 → 3; a shared memory needs a maximum, which it has) is a
// one-byte change that makes `memory.buffer` a SharedArrayBuffer; everything else about the module is unchanged
// (measured: every tfjs op gives the same bits; growing works, a shared memory grows in place without detaching).
// The patched copy is written once per tfjs-wasm binary into a folder of the OS's temporary directory.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';
const BINARIES = ['tfjs-backend-wasm.wasm', SIMD_BINARY, 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
const MEMORY_SECTION = 5;
const HAS_MAXIMUM = 1;
const SHARED_WITH_MAXIMUM = 3;

/** Where each tfjs-wasm binary is, the SIMD one replaced by its shared-memory copy (for setWasmPaths's file map). */
export function sharedHeapBinaries(binariesDir: string): Record<(typeof BINARIES)[number], string> {
  const original = fs.readFileSync(path.join(binariesDir, SIMD_BINARY));
  const digest = createHash('sha256').update(original).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'adapter-lab', `tfjs-wasm-shared-${digest}`);
  const patched = path.join(dir, SIMD_BINARY);
  if (!fs.existsSync(patched)) {
    fs.mkdirSync(dir, { recursive: true });
    const temporary = `${patched}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, withSharedMemory(original));
    fs.renameSync(temporary, patched); // atomic: a concurrent process sees the whole file or none
  }
  const map = Object.fromEntries(BINARIES.map((b) => [b, path.join(binariesDir, b)])) as Record<(typeof BINARIES)[number], string>;
  map[SIMD_BINARY] = patched;
  return map;
}

/** A copy of a wasm module whose one defined memory (with a maximum) is declared shared; throws if it has another form. */
export function withSharedMemory(binary: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(binary);
  const at = { pos: 8 };
  while (at.pos < bytes.length) {
    const id = bytes[at.pos++];
    const size = leb(bytes, at);
    if (id === MEMORY_SECTION) {
      const count = leb(bytes, at);
      if (count !== 1) throw new Error(`the tfjs-wasm binary defines ${count} memories, not 1`);
      if (bytes[at.pos] !== HAS_MAXIMUM) throw new Error(`the tfjs-wasm binary's memory has limits flag ${bytes[at.pos]}, not ${HAS_MAXIMUM}`);
      bytes[at.pos] = SHARED_WITH_MAXIMUM;
      return bytes;
    }
    at.pos += size;
  }
  throw new Error('the tfjs-wasm binary defines no memory');
}

function leb(bytes: Uint8Array, at: { pos: number }): number {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at.pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return value;
  }
}

/** True when a memory (tfjs's heap) is shared, so that the kernel threads can work in it. */
export function isSharedMemory(memory: { buffer: ArrayBufferLike }): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}
