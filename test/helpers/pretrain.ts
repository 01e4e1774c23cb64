// A small pre-training on the reviews' train text with one objective (1 layer × 32, 400-piece vocabulary): enough
// steps to learn something in seconds, for tests of an objective end to end.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type PretrainConfig, loadPretrainConfig } from '../../src/core/pretrain/config';
import { loadPretrainCorpus } from '../../src/core/pretrain/corpus';
import { pretrain } from '../../src/core/pretrain/run';
import type { EvalEvent } from '../../src/common/events';

/** Writes and loads the config (in a new temporary folder) of a pre-training with `objective` alone. */
export function smallPretrainConfig(objective: string, steps: number): PretrainConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${objective}-`));
  const file = path.join(dir, `${objective}.pretrain.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      output: path.join(dir, 'out'),
      shape: { hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64, vocabSize: 400, maxPositions: 32 },
      corpora: ['reviews-train'],
      objectives: { [objective]: { weight: 1 } },
      steps,
      batchSize: 32,
      maxLength: 24,
      learningRate: 0.005,
      warmupSteps: 10,
      evalEvery: steps,
      checkpointEvery: 1000,
      logEvery: 40,
      heldOut: 0.1,
      seed: 5,
    }),
  );
  const { config, problems } = loadPretrainConfig(file);
  assert.deepEqual(problems, []);
  return config!;
}

/** Runs it to the end: the training losses logged and the held-out evaluations. */
export async function runSmallPretraining(config: PretrainConfig) {
  const { corpus } = loadPretrainCorpus(config);
  const losses: number[] = [];
  const evaluations: EvalEvent[] = [];
  const result = await pretrain(config, corpus!, path.join(path.dirname(config.file), 'run'), 'test', {
    progress: (p) => losses.push(p.loss),
    evaluated: (e) => evaluations.push(e),
    log() {},
    cancelled: () => false,
  });
  assert.equal(result.status, 'completed', result.reason);
  return { corpus: corpus!, losses, evaluations };
}
