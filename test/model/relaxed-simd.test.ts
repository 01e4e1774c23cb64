// Relaxed-SIMD detection (src/core/model/kernels/relaxedSimd.ts): its probe module is valid where the runtime has
// relaxed SIMD (Node 20 with --experimental-wasm-relaxed-simd) and rejected where it has not (Node 20 by default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const PROBE = `require(${JSON.stringify(path.join(__dirname, '../../src/core/model/kernels/relaxedSimd.ts'))}).relaxedSimdSupported()`;

function detected(flags: string[]): boolean {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '-p', PROBE], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() === 'true';
}

test('relaxed SIMD is detected when the runtime enables it, and not when it does not', (t) => {
  const major = Number(process.versions.node.split('.')[0]);
  assert.equal(detected(['--experimental-wasm-relaxed-simd']), true);
  if (major >= 22) return t.skip('relaxed SIMD is on by default from Node 22');
  assert.equal(detected([]), false);
});
