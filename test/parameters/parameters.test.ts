// Parameter counts per run type from shapes alone: checked by hand on a tiny encoder, against what
// `adapter-lab inspect` prints for the shipped examples, and for damaged run folders (a message, never a throw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkConfigText } from '../../src/core/config/validate';
import type { ExperimentConfig } from '../../src/core/config/types';
import { formatCount } from '../../src/cli/report';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { parametersForConfig, parametersForRun } from '../../src/core/parameters/forConfig';
import { labelCounts } from '../../src/core/parameters/labels';
import { parameterReport } from '../../src/core/parameters/report';
import { BYTES_PER_PARAM, projectedBytes } from '../../src/common/parameterReport';
import { CLI, ROOT, requireBuild, tinyConfig } from '../helpers/workspace';
import { spawnSync } from 'child_process';
import { applyEdits, modify } from 'jsonc-parser';

function configOf(raw: Record<string, unknown>, file = path.join(os.tmpdir(), 'x.adapterlab.json')): ExperimentConfig {
  const { config, problems } = checkConfigText(JSON.stringify(raw), file);
  assert.deepEqual(problems, []);
  return config!;
}

// d 16, 2 layers, FFN 32, vocabulary 120, 32 positions; two labels per task.
const tiny = () => configOf(tinyConfig({ tasks: { mood: { labels: ['neg', 'pos'] }, topic: { labels: ['film', 'food'] } } }));

test('each run type of a tiny encoder, counted by hand', () => {
  const config = tiny();
  const shape = baseShapeOf(config.base);
  const report = parameterReport(config, shape.config, labelCounts(config), shape.description);
  const d = 16;
  const embeddings = 120 * d + 32 * d + 2 * d + 2 * d; // words, positions, token types, LayerNorm
  const layer = 4 * (d * d + d) + 2 * d + (d * 32 + 32) + (32 * d + d) + 2 * d;
  const pooler = d * d + d;
  assert.equal(report.base.total, embeddings + 2 * layer + pooler);
  assert.deepEqual(report.base.perLayer, [layer, layer]);

  const head = d * d + d + d * 2 + 2; // AdapterHub's 2-layer head, 2 labels
  const byName = new Map(report.rows.map((r) => [r.name, r]));
  assert.deepEqual([...byName.keys()], ['full', 'head-only', 'adapter:mood', 'adapter:topic']);

  const houlsby = 2 * (2 * d * 4 + 4 + d); // after attention and after the feed-forward block, m = 4
  const mood = byName.get('adapter:mood')!;
  assert.deepEqual(mood.perLayer, [houlsby, houlsby]);
  assert.equal(mood.trainable, 2 * houlsby + head);
  assert.equal(mood.percentOfBase, (100 * mood.trainable) / report.base.total);
  assert.deepEqual(mood.bytesPerTask, { mood: mood.trainable * BYTES_PER_PARAM });

  const pfeiffer = 2 * d * 4 + 4 + d; // after the feed-forward block only
  assert.deepEqual(byName.get('adapter:topic')!.perLayer, [pfeiffer, pfeiffer]);

  const full = byName.get('full')!;
  assert.equal(full.trainable, report.base.total - pooler + 2 * head, 'the pooler is unused with mean pooling');
  assert.deepEqual(full.bytesPerTask, { mood: (report.base.total + head) * 4, topic: (report.base.total + head) * 4 });
  assert.equal(byName.get('head-only')!.trainable, 2 * head);

  // N attributes: full fine-tuning stores N models; adapters one base plus N adapters.
  assert.equal(projectedBytes(full.storage!, 10), 10 * (report.base.total + head) * 4);
  assert.equal(projectedBytes(mood.storage!, 10), report.base.total * 4 + 10 * mood.trainable * 4);
  assert.ok(projectedBytes(mood.storage!, 10) < projectedBytes(full.storage!, 10));
  assert.deepEqual(report.fullFineTuning, full.storage);
});

