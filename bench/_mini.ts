import { selectBackend } from '../src/core/backend';
import { allowElementwiseKernels } from '../src/core/model/ops';
import { interleaved } from './measure';
import { MODELS, buildEncoder, syntheticBatch } from './models';
import { workloads } from './workloads';
async function main() {
  await selectBackend('wasm');
  const bench = MODELS.mini;
  const rs = workloads(bench, buildEncoder(bench), syntheticBatch(bench), false).filter((r) => ['full', 'houlsby', 'forward'].includes(r.name));
  const variants = rs.flatMap((r) => [true, false].map((on) => ({ name: `${r.name} ${on ? 'kernels' : 'stock'}`, run: () => { allowElementwiseKernels(on); try { r.run(); } finally { allowElementwiseKernels(true); } } })));
  const t = interleaved(variants, 1, 3);
  for (const [v, x] of t) console.log(v.name.padEnd(24), x.cpuMs.toFixed(1), x.wallMs.toFixed(1));
}
main();
