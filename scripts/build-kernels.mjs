// Builds our own WebAssembly kernels (src/core/model/kernels/<name>.c → <name>.wasm, committed) with the pinned clangs:
// clang 14 for the kernels as they were, clang 16 for their FMA variants (<name>.fma.wasm: f32x4.relaxed_madd, whose
// standard opcode clang 14 does not emit).
// Usage: node scripts/build-kernels.mjs           rebuild every .wasm beside its source (npm run build:kernels)
//        node scripts/build-kernels.mjs --check   build into a temporary folder and compare the bytes with the
//                                                 committed binaries; exit 1 naming each one that differs (CI)
// Both modes also check the rules of src/core/model/kernels/README.md on what was built: the only import is
// env.memory, the exports are the table's, no DATA section, and (with llvm-objdump-14/-16) no global.get / global.set.
// The build is reproducible: the same source and clang version give the same bytes (wasm32 has no timestamps or
// paths in it; the "producers" section records the clang version, e.g. "Debian clang 14.0.6").
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KERNEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'model', 'kernels');
// The plain kernels stay on clang 14 (their committed bytes); the FMA variants need clang 16 (the first that emits the
// standard relaxed-SIMD opcodes).
const PLAIN_CLANG = 14;
const FMA_CLANG = 16;
const INSTALL = { 14: 'Debian 12: apt-get install -y clang lld llvm', 16: 'Debian 12: apt-get install -y clang-16 lld-16' };

// The shared-memory variant, for tfjs's heap made shared (sharedHeap.ts) that the kernel threads work in: atomics and
// bulk memory are required by a shared memory; its maximum (4 GiB, 65,536 pages) is the maximum of tfjs-wasm's heap,
// which an imported memory must not exceed.
const SHARED = ['-matomics', '-mbulk-memory', '-Wl,--shared-memory', '-Wl,--max-memory=4294967296'];

// The FMA variant: MADD in simd_math.h becomes f32x4.relaxed_madd.
const FMA = ['-mrelaxed-simd', '-DKERNEL_FMA'];

// Every kernel: the functions it exports and any flags of its own (placed before the linker flags). `shared`: also
// build <name>.shared.wasm from the same source for a shared memory (tfjs's heap when it is shared, sharedHeap.ts).
// `fma`: also build <name>.fma.wasm (and <name>.fma.shared.wasm if shared) with clang 16 and FMA: the kernels whose
// inner loop is a multiply-add (matmul-bound); the elementwise ones and the optimizer keep one binary.
const KERNELS = [
  { name: 'attention', exports: ['attention_forward', 'attention_backward'], shared: true, fma: true },
  {
    name: 'elementwise',
    exports: [
      'gelu_forward',
      'gelu_backward',
      'embed_forward',
      'embed_backward',
      'layer_norm_forward',
      'layer_norm_input_gradient',
      'layer_norm_parameter_gradients',
      'dropout_mask',
    ],
    shared: true,
  },
  { name: 'optimizer', exports: ['sum_squares', 'adamw_update'], shared: true },
  // Softmax cross-entropy by row ranges: shared, so that the rows can be split over the kernel threads.
  { name: 'losses', exports: ['xent_labels_forward', 'xent_targets_forward', 'xent_labels_backward', 'xent_targets_backward'], shared: true },
  { name: 'gradients', exports: ['weight_gradient', 'weight_gradient_scratch'], shared: true, fma: true },
  // Loop strength reduction would turn the tile's constant load offsets into i32.adds (~10% slower, see matmul.c).
  { name: 'matmul', exports: ['matmul', 'matmul_scratch'], flags: ['-mllvm', '-disable-lsr'], shared: true, fma: true },
]
  .map((k) => ({ ...k, source: k.name, clang: PLAIN_CLANG }))
  .flatMap((k) => (k.fma ? [k, { ...k, name: `${k.name}.fma`, flags: [...(k.flags ?? []), ...FMA], clang: FMA_CLANG }] : [k]))
  .flatMap((k) => (k.shared ? [k, { ...k, name: `${k.name}.shared`, flags: [...(k.flags ?? []), ...SHARED] }] : [k]));
const COMPILE = ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-fno-builtin'];
const LINK = ['-Wl,--no-entry', '-Wl,--import-memory'];