test("full fine-tuning's storage is counted from shapes also when the config trains no full baseline", () => {
  const config = configOf(tinyConfig({ tasks: { mood: { labels: ['neg', 'pos'] }, topic: { labels: ['film', 'food'] } }, baselines: [] }));
  const shape = baseShapeOf(config.base);
  const report = parameterReport(config, shape.config, labelCounts(config), '');
  assert.ok(!report.rows.some((r) => r.kind === 'full'));
  const withFull = parameterReport(tiny(), shape.config, labelCounts(config), '');
  assert.deepEqual(report.fullFineTuning, withFull.rows.find((r) => r.kind === 'full')!.storage);
  assert.equal(report.fullFineTuning.shared, 0, 'a whole model per attribute');
});

test('a Fuse composition trains fusion layers where its bottleneck adapters act, and the heads', () => {
  const config = configOf(
    tinyConfig({
      tasks: { mood: { labels: ['neg', 'pos'] }, topic: { labels: ['film', 'food'] } },
      compositions: { fused: { setup: 'Fuse(mood, topic)', task: 'mood' } },
    }),
  );
  const shape = baseShapeOf(config.base);
  const row = parameterReport(config, shape.config, labelCounts(config), '').rows.find((r) => r.name === 'composition:fused')!;
  const d = 16;
  const perSite = 3 * (d * d + d); // query, key and value of AdapterFusion
  assert.deepEqual(row.perLayer, [2 * perSite, 2 * perSite], 'Houlsby acts after attention and after the feed-forward block');
  assert.equal(row.trainable, 4 * perSite + (d * d + d + 2 * d + 2));
  assert.equal(row.storage, undefined, 'a composition reuses stored adapters: no per-attribute projection');
});

test('labels: listed in the config, else counted in the data', () => {
  const listed = configOf({ ...tinyConfig(), data: { path: './missing.jsonl' }, tasks: { mood: { labels: ['a', 'b', 'c'] } }, adapters: {} });
  assert.deepEqual([...labelCounts(listed)], [['mood', 3]], 'the data file is not read when every task lists its labels');
  const reviews = configOf({ tasks: { sentiment: {}, domain: {} } });
  assert.deepEqual(
    [...labelCounts(reviews)],
    [
      ['sentiment', 2],
      ['domain', 3],
    ],
  );
});

test('the base shape of the built-in model comes from its config.json; a bad config.json is named', () => {
  const builtin = baseShapeOf({ kind: 'builtin', name: 'lab-base' });
  const hf = JSON.parse(fs.readFileSync(path.join(ROOT, 'models/lab-base/config.json'), 'utf8'));
  assert.equal(builtin.config.layers, hf.num_hidden_layers);
  assert.equal(builtin.config.vocabSize, hf.vocab_size);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-base-'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{ "model_type": "bert", ');
  assert.throws(() => baseShapeOf({ kind: 'path', path: dir }), /config\.json: not valid JSON/);
  assert.throws(() => baseShapeOf({ kind: 'builtin', name: 'nope' }), /no built-in base "nope"/);
});

