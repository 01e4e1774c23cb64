import { selectBackend } from '../src/core/backend';
import { interleaved } from './measure';
import { MODELS, type ModelName, buildEncoder, syntheticBatch, syntheticExamples } from './models';
import { workloads } from './workloads';
async function main() {
  await selectBackend('wasm');
  const bench = MODELS[(process.argv[2] ?? 'tiny-18') as ModelName];
  const rs = workloads(bench, buildEncoder(bench), syntheticBatch(bench), false, syntheticExamples(bench)).filter((r) => !r.name.startsWith('forward+'));
  const t = interleaved(rs, 2, Number(process.argv[3] ?? 7));
  for (const [v, x] of t) console.log(v.name.padEnd(24), x.cpuMs.toFixed(1), x.wallMs.toFixed(1));
}
main();