function clangArgs(kernel, out) {
  return [...COMPILE, ...(kernel.flags ?? []), ...LINK, ...kernel.exports.map((e) => `-Wl,--export=${e}`), '-o', out, `${kernel.source}.c`];
}

class Refusal extends Error {}

/** Stops the build with a message and exit code 1 (thrown, so that the temporary folder is still removed). */
function fail(message) {
  throw new Refusal(message);
}

/** stdout of a command, or undefined when it cannot be run. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error || r.status !== 0 ? undefined : r.stdout;
}

/** clang `major` (clang-<major>, or clang if it is that version), its wasm-ld and llvm-objdump; refuses without them. */
function findToolchain(major) {
  const install = INSTALL[major];
  const clang = [`clang-${major}`, 'clang'].find((c) => Number(/clang version (\d+)\./.exec(run(c, ['--version']) ?? '')?.[1]) === major);
  if (!clang) {
    const other = run('clang', ['--version'])?.split('\n')[0].trim();
    fail(`clang ${major} is not installed (${install})${other ? `; clang is "${other}", and another version gives other bytes` : ''}`);
  }
  const version = run(clang, ['--version']).split('\n')[0].trim();
  // The linker clang itself would run (Debian's clang-14 runs wasm-ld-14, found on PATH), from its dry run (-###).
  const dryRun = spawnSync(clang, ['-###', '--target=wasm32', '-nostdlib', '-Wl,--no-entry', '-x', 'c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
  const wasmLd = /^\s*"([^"]+)"/.exec(dryRun.stderr?.trim().split('\n').at(-1) ?? '')?.[1];
  const ldVersion = wasmLd && run(wasmLd, ['--version'])?.trim();
  if (!ldVersion) fail(`wasm-ld (lld ${major}) is not installed (${install})`);
  if (Number(/LLD (\d+)\./.exec(ldVersion)?.[1]) !== major) fail(`${wasmLd} is "${ldVersion}", not lld ${major} (${install})`);
  const objdump = run(`llvm-objdump-${major}`, ['--version']) !== undefined ? `llvm-objdump-${major}` : undefined;
  return { clang, version, objdump };
}

function leb(bytes, pos) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[pos.at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return value;
  }
}

/** The section ids of a wasm module, in order. */
function sectionIds(bytes) {
  const ids = [];
  const pos = { at: 8 };
  while (pos.at < bytes.length) {
    ids.push(bytes[pos.at++]);
    const size = leb(bytes, pos);
    pos.at += size;
  }
  return ids;
}

/** "Debian clang 14.0.6" from the module's producers section ("" if it has none). */
function producer(bytes) {
  const section = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'producers')[0];
  if (!section) return '';
  const b = new Uint8Array(section);
  const pos = { at: 0 };
  const str = () => {
    const n = leb(b, pos);
    pos.at += n;
    return new TextDecoder().decode(b.subarray(pos.at - n, pos.at));
  };
  const found = [];
  for (let fields = leb(b, pos); fields > 0; fields--) {
    str();
    for (let values = leb(b, pos); values > 0; values--) found.push(`${str()} ${str()}`);
  }
  return found.join(', ');
}