/** `inspect`'s table rows: adapter → [total, % of base]; and the full fine-tuning sentence. */
function inspectFigures(configFile: string): { adapters: Map<string, [string, string]>; full: string } {
  const r = spawnSync(process.execPath, [CLI, 'inspect', configFile], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const adapters = new Map<string, [string, string]>();
  for (const line of r.stdout.split('\n')) {
    const cells = line
      .split('│')
      .map((c) => c.trim())
      .filter(Boolean);
    if (cells.length > 4 && cells[0] !== 'adapter') adapters.set(cells[0], [cells[cells.length - 3], cells[cells.length - 2]]);
  }
  return { adapters, full: /Full fine-tuning trains (\S+) parameters/.exec(r.stdout)![1] };
}

/**
 * `inspect` counts only random bases, so an example on a built-in base is checked on a copy whose base is a
 * random encoder of the same shape (from the model's config.json).
 */
function inspectableCopy(example: string): string {
  const file = path.join(ROOT, 'examples', `${example}.adapterlab.json`);
  const { config } = checkConfigText(fs.readFileSync(file, 'utf8'), file);
  // A decoder experiment keeps its built-in decoder: a random base is an encoder.
  if (config!.base.kind === 'random' || config!.tasks.some((t) => t.objective === 'causal-lm')) return file;
  const { layers, hiddenSize, heads, intermediateSize, vocabSize, maxPositions } = baseShapeOf(config!.base).config;
  const text = applyEdits(
    fs.readFileSync(file, 'utf8'),
    modify(fs.readFileSync(file, 'utf8'), ['base'], { random: { hiddenSize, layers, heads, intermediateSize, vocabSize, maxPositions } }, {}),
  );
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-inspect-')), `${example}.adapterlab.json`);
  fs.writeFileSync(copy, text.replace(/"\$schema": "[^"]*",/, ''));
  return copy;
}

const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => /^[^.].*\.adapterlab\.json$/.test(f) && f !== 'broken.adapterlab.json');
for (const example of examples.map((f) => f.replace('.adapterlab.json', ''))) {
  test(`the same numbers as \`adapter-lab inspect\` for examples/${example}`, () => {
    requireBuild();
    const file = inspectableCopy(example);
    const data = parametersForConfig(file);
    assert.equal(data.error, undefined);
    const printed = inspectFigures(file);
    const adapterRows = data.report!.rows.filter((r) => r.kind === 'adapter');
    assert.equal(adapterRows.length, printed.adapters.size);
    assert.ok(adapterRows.length > 0);
    for (const row of adapterRows) {
      assert.deepEqual([formatCount(row.trainable), `${row.percentOfBase.toFixed(2)}%`], printed.adapters.get(row.name.slice('adapter:'.length)), row.name);
    }
    const full = data.report!.rows.find((r) => r.kind === 'full');
    if (full) assert.equal(formatCount(full.trainable), printed.full);
  });
}

function runFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-run-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('a damaged run folder gives a message that names the file, never an exception', () => {
  const notJson = parametersForRun(runFolder({ 'run.json': '{ "id": "x", "status": ' }));
  assert.match(notJson.error!, /run\.json: cannot read the run record/);
  assert.equal(notJson.report, undefined);

  const record = {
    id: 'r1',
    experiment: 'tiny',
    name: 'adapter:mood',
    type: 'adapter',
    tasks: ['mood'],
    status: 'failed',
    configFile: '/x',
    config: tiny(),
    createdAt: '2025-01-01T00:00:00Z',
  };
  const unfinished = parametersForRun(runFolder({ 'run.json': JSON.stringify(record), 'metrics.jsonl': '{"kind":"progress","step":1,"lo' }));
  assert.equal(unfinished.error, undefined);
  assert.ok(unfinished.report, 'the counts from shapes are still shown');
  assert.match(unfinished.notes.join('\n'), /summary\.json is missing/);

  const noSnapshot = parametersForRun(runFolder({ 'run.json': JSON.stringify({ ...record, config: null }) }));
  assert.match(noSnapshot.error!, /no config snapshot/);

  const badSummary = parametersForRun(runFolder({ 'run.json': JSON.stringify(record), 'summary.json': '{"name": "adapter:mood"}' }));
  assert.match(badSummary.notes.join('\n'), /lacks parameter counts/);
  assert.equal(badSummary.run?.measured, undefined);

  const summary = { name: 'adapter:mood', totalParams: 100, trainableParams: 10, trainablePercent: 10, bytesOnDisk: 400, bytesPerTask: { mood: 40 } };
  const finished = parametersForRun(runFolder({ 'run.json': JSON.stringify(record), 'summary.json': JSON.stringify(summary) }));
  assert.deepEqual(finished.run?.measured, summary);
  assert.deepEqual(finished.notes, []);
});

test('an invalid config gives its problems with line and column instead of figures', () => {
  const data = parametersForConfig(path.join(ROOT, 'examples/broken.adapterlab.json'));
  assert.equal(data.report, undefined);
  assert.match(data.error!, /broken\.adapterlab\.json:\d+:\d+: error: .*sentiment/);
});
