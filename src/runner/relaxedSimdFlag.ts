// The V8 flag a host gives the trainers and inference workers it forks when ADAPTERLAB_FMA=on asks for the FMA
// kernels on a runtime that has relaxed SIMD only behind it (Node 20). Never by default: see relaxedSimd.ts. The flag
// is given only when this runtime lacks relaxed SIMD and a child started with it does have it, so a newer Node or
// Electron (relaxed SIMD on, the flag perhaps gone from V8) is never handed an option it might refuse.
import { spawnSync } from 'child_process';
import { fmaSetting } from '../core/model/kernels/kernelVariant';
import { RELAXED_SIMD_FLAG, RELAXED_SIMD_PROBE_SCRIPT, relaxedSimdSupported } from '../core/model/kernels/relaxedSimd';

let checked: string[] | undefined;

/** The execArgv for a forked engine process: [] unless ADAPTERLAB_FMA=on needs (and this runtime accepts) the flag. */
export function engineExecArgv(): string[] {
  if (fmaSetting() !== 'on' || relaxedSimdSupported()) return [];
  checked ??= flagWorks() ? [RELAXED_SIMD_FLAG] : [];
  return checked;
}

/** True when this runtime starts with the flag and then validates relaxed SIMD (checked once, ~50 ms). */
function flagWorks(): boolean {
  const r = spawnSync(process.execPath, [RELAXED_SIMD_FLAG, '-e', RELAXED_SIMD_PROBE_SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  return r.status === 0 && r.stdout === 'true';
}
