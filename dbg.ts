import { selectBackend } from './src/core/model/backend';
import { MODELS, buildEncoder, syntheticBatch, syntheticExamples } from './bench/models';
import { workloads } from './bench/workloads';
import { interleaved } from './bench/measure';
(async () => {
  await selectBackend('wasm');
  const bench = MODELS['tiny-18'];
  const encoder = buildEncoder(bench);
  const ws = workloads(bench, encoder, syntheticBatch(bench), false, syntheticExamples(bench)).filter((w) => ['forward', 'full', 'houlsby', 'lora'].includes(w.name));
  const t = interleaved(ws, 3, 30);
  console.log(process.env.ADAPTERLAB_SHARED_HEAP ?? 'shared', [...t].map(([w, r]) => `${w.name} ${r.cpuMs.toFixed(1)}`).join(' · '));
})();
