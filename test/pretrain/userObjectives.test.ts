// Pre-training with objectives of the user's own, from the user's own JSONL corpora, on a tiny shape: each head learns
// its synthetic labelling (loss falls, held-out accuracy beats chance) and an interrupted run resumes bit-identically.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ProgressEvent } from '../../src/common/events';
import { loadPretrainConfig } from '../../src/core/pretrain/config';
import { loadPretrainCorpus } from '../../src/core/pretrain/corpus';
import { type PretrainHooks, pretrain } from '../../src/core/pretrain/run';
import { backendReady } from '../helpers/tiny';
import { writeSyntheticCorpora } from './synthetic';

before(backendReady);

function userConfig(dir: string, output: string, steps: number) {
  const file = path.join(dir, `${output}.pretrain.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      output,
      shape: { hiddenSize: 16, layers: 1, heads: 2, intermediateSize: 32, vocabSize: 200, maxPositions: 32 },
      corpora: [
        { name: 'news', path: './topics.jsonl' },
        { name: 'tagged', path: './tags.jsonl', tokensField: 'tokens' },
      ],
      objectives: {
        mlm: { weight: 1 },
        topic: { type: 'text-classification', corpus: 'news', field: 'topic', weight: 1 },
        colours: { type: 'token-classification', corpus: 'tagged', field: 'tags', weight: 1 },
      },
      steps,
      batchSize: 16,
      maxLength: 16,
      learningRate: 0.005,
      warmupSteps: 5,
      dropout: 0,
      heldOut: 0.25,
      evalEvery: steps,
      checkpointEvery: 5,
      logEvery: 1,
    }),
  );
  const { config, problems } = loadPretrainConfig(file);
  assert.deepEqual(problems, []);
  const { corpus, problems: dataProblems } = loadPretrainCorpus(config!);
  assert.deepEqual(dataProblems, []);
  return { config: config!, corpus: corpus! };
}

function recording(cancelAfter = Infinity) {
  const progress: ProgressEvent[] = [];
  const logs: string[] = [];
  let checks = 0;
  const hooks: PretrainHooks = { progress: (e) => progress.push(e), evaluated() {}, log: (m) => logs.push(m), cancelled: () => ++checks > cancelAfter };
  return { hooks, progress, logs };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('user objectives learn their labels: loss falls and held-out accuracy beats chance', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-user-'));
  const { majorityTagShare } = writeSyntheticCorpora(dir);
  const { config, corpus } = userConfig(dir, 'learn', 60);
  assert.deepEqual(corpus.labels.get('topic'), ['food', 'sport']);
  assert.deepEqual(corpus.labels.get('colours'), ['COLOUR', 'NUM', 'O']);
  const { hooks, progress, logs } = recording();
  const outcome = await pretrain(config, corpus, path.join(dir, 'run'), 'test', hooks);
  assert.equal(outcome.status, 'completed', outcome.reason);
  assert.ok(
    logs.some((l) => l.startsWith('topic (text-classification): 2 labels (food, sport)')),
    logs.join('\n'),
  );

  for (const name of ['topic', 'colours']) {
    // A batch drawn only from the other corpus has no label for this objective and reports a loss of 0: skip those.
    const losses = progress.map((e) => e.lossPerTask[name]).filter((loss) => loss > 0);
    assert.ok(losses.length > 20, `${name} had labels in ${losses.length} batches`);
    assert.ok(mean(losses.slice(-10)) < 0.5 * mean(losses.slice(0, 5)), `${name} loss ${losses.slice(0, 5)} … ${losses.slice(-10)}`);
  }
  const heldOut = outcome.heldOut!;
  assert.ok(heldOut.topic.count > 40 && heldOut.colours.count > 200, JSON.stringify(heldOut));
  assert.ok(heldOut.topic.accuracy > 0.8, `topic held-out accuracy ${heldOut.topic.accuracy} (chance 0.5)`);
  assert.ok(heldOut.colours.accuracy > majorityTagShare + 0.2, `tag accuracy ${heldOut.colours.accuracy}, majority ${majorityTagShare}`);
  assert.ok(heldOut.mlm.count > 0);
});

test('with user objectives an interrupted + resumed run equals an uninterrupted one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-user-'));
  writeSyntheticCorpora(dir, 80);
  const straight = userConfig(dir, 'straight', 8);
  const a = await pretrain(straight.config, straight.corpus, path.join(dir, 'run-a'), 'test', recording().hooks);
  assert.equal(a.status, 'completed', a.reason);

  const resumed = userConfig(dir, 'resumed', 8);
  const first = await pretrain(resumed.config, resumed.corpus, path.join(dir, 'run-b'), 'test', recording(6).hooks);
  assert.equal(first.status, 'cancelled');
  assert.equal(first.step, 6); // past the checkpoint at 5: the cancel writes its own
  const again = userConfig(dir, 'resumed', 8); // a new process reads the corpora again
  const second = await pretrain(again.config, again.corpus, path.join(dir, 'run-b'), 'test', recording().hooks);
  assert.equal(second.status, 'completed', second.reason);
  assert.deepEqual(second.heldOut, a.heldOut);
  const bytes = (file: string) => fs.readFileSync(path.join(dir, file));
  assert.ok(bytes('straight/model.safetensors').equals(bytes('resumed/model.safetensors')), 'resumed base differs');
  for (const f of ['weights.safetensors', 'optimizer.safetensors']) {
    assert.ok(bytes(`run-a/checkpoint/${f}`).equals(bytes(`run-b/checkpoint/${f}`)), `resumed ${f} (heads included) differs`);
  }

  // A corpus edited between sessions so that a head would change shape: a clear error, not a shape mismatch.
  fs.appendFileSync(path.join(dir, 'tags.jsonl'), `${JSON.stringify({ tokens: Array(30).fill('seven'), tags: Array(30).fill('DATE') })}\n`);
  const edited = userConfig(dir, 'resumed', 8);
  await assert.rejects(
    pretrain(edited.config, edited.corpus, path.join(dir, 'run-b'), 'test', recording().hooks),
    /the labels of objective "colours" changed since the checkpoint \(COLOUR, NUM, O → COLOUR, DATE, NUM, O\); start over with --fresh/,
  );
});