/** The README's rules for a kernel that runs inside tfjs's heap; returns the broken ones. */
function ruleProblems(kernel, file, objdump) {
  const bytes = readFileSync(file);
  const module = new WebAssembly.Module(bytes);
  const problems = [];
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name} (${i.kind})`);
  if (imports.join() !== 'env.memory (memory)') problems.push(`imports ${imports.join(', ') || 'nothing'}, not just env.memory`);
  const exports = WebAssembly.Module.exports(module)
    .map((e) => e.name)
    .sort();
  if (exports.join() !== [...kernel.exports].sort().join()) problems.push(`exports ${exports.join(', ')}, not ${kernel.exports.join(', ')}`);
  if (sectionIds(bytes).includes(11)) problems.push('has a DATA section (static data)');
  if (objdump) {
    const touched = execFileSync(objdump, ['-d', file], { encoding: 'utf8', maxBuffer: 64 << 20 }).match(/\bglobal\.(get|set)\b/g);
    if (touched) problems.push(`uses a global (${touched.length} × global.get/set: the C stack pointer, from arrays or address-taken locals)`);
  }
  return problems;
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length) fail(`unknown argument ${unknown[0]} (usage: node scripts/build-kernels.mjs [--check])`);

  const sources = readdirSync(KERNEL_DIR)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2));
  const missing = sources.filter((s) => !KERNELS.some((k) => k.name === s));
  if (missing.length) fail(`${missing.map((s) => `${s}.c`).join(', ')} not in the KERNELS table of scripts/build-kernels.mjs`);

  const toolchains = new Map([...new Set(KERNELS.map((k) => k.clang))].map((major) => [major, findToolchain(major)]));
  const version = [...toolchains.values()].map((t) => t.version).join(', ');
  const out = mkdtempSync(join(tmpdir(), 'adapterlab-kernels-'));
  try {
    let broken = false;
    for (const kernel of KERNELS) {
      const { clang, objdump } = toolchains.get(kernel.clang);
      const r = spawnSync(clang, clangArgs(kernel, join(out, `${kernel.name}.wasm`)), { cwd: KERNEL_DIR, stdio: 'inherit' });
      if (r.status !== 0) fail(`${kernel.source}.c (${kernel.name}.wasm) did not build (${clang} exited with ${r.status ?? r.signal})`);
      for (const p of ruleProblems(kernel, join(out, `${kernel.name}.wasm`), objdump)) {
        console.error(`build-kernels: ${kernel.name}.wasm ${p}`);
        broken = true;
      }
    }
    if (broken) fail('the kernels break the memory rules of src/core/model/kernels/README.md; nothing was written');
    const noObjdump = [...toolchains.entries()].filter(([, t]) => !t.objdump).map(([major]) => `llvm-objdump-${major}`);
    const rules = noObjdump.length ? `memory rules checked but for no global.get/set: ${noObjdump.join(', ')} not installed` : 'memory rules checked';

    const differing = [];
    for (const { name, source } of KERNELS) {
      const built = readFileSync(join(out, `${name}.wasm`));
      const committedFile = join(KERNEL_DIR, `${name}.wasm`);
      const committed = existsSync(committedFile) ? readFileSync(committedFile) : undefined;
      if (committed && built.equals(committed)) continue;
      differing.push(name);
      if (check) {
        const by =
          committed && producer(committed) !== producer(built)
            ? `; the committed one was built by ${producer(committed) || 'an unknown compiler'}, this build by ${producer(built)}`
            : '';
        console.error(`build-kernels: ${name}.wasm ${committed ? 'differs from a build of' : 'is missing; it is built from'} ${source}.c${by}`);
      } else {
        copyFileSync(join(out, `${name}.wasm`), committedFile);
      }
    }
    if (check && differing.length) {
      fail(
        `${differing.length} of ${KERNELS.length} kernel binaries do not match their C sources (${differing.map((n) => `${n}.wasm`).join(', ')}); rebuild them with npm run build:kernels (${version}) and commit them`,
      );
    }
    if (check) console.log(`build-kernels: all ${KERNELS.length} kernel binaries match their C sources, byte for byte (${version}; ${rules})`);
    else
      console.log(
        `build-kernels: built ${KERNELS.length} kernels with ${version}, ${differing.length ? `changed: ${differing.map((n) => `${n}.wasm`).join(', ')}` : 'none changed'} (${rules})`,
      );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// The FMA binaries use relaxed SIMD, which Node 20 compiles only with --experimental-wasm-relaxed-simd (the rule
// checks compile every binary): run again with the flag when this runtime lacks it (a probe module, as
// src/core/model/kernels/relaxedSimd.ts does; Node ≥ 22 has it on and is not given the flag).
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const RELAXED_PROBE = Uint8Array.from(
  Buffer.from('0061736d010000000105016000017b03020100' + '0a3d013b00' + `fd0c${'00'.repeat(16)}`.repeat(3) + 'fd85020b', 'hex'),
);

try {
  if (!WebAssembly.validate(RELAXED_PROBE) && !process.execArgv.includes(RELAXED_FLAG)) {
    const r = spawnSync(process.execPath, [...process.execArgv, RELAXED_FLAG, ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
  } else main();
} catch (e) {
  if (!(e instanceof Refusal)) throw e;
  console.error(`build-kernels: ${e.message}`);
  process.exitCode = 1;
}
