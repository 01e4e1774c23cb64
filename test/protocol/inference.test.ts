// The Playground's messages (host ⇄ inference worker, host ⇄ webview) are checked on arrival: what a real sender
// sends passes, a misspelt, missing or mistyped field does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunPrediction } from '../../src/common/playground';
import { type FromInference, type ToInference, isFromInference, isToInference } from '../../src/protocol/inference';
import { isPlaygroundMessage, isPlaygroundState, isPlaygroundToWebview } from '../../src/protocol/playground';

const prediction: RunPrediction = {
  dir: '/ws/.adapterlab/runs/r1',
  name: 'composition:fused',
  type: 'composition',
  tasks: [{ task: 'mood', labels: ['neg', 'pos'], probabilities: [0.3, 0.7], predicted: 'pos' }],
  msPerExample: 1.2,
  layers: 2,
  dropped: 1,
  hasAdapters: true,
  fusions: [{ fusion: 'mood,topic', adapters: ['mood', 'topic'], sites: [{ layer: 1, position: 'output', weights: [0.6, 0.4] }] }],
};
const sampling = { temperature: 0.8, topK: 40, topP: 0.95, maxTokens: 20, seed: 1 };

test('host → worker and worker → host: real messages pass, broken ones do not', () => {
  const requests: ToInference[] = [
    { type: 'classify', id: 3, runs: ['/a', '/b'], text: 'hello', drop: 1 },
    { type: 'generate', id: 4, decoder: 'builtin:lab-gpt', prompt: '', sampling },
    { type: 'generate', id: 5, decoder: '/ws/gpt2', prompt: 'x', sampling, setup: 'Stack(positive)' },
    { type: 'generate', id: 6, decoder: '/ws/runs/r', prompt: 'x', sampling, setup: 'Average(a, b)', mergeParameters: true },
    { type: 'generate', id: 7, decoder: '/ws/runs/r', prompt: 'x', sampling, baseOnly: true },
  ];
  for (const m of requests) assert.ok(isToInference(m), JSON.stringify(m));
  for (const bad of [
    { type: 'classify', id: 3, runs: '/a', text: 'hello', drop: 1 },
    { type: 'classify', id: 3, runs: ['/a'], text: 'hello' },
    { type: 'classify', id: 3, runs: ['/a'], text: 'hello', drop: 1, dorp: 2 },
    { type: 'generate', id: 4, decoder: 'x', prompt: '', sampling: { ...sampling, topK: '40' } },
    { type: 'generate', id: 4, decoder: 'x', prompt: '', sampling, mergeParameters: 'yes' },
  ])
    assert.equal(isToInference(bad), false, JSON.stringify(bad));

  const replies: FromInference[] = [
    { type: 'ready', backend: 'wasm', pid: 1 },
    { type: 'prediction', id: 3, prediction },
    { type: 'token', id: 4, text: ' the' },
    { type: 'done', id: 4, tokens: 20, msPerToken: 3.1 },
    { type: 'done', id: 3 },
    { type: 'dropped', id: 2 },
    { type: 'failed', id: 3, run: '/a', message: 'no run.json' },
  ];
  for (const m of replies) assert.ok(isFromInference(m), JSON.stringify(m));
  const broken = (change: object) => ({ type: 'prediction', id: 3, prediction: { ...prediction, ...change } });
  for (const bad of [
    broken({ tasks: [{ task: 'mood', labels: ['neg'], probabilities: ['0.3'], predicted: 'neg' }] }),
    broken({ fusions: [{ fusion: 'f', adapters: ['a'], sites: [{ layer: 0, position: 'inside', weights: [1] }] }] }),
    broken({ msPerExample: Number.NaN }),
    { type: 'token', id: 4 },
  ])
    assert.equal(isFromInference(bad), false, JSON.stringify(bad));
});

test('Playground panel ⇄ host: requests, replies and the saved state', () => {
  assert.ok(isPlaygroundMessage({ type: 'classify', text: 'good', drop: 0 }));
  assert.ok(isPlaygroundMessage({ type: 'generate', prompt: 'The', sampling }));
  for (const model of [{ kind: 'base' }, { kind: 'run', dir: '/r' }, { kind: 'setup', setup: 'Stack(a, b)', mergeParameters: false }])
    assert.ok(isPlaygroundMessage({ type: 'generate', prompt: 'The', sampling, model }), JSON.stringify(model));
  assert.equal(isPlaygroundMessage({ type: 'generate', prompt: 'The', sampling, model: { kind: 'setup', setup: 'Stack(a, b)' } }), false);
  assert.equal(isPlaygroundMessage({ type: 'classify', text: 'good' }), false);
  assert.equal(isPlaygroundMessage({ type: 'ready' }), false, 'the common messages are handled by the panel controller');
  const source = { kind: 'experiment', configFile: '/ws/t.adapterlab.json', runsDir: '/ws/.adapterlab/runs' };
  assert.ok(isPlaygroundToWebview({ type: 'source', source, title: 't', runs: [{ dir: '/r', name: 'full', type: 'full' }] }));
  assert.ok(isPlaygroundToWebview({ type: 'source', source, title: 't', runs: [], generation: { base: 'builtin:lab-gpt', adapters: ['positive'] } }));
  assert.equal(isPlaygroundToWebview({ type: 'source', source, title: 't', runs: [], generation: { base: 'builtin:lab-gpt' } }), false);
  assert.ok(isPlaygroundToWebview({ type: 'setupProblem', message: 'no adapter "x"' }));
  assert.ok(isPlaygroundToWebview({ type: 'prediction', prediction }));
  assert.ok(isPlaygroundToWebview({ type: 'error', message: 'x' }));
  assert.equal(isPlaygroundToWebview({ type: 'source', source: { kind: 'decoder' }, title: 't', runs: [] }), false);
  assert.ok(isPlaygroundState({ source: { kind: 'decoder', target: 'builtin:lab-gpt' }, text: '', drop: 0, prompt: 'The', sampling }));
  assert.equal(isPlaygroundState({ source, text: '', drop: '0', prompt: '', sampling }), false);
  const generation = { model: 'setup', setup: 'Stack(a, b)', mergeParameters: true };
  assert.ok(isPlaygroundState({ source, text: '', drop: 0, prompt: 'The', sampling, generation }));
  assert.equal(isPlaygroundState({ source, text: '', drop: 0, prompt: 'The', sampling, generation: { ...generation, setup: 3 } }), false);
});
