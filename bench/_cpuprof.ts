import { selectBackend } from '../src/core/backend';
import { MODELS, buildEncoder, syntheticBatch, syntheticExamples } from './models';
import { workloads } from './workloads';
async function main() {
  await selectBackend('wasm');
  const bench = MODELS['tiny-18'];
  const r = workloads(bench, buildEncoder(bench), syntheticBatch(bench), false, syntheticExamples(bench)).find((w) => w.name === (process.argv[2] ?? 'houlsby+cache'))!;
  for (let i = 0; i < 5; i++) r.run();
  const { Session } = await import('node:inspector');
  const s = new Session(); s.connect();
  const post = (m: string, p?: object) => new Promise<any>((res, rej) => s.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable'); await post('Profiler.setSamplingInterval', { interval: 100 }); await post('Profiler.start');
  for (let i = 0; i < 40; i++) r.run();
  const { profile } = await post('Profiler.stop');
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  profile.samples.forEach((id: number, i: number) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  for (const n of profile.nodes) {
    const f = n.callFrame; const key = `${f.functionName || '(anon)'} ${(f.url || '').split('/').slice(-2).join('/')}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((v / 1000 / 40).toFixed(2).padStart(7), 'ms/step', ((100 * v) / total).toFixed(1).padStart(5) + '%', k.slice(0, 110));
}
main();
