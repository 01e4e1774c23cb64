// Sizes checked against the base whatever its kind (issue #14): a built-in or `path` base's config.json gives its
// width, layers and positions, so `check` reports too-wide bottlenecks, left-out layers it lacks and too-long inputs
// at their line:column; absurd epochs, batch sizes and empty splits are errors too, not runs that never end.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type JSONPath, findNodeAtLocation, parseTree } from 'jsonc-parser';
import { formatProblem, loadConfig } from '../../src/core/config/validate';
import { ExperimentInputError, loadExperimentData } from '../../src/core/run/experiment';
import { makeWorkspace, requireBuild, runCli } from '../helpers/workspace';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-sizes-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, 'data.jsonl'), Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: `row ${i}`, t: i % 2 ? 'a' : 'b' })).join('\n'));
// A local Hugging Face base: 3 layers × 64, 32 positions (only config.json is read by check).
fs.mkdirSync(path.join(dir, 'small-bert'));
fs.writeFileSync(
  path.join(dir, 'small-bert/config.json'),
  JSON.stringify({
    model_type: 'bert',
    hidden_size: 64,
    num_hidden_layers: 3,
    num_attention_heads: 4,
    intermediate_size: 256,
    vocab_size: 500,
    max_position_embeddings: 32,
  }),
);

/** The config as written (2-space JSON), its problems as "line:column: message", and where the value at a JSON path starts. */
function check(config: object): { problems: string[]; at: (where: JSONPath) => string } {
  const file = path.join(dir, 'exp.adapterlab.json');
  const text = JSON.stringify(config, null, 2);
  fs.writeFileSync(file, text);
  const problems = loadConfig(file).problems.map((p) => formatProblem(p).slice(file.length + 1));
  const at = (where: JSONPath) => {
    const node = findNodeAtLocation(parseTree(text)!, where);
    assert.ok(node, where.join('.'));
    const lines = text.slice(0, node.offset).split('\n');
    return `${lines.length}:${lines[lines.length - 1].length + 1}`;
  };
  return { problems, at };
}

function expectAt(problems: string[], where: string, message: RegExp): void {
  assert.ok(
    problems.some((p) => p.startsWith(`${where}: error: `) && message.test(p)),
    `expected ${where} ${message}, got:\n${problems.join('\n')}`,
  );
}

for (const [label, base, width, layers, positions] of [
  ['built-in lab-base', { builtin: 'lab-base' }, 128, 2, 128],
  ['a path base', { path: './small-bert' }, 64, 3, 32],
] as const) {
  test(`${label}: bottleneckSize, leaveOut, adapterDrop layers and maxLength are checked against its config.json`, () => {
    const config = {
      base,
      data: { path: './data.jsonl' },
      tasks: { t: {} },
      adapters: {
        wide: { task: 't', bottleneckSize: width + 72 },
        gone: { task: 't', leaveOut: [layers + 3], adapterDrop: { mode: 'specialised', layers: layers + 4 } },
      },
      train: { maxLength: positions + 472 },
    };
    const { problems, at } = check(config);
    expectAt(problems, at(['adapters', 'wide', 'bottleneckSize']), new RegExp(`exceeds the base's hiddenSize \\(${width}\\)`));
    expectAt(problems, at(['adapters', 'gone', 'leaveOut', 0]), new RegExp(`leaves out layer ${layers + 3}, but the base has ${layers} layers`));
    expectAt(problems, at(['adapters', 'gone', 'adapterDrop', 'layers']), new RegExp(`the base has ${layers} layers`));
    expectAt(problems, at(['train', 'maxLength']), new RegExp(`exceeds the base's ${positions} positions \\(max_position_embeddings`));
    assert.equal(problems.length, 4, problems.join('\n'));
  });
}

test('a too-long default maxLength is reported at the base when the user wrote none', () => {
  const config = { base: { path: './small-bert' }, data: { path: './data.jsonl' }, tasks: { t: {} } }; // default maxLength 64 > 32
  const { problems, at } = check(config);
  expectAt(problems, at(['base', 'path']), /maxLength 64 \(adapter runs\) exceeds the base's 32 positions/);
});

test('a path base whose config.json is unusable is reported at "path"', () => {
  fs.mkdirSync(path.join(dir, 'not-bert'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'not-bert/config.json'), JSON.stringify({ model_type: 'gpt2' }));
  const { problems, at } = check({ base: { path: './not-bert' }, data: { path: './data.jsonl' }, tasks: { t: {} } });
  expectAt(problems, at(['base', 'path']), /model_type is "gpt2"/);
});

test('absurd epochs and batch sizes, and empty validation or test splits, are errors at their value', () => {
  const config = {
    data: { path: './data.jsonl' },
    split: { validation: 0, test: 0 },
    tasks: { t: {} },
    train: { batchSize: 1e30, adapter: { epochs: 1e30 } },
  };
  const { problems, at } = check(config);
  expectAt(problems, at(['train', 'batchSize']), /4096/);
  expectAt(problems, at(['train', 'adapter', 'epochs']), /1000/);
  expectAt(problems, at(['split', 'validation']), /0/);
  expectAt(problems, at(['split', 'test']), /0/);
});

test('a split that rounding leaves empty is an input error before training, naming the split', () => {
  const few = path.join(dir, 'few.jsonl');
  fs.writeFileSync(few, ['a', 'b', 'a', 'b', 'a', 'b'].map((t, i) => JSON.stringify({ text: `row ${i}`, t })).join('\n'));
  const { problems } = check({ data: { path: './few.jsonl' }, split: { validation: 0.05, test: 0.3 }, tasks: { t: {} } });
  assert.deepEqual(problems, []);
  const config = loadConfig(path.join(dir, 'exp.adapterlab.json')).config!;
  assert.throws(
    () => loadExperimentData(config),
    (e: unknown) => {
      assert.ok(e instanceof ExperimentInputError, String(e));
      assert.match(e.message, /the validation split of .*few\.jsonl is empty.*raise "split\.validation"/);
      return true;
    },
  );
});

test('adapter-lab check exits 2 on a bottleneck wider than lab-base, with the line:column', () => {
  requireBuild();
  const { dir: ws, configFile } = makeWorkspace({
    base: { builtin: 'lab-base' },
    data: { path: './data.jsonl' },
    tasks: { mood: {} },
    adapters: { mood: { bottleneckSize: 200 } },
  });
  const r = runCli(['check', configFile], ws);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /tiny\.adapterlab\.json:\d+:\d+: error: "bottleneckSize" of adapter "mood" \(200\) exceeds the base's hiddenSize \(128\)/);
});
