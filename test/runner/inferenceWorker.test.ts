// The Playground's inference worker, forked for real (dist/inference.js) on a small trained experiment: its
// predictions are what the core's evaluation computes for the same sentence, the newest request wins, AdapterDrop
// changes output and time, a Fuse run's attention per layer (or at the heads, over K-adapters) sums to 1, a decoder streams text, and problems come
// back as messages naming what failed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { RunPrediction } from '../../src/common/playground';
import type { FromInference } from '../../src/protocol/inference';
import { InferenceProcess } from '../../src/runner/inferenceProcess';
import { loadTrainedRun } from '../../src/core/run/loadRunModel';
import { readRun } from '../../src/core/io/runStore';
import { evaluate } from '../../src/core/train/loop';
import { ROOT, makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';
import { backendReady } from '../helpers/tiny';
import { writeFolder } from '../helpers/tinyGpt2Folder';

const WORKER = path.join(ROOT, 'dist/inference.js');
const SENTENCES = ['the pizza was great , really great', 'the movie was awful', 'plot soup terrible lovely'];

let runs: Map<string, string>;
const replies: FromInference[] = [];
const everything: FromInference[] = [];
let waiters: (() => void)[] = [];
let worker: InferenceProcess;

before(async () => {
  requireBuild();
  await backendReady();
  const { dir, configFile } = makeWorkspace(
    tinyConfig({
      adapters: {
        mood: { method: 'houlsby', bottleneckSize: 4, adapterDrop: { mode: 'robust' } },
        topic: { method: 'pfeiffer', bottleneckSize: 4 },
        // K-adapters with the experiment's own tasks as their knowledge, for a Fuse over K-adapters.
        kmood: { method: 'k-adapter', task: 'mood', readLayers: [0, 2], transformerLayers: 1, adapterSize: 4, heads: 2, intermediateSize: 8 },
        ktopic: { method: 'k-adapter', task: 'topic', readLayers: [1], transformerLayers: 1, adapterSize: 4, heads: 2, intermediateSize: 8 },
      },
      compositions: { fuse: { setup: 'Fuse(mood, topic)', task: 'mood' }, kfuse: { setup: 'Fuse(kmood, ktopic)', task: 'mood' } },
    }),
  );
  const r = runCli(['train', configFile, '--parallel', '1'], dir);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const runsDir = path.join(dir, '.adapterlab/runs');
  runs = new Map(fs.readdirSync(runsDir).map((id) => [readRun(path.join(runsDir, id)).name, path.join(runsDir, id)]));
  worker = new InferenceProcess({
    workerScript: WORKER,
    onReply: (m) => {
      replies.push(m);
      waiters.forEach((w) => w());
    },
    onAnyMessage: (m) => everything.push(m),
  });
});

after(() => worker?.dispose());

/** The replies to request `id` once it is done (or failed as a whole). */
async function finished(id: number): Promise<FromInference[]> {
  const mine = () => replies.filter((m) => m.type !== 'ready' && m.id === id);
  while (!mine().some((m) => m.type === 'done' || (m.type === 'failed' && m.run === undefined))) await new Promise<void>((resolve) => waiters.push(resolve));
  waiters = [];
  return mine();
}

async function classify(runNames: string[], text: string, drop = 0): Promise<Map<string, RunPrediction>> {
  const id = worker.request({ type: 'classify', runs: runNames.map((n) => runs.get(n)!), text, drop });
  const out = await finished(id);
  const failures = out.filter((m) => m.type === 'failed');
  assert.deepEqual(failures, []);
  return new Map(out.flatMap((m) => (m.type === 'prediction' ? [[m.prediction.name, m.prediction] as const] : [])));
}

test('every finished run (adapters, full, head-only, Fuse) predicts what the core evaluation predicts for the same sentence', async () => {
  const names = ['adapter:mood', 'adapter:topic', 'full', 'head-only', 'composition:fuse'];
  assert.deepEqual(
    names.filter((n) => !runs.has(n)),
    [],
  );
  for (const text of SENTENCES) {
    const predictions = await classify(names, text);
    assert.deepEqual([...predictions.keys()], names, 'one reply per run, in the order asked');
    for (const name of names) {
      const p = predictions.get(name)!;
      const run = loadTrainedRun(runs.get(name)!);
      try {
        const ids = run.base.tokenizer.encode(text, run.plan.options.maxLength).ids;
        p.tasks.forEach((task, t) => {
          assert.ok(Math.abs(task.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5, `${name} ${task.task}: probabilities sum to 1`);
          const predicted = task.labels.indexOf(task.predicted);
          // The evaluation's accuracy on this one sentence labelled with the worker's prediction is 1, with any other label 0.
          for (let label = 0; label < task.labels.length; label++) {
            const labels = run.data.tasks.map((_, i) => (i === t ? label : 0));
            const { metrics } = evaluate(run.model, [{ ids, labels }], run.data, 1);
            assert.equal(metrics[task.task].accuracy, label === predicted ? 1 : 0, `${name} on "${text}": ${task.task}`);
          }
        });
        assert.deepEqual(
          p.tasks.map((t) => t.task),
          run.plan.tasks,
        );
      } finally {
        run.dispose();
      }
    }
  }
});

test('the newest request wins: a request superseded while the worker computes is dropped and none of its replies is passed on', async () => {
  const names = ['full', 'head-only', 'adapter:mood', 'adapter:topic', 'composition:fuse'];
  const first = worker.request({ type: 'classify', runs: names.map((n) => runs.get(n)!), text: 'the soup was poor', drop: 0 });
  const second = worker.request({ type: 'classify', runs: [runs.get('adapter:mood')!], text: 'the soup was lovely', drop: 0 });
  const out = await finished(second);
  assert.equal(out.filter((m) => m.type === 'prediction').length, 1);
  assert.ok(
    replies.every((m) => m.type === 'ready' || m.id !== first),
    'no reply to the superseded request reached the host',
  );
  assert.ok(
    everything.some((m) => m.type === 'dropped' && m.id === first),
    'the worker dropped the superseded request',
  );
  assert.ok(everything.filter((m) => m.type === 'prediction' && m.id === first).length < names.length, 'it stopped before computing all its runs');
});

test('the AdapterDrop setting changes the output and the time per example; runs without adapters ignore it', async () => {
  const text = SENTENCES[0];
  const kept = (await classify(['adapter:mood', 'full'], text, 0)).get('adapter:mood')!;
  const droppedAll = await classify(['adapter:mood', 'full'], text, 2);
  const dropped = droppedAll.get('adapter:mood')!;
  assert.equal(kept.dropped, 0);
  assert.equal(dropped.dropped, 2, 'all layers dropped');
  assert.notDeepEqual(dropped.tasks[0].probabilities, kept.tasks[0].probabilities, 'without its adapters the model answers differently');
  assert.notEqual(dropped.msPerExample, kept.msPerExample);
  assert.ok(dropped.msPerExample > 0 && kept.msPerExample > 0);
  console.log(`adapter:mood ms/example: ${kept.msPerExample.toFixed(3)} with adapters, ${dropped.msPerExample.toFixed(3)} with all 2 layers dropped`);
  const full = droppedAll.get('full')!;
  assert.equal(full.hasAdapters, false);
  assert.equal(full.dropped, 0);
});

test("a Fuse run reports its attention over the adapters at every site; each site's weights sum to 1", async () => {
  const p = (await classify(['composition:fuse'], SENTENCES[1])).get('composition:fuse')!;
  assert.equal(p.fusions.length, 1);
  const [fusion] = p.fusions;
  assert.equal(fusion.fusion, 'mood,topic');
  assert.deepEqual(fusion.adapters, ['mood', 'topic']);
  // Houlsby (mood) acts after attention and after the feed-forward block; Pfeiffer (topic) after the feed-forward block.
  assert.deepEqual(
    fusion.sites.map((s) => `${s.layer}.${s.position}`),
    ['0.attention', '0.output', '1.attention', '1.output'],
  );
  for (const site of fusion.sites) {
    assert.equal(site.weights.length, 2);
    assert.ok(Math.abs(site.weights[0] + site.weights[1] - 1) < 1e-5, JSON.stringify(site));
  }
  const none = (await classify(['adapter:mood'], SENTENCES[1])).get('adapter:mood')!;
  assert.deepEqual(none.fusions, []);
});

test('a Fuse over K-adapters reports its attention at the heads (after the last layer): one row that sums to 1', async () => {
  const p = (await classify(['composition:kfuse'], SENTENCES[1])).get('composition:kfuse')!;
  assert.equal(p.fusions.length, 1);
  const [fusion] = p.fusions;
  assert.deepEqual(fusion.adapters, ['kmood', 'ktopic']);
  assert.deepEqual(
    fusion.sites.map((s) => `${s.layer}.${s.position}`),
    ['2.heads'],
  );
  assert.ok(Math.abs(fusion.sites[0].weights[0] + fusion.sites[0].weights[1] - 1) < 1e-5, JSON.stringify(fusion.sites[0]));
});

test('a decoder streams its text token by token; the same seed writes the same text', async () => {
  const folder = writeFolder();
  const generate = async () => {
    const id = worker.request({
      type: 'generate',
      decoder: folder,
      prompt: 'the cat',
      sampling: { temperature: 1, topK: 0, topP: 1, maxTokens: 6, seed: 7 },
    });
    return finished(id);
  };
  const first = await generate();
  const tokens = first.filter((m) => m.type === 'token');
  const done = first.find((m) => m.type === 'done');
  assert.ok(tokens.length >= 1, 'text arrived in pieces');
  assert.ok(done && done.type === 'done' && done.tokens! >= tokens.length && done.msPerToken! > 0);
  const text = (out: FromInference[]) => out.map((m) => (m.type === 'token' ? m.text : '')).join('');
  assert.equal(text(await generate()), text(first));
});

test('problems come back as messages: a run folder that is not there, a steering setup on a model folder, an encoder given as decoder', async () => {
  const missing = path.join(path.dirname(runs.get('full')!), 'no-such-run');
  const id = worker.request({ type: 'classify', runs: [missing, runs.get('full')!], text: 'x', drop: 0 });
  const out = await finished(id);
  const failed = out.find((m) => m.type === 'failed');
  assert.ok(failed && failed.type === 'failed' && failed.run === missing && failed.message.includes('no-such-run'), JSON.stringify(failed));
  assert.ok(
    out.some((m) => m.type === 'prediction'),
    'the other run still answers',
  );
  const sampling = { temperature: 0, topK: 0, topP: 1, maxTokens: 3, seed: 1 };
  const steered = await finished(worker.request({ type: 'generate', decoder: writeFolder(), prompt: 'the', sampling, setup: 'Stack(positive)' }));
  assert.match(failureOf(steered), /composes the attribute adapters of a run of causal-lm tasks; .* is a model folder/);
  const encoder = await finished(worker.request({ type: 'generate', decoder: 'builtin:lab-base', prompt: 'the', sampling }));
  assert.match(failureOf(encoder), /encoder/);
});

function failureOf(out: FromInference[]): string {
  const failed = out.find((m) => m.type === 'failed');
  return failed?.type === 'failed' ? failed.message : 'no failure reported';
}
