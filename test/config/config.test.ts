import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import schema from '../../schemas/adapterlab.schema.json';
import {
  COMMON_TRAIN_DEFAULTS,
  DEFAULT_BACKEND,
  DEFAULT_BASELINES,
  DEFAULT_RUNS_DIR,
  DEFAULT_SEED,
  DEFAULT_SHAPE,
  DEFAULT_SPLIT,
  RUN_TYPES,
  TRAIN_DEFAULTS,
} from '../../src/core/config/defaults';
import { BOTTLENECK_DEFAULTS } from '../../src/core/adapters/methods/bottleneck';
import { ADAPTER_METHODS, descriptorOf } from '../../src/core/adapters/methods/index';

const DEFAULT_ADAPTER = { method: 'houlsby', ...BOTTLENECK_DEFAULTS };
import { checkConfigText, formatProblem, loadConfig } from '../../src/core/config/validate';
import type { ConfigProblem } from '../../src/core/config/types';
import { planRuns } from '../../src/core/run/plan';

const FILE = '/projects/demo/exp.adapterlab.json';
const EXAMPLES = resolve(__dirname, '../../examples');

/** Line and column (1-based) of the nth occurrence of `needle`, computed here independently of the module. */
function positionOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `test text lacks occurrence ${nth} of ${needle}`);
  }
  const before = text.slice(0, index);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function describe(problems: ConfigProblem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** Asserts exactly one problem, with this code, underlining exactly `needle` (its nth occurrence). */
function expectProblem(text: string, needle: string, code: string, opts: { nth?: number; fileExists?: (p: string) => boolean } = {}): ConfigProblem {
  const { config, problems } = checkConfigText(text, FILE, { fileExists: opts.fileExists });
  assert.equal(config, undefined);
  assert.equal(problems.length, 1, describe(problems));
  const [p] = problems;
  assert.equal(p.code, code, describe(problems));
  assert.deepEqual({ line: p.range.line, column: p.range.column }, positionOf(text, needle, opts.nth), describe(problems));
  assert.equal(p.range.length, needle.length, describe(problems));
  assert.equal(p.file, FILE);
  return p;
}

function expectValid(text: string, file = FILE) {
  const { config, problems } = checkConfigText(text, file);
  assert.deepEqual(problems, []);
  assert.ok(config);
  return config;
}

const toCrlf = (text: string) => text.replace(/\n/g, '\r\n');

// ---- invalid configs: exact positions --------------------------------------------------------------------

const UNKNOWN_PROPERTY = `{
  "tasks": { "sentiment": {} },
  "adapters": {
    "sentiment": { "method": "houlsby", "reductionFactr": 8 }
  }
}`;

test('an unknown property is reported at its key, with a suggestion and the allowed names', () => {
  const p = expectProblem(UNKNOWN_PROPERTY, '"reductionFactr"', 'unknown-property');
  assert.match(p.message, /^unknown property "reductionFactr" in adapter "sentiment"; did you mean "reductionFactor"\? Allowed: method, task, /);
  assert.deepEqual(p.path, ['adapters', 'sentiment', 'reductionFactr']);
});

test('an unknown top-level property without a near match lists the allowed names', () => {
  const text = `{\n  "tasks": { "a": {} },\n  "optimizer": "adam"\n}`;
  const p = expectProblem(text, '"optimizer"', 'unknown-property');
  assert.match(p.message, /in the config; remove or rename it\. Allowed: \$schema, name, backend/);
});

const BAD_ENUM = `{
  // houlsby misspelt
  "tasks": { "sentiment": {} },
  "adapters": { "sentiment": { "method": "houlsbi" } }
}`;

test('a value outside an enum lists the allowed values', () => {
  const p = expectProblem(BAD_ENUM, '"houlsbi"', 'invalid-value');
  assert.equal(
    p.message,
    '"method" of adapter "sentiment" must be one of "houlsby", "pfeiffer", "parallel", "lora", "ia3", "arc", "prefix", "vera", "k-adapter", not "houlsbi"; did you mean "houlsby"?',
  );
});

test('a wrongly typed enum value gives one problem, not a type error and an enum error', () => {
  const text = `{ "tasks": { "a": {} }, "adapters": { "a": { "nonLinearity": 5 } } }`;
  expectProblem(text, '5', 'invalid-value');
});

const QUOTED_NUMBER = `{
  "tasks": { "sentiment": {} },
  "train": {
    "batchSize": "32"
  }
}`;

test('a quoted number is a type error telling to remove the quotes', () => {
  const p = expectProblem(QUOTED_NUMBER, '"32"', 'wrong-type');
  assert.equal(p.message, '"train.batchSize" must be an integer, not a string: remove the quotes around 32');
});

test('a number out of range names the limit', () => {
  const text = `{\n  "tasks": { "a": {} },\n  "train": { "full": { "epochs": 0 } }\n}`;
  const p = expectProblem(text, '0', 'out-of-range');
  assert.equal(p.message, '"train.full.epochs" must be >= 1, not 0');
});

const UNKNOWN_TASK = `{
  "tasks": { "sentiment": {}, "domain": {} },
  "adapters": {
    "sentiment": { "task": "sentimnet" }
  }
}`;

test('an adapter naming an unknown task is reported at the task value', () => {
  const p = expectProblem(UNKNOWN_TASK, '"sentimnet"', 'unknown-task');
  assert.equal(p.message, 'adapter "sentiment" uses unknown task "sentimnet"; did you mean "sentiment"? Known tasks: "sentiment", "domain"');
  assert.deepEqual(p.path, ['adapters', 'sentiment', 'task']);
});

test('an adapter without "task" whose name is no task is reported at its key', () => {
  const text = `{\n  "tasks": { "sentiment": {} },\n  "adapters": {\n    "classifier": { "method": "pfeiffer" }\n  }\n}`;
  const p = expectProblem(text, '"classifier"', 'adapter-without-task');
  assert.match(p.message, /add "task": "sentiment"/);
});

const HEADS = `{
  "base": { "random": { "hiddenSize": 130, "heads": 4 } },
  "tasks": { "a": {} }
}`;

test('hiddenSize not divisible by heads is reported at hiddenSize, with nearby sizes', () => {
  const p = expectProblem(HEADS, '130', 'heads-not-divisor');
  assert.match(p.message, /use a hiddenSize of 128 or 132/);
});

test('heads alone not dividing the default hiddenSize is reported at heads', () => {
  const text = `{ "base": { "random": { "heads": 3 } }, "tasks": { "a": {} } }`;
  expectProblem(text, '3', 'heads-not-divisor');
});

const SPLIT = `{
  "tasks": { "a": {} },
  "split": { "validation": 0.5, "test": 0.45 }
}`;

test('held-out fractions that leave too little to train on are reported at the test fraction', () => {
  const p = expectProblem(SPLIT, '0.45', 'split-too-large');
  assert.match(p.message, /validation \+ test = 0\.95 .*below 0\.9/);
});

const DATA_FILE = `{
  "data": { "path": "./reviews.jsonl", "textField": "body" },
  "tasks": { "a": {} }
}`;

test('a missing data file is reported at its path when existence is checked', () => {
  const looked: string[] = [];
  const fileExists = (p: string) => (looked.push(p), false);
  const p = expectProblem(DATA_FILE, '"./reviews.jsonl"', 'missing-data-file', { fileExists });
  assert.deepEqual(looked, ['/projects/demo/reviews.jsonl']);
  assert.match(p.message, /\/projects\/demo\/reviews\.jsonl/);
  expectValid(DATA_FILE); // without fileExists the check is pure
});

test('a data file whose extension says nothing needs a format', () => {
  const text = `{ "data": { "path": "rows.txt" }, "tasks": { "a": {} } }`;
  expectProblem(text, '"rows.txt"', 'unknown-data-format');
  expectValid(`{ "data": { "path": "rows.txt", "format": "csv" }, "tasks": { "a": {} } }`);
});

const LEAVE_OUT = `{
  "base": { "random": { "layers": 2 } },
  "tasks": { "a": {} },
  "adapters": { "a": { "leaveOut": [0, 5] } }
}`;

test('a leaveOut index beyond the layers is reported at that index', () => {
  const p = expectProblem(LEAVE_OUT, '5', 'leave-out-out-of-range');
  assert.deepEqual(p.path, ['adapters', 'a', 'leaveOut', 1]);
});

const BOTTLENECK = `{
  "tasks": { "a": {} },
  "adapters": { "a": { "bottleneckSize": 256 } }
}`;

test('a bottleneck wider than the hidden size is reported at bottleneckSize', () => {
  expectProblem(BOTTLENECK, '256', 'bottleneck-too-large');
});

test('maxLength beyond the position embeddings is reported where it is set', () => {
  const text = `{\n  "base": { "random": { "maxPositions": 64 } },\n  "tasks": { "a": {} },\n  "train": { "full": { "maxLength": 128 } }\n}`;
  const p = expectProblem(text, '128', 'max-length-too-large');
  assert.match(p.message, /^maxLength 128 \(full runs\) exceeds the base's 64 positions/);
});

const DUPLICATE_LABELS = `{
  "tasks": {
    "sentiment": { "labels": ["negative", "positive", "positive"] }
  }
}`;

test('a repeated label is reported at the repetition', () => {
  const p = expectProblem(DUPLICATE_LABELS, '"positive"', 'duplicate-item', { nth: 1 });
  assert.deepEqual(p.path, ['tasks', 'sentiment', 'labels', 2]);
});

test('a single label is too few', () => {
  const text = `{ "tasks": { "a": { "labels": ["yes"] } } }`;
  expectProblem(text, '["yes"]', 'too-few-items');
});

test('an empty "tasks" is reported at its key', () => {
  const text = `{\n  "tasks": {},\n  "adapters": { "a": {} }\n}`;
  expectProblem(text, '"tasks"', 'no-tasks');
});

test('a missing "tasks" is reported at the enclosing object', () => {
  const text = `// no tasks at all\n{\n  "seed": 1\n}`;
  const p = expectProblem(text, '{\n  "seed": 1\n}', 'missing-property');
  assert.equal(p.message, 'missing property "tasks" in the config; add it');
});

test('a base with two kinds is reported at the second key, one with none at "base"', () => {
  const two = `{\n  "base": { "random": {}, "builtin": "lab-base" },\n  "tasks": { "a": {} }\n}`;
  const p = expectProblem(two, '"builtin"', 'conflicting-properties');
  assert.equal(p.message, '"base" has both "random", "builtin"; keep only one of them');
  const none = `{\n  "tasks": { "a": {} },\n  "base": {}\n}`;
  const q = expectProblem(none, '"base"', 'missing-property');
  assert.equal(q.message, '"base" needs one of "random", "builtin", "path"');
});

test('textField without a data file is reported at textField', () => {
  const text = `{\n  "data": { "builtin": "reviews", "textField": "body" },\n  "tasks": { "a": {} }\n}`;
  expectProblem(text, '"textField"', 'requires-property');
});

test('a repeated key is reported at the repetition', () => {
  const text = `{\n  "tasks": {\n    "domain": {},\n    "domain": { "pooling": "cls" }\n  }\n}`;
  expectProblem(text, '"domain"', 'duplicate-key', { nth: 1 });
});

const MISSING_COMMA = `{
  "tasks": { "a": {} }
  "seed": 7
}`;

test('a missing comma is a syntax error at the token after it', () => {
  const p = expectProblem(MISSING_COMMA, '"seed"', 'syntax-error');
  assert.match(p.message, /comma/);
});

test('several problems are all reported, in file order', () => {
  const text = `{\n  "backend": "gpu",\n  "tasks": { "a": { "pooling": "max" } }\n}`;
  const { problems } = checkConfigText(text, FILE);
  assert.deepEqual(
    problems.map((p) => [p.code, p.range.line, p.range.column]),
    [
      ['invalid-value', ...Object.values(positionOf(text, '"gpu"'))],
      ['invalid-value', ...Object.values(positionOf(text, '"max"'))],
    ],
  );
});

test('CRLF line endings give the same lines and columns', () => {
  for (const text of [UNKNOWN_PROPERTY, BAD_ENUM, QUOTED_NUMBER, UNKNOWN_TASK, LEAVE_OUT, DUPLICATE_LABELS, MISSING_COMMA]) {
    const lf = checkConfigText(text, FILE).problems;
    const crlf = checkConfigText(toCrlf(text), FILE).problems;
    assert.equal(crlf.length, 1);
    const where = (p: ConfigProblem) => [p.range.line, p.range.column, p.range.endLine, p.range.endColumn];
    assert.deepEqual(where(crlf[0]), where(lf[0]));
    assert.equal(crlf[0].message, lf[0].message);
  }
});

test('formatProblem prints file:line:column: severity: message', () => {
  const [p] = checkConfigText(UNKNOWN_TASK, 'examples/x.adapterlab.json').problems;
  const { line, column } = positionOf(UNKNOWN_TASK, '"sentimnet"');
  assert.equal(formatProblem(p), `examples/x.adapterlab.json:${line}:${column}: error: ${p.message}`);
});

// ---- valid configs ---------------------------------------------------------------------------------------

test('comments and trailing commas are accepted', () => {
  const config = expectValid(`// header
{
  /* block comment */
  "tasks": {
    "sentiment": {}, // trailing comma next
  },
  "baselines": ["full",],
}
`);
  assert.deepEqual(config.baselines, ['full']);
});

test('defaults are applied: built-in < train.<field> < train.<type>.<field>', () => {
  const config = expectValid(`{
    "tasks": { "sentiment": { "labels": ["neg", "pos"] }, "domain": { "field": "category", "pooling": "cls" } },
    "adapters": { "sentiment": {}, "par": { "method": "parallel", "task": "domain" }, "scaled": { "method": "parallel", "task": "domain", "scaling": 2 } },
    "train": { "learningRate": 0.01, "dropout": 0.2, "adapter": { "epochs": 3 }, "full": { "dropout": 0 } }
  }`);
  assert.deepEqual(config.train.adapter, { ...TRAIN_DEFAULTS.adapter, learningRate: 0.01, dropout: 0.2, epochs: 3 });
  assert.deepEqual(config.train.full, { ...TRAIN_DEFAULTS.full, learningRate: 0.01, dropout: 0 });
  assert.deepEqual(config.train['head-only'], { ...TRAIN_DEFAULTS['head-only'], learningRate: 0.01, dropout: 0.2 });
  assert.equal(config.train.full.epochs, 5);
  assert.equal(config.train['head-only'].epochs, 12);

  assert.deepEqual(config.tasks, [
    { name: 'sentiment', field: 'sentiment', labels: ['neg', 'pos'], pooling: 'mean' },
    { name: 'domain', field: 'category', pooling: 'cls' },
  ]);
  assert.deepEqual(
    config.adapters.map((a) => [a.name, a.task, a.method, 'scaling' in a ? a.scaling : undefined]),
    [
      ['sentiment', 'sentiment', 'houlsby', 1],
      ['par', 'domain', 'parallel', 4],
      ['scaled', 'domain', 'parallel', 2],
    ],
  );
  assert.deepEqual(config.adapters[0], { name: 'sentiment', task: 'sentiment', ...DEFAULT_ADAPTER, leaveOut: [] });
  assert.equal(config.name, 'exp');
  assert.equal(config.backend, DEFAULT_BACKEND);
  assert.equal(config.seed, DEFAULT_SEED);
  assert.deepEqual(config.base, { kind: 'random', shape: DEFAULT_SHAPE });
  assert.deepEqual(config.data, { kind: 'builtin', name: 'reviews' });
  assert.deepEqual(config.split, DEFAULT_SPLIT);
  assert.deepEqual(config.baselines, DEFAULT_BASELINES);
});

test("an adapter's own train options override train.adapter for its run alone", () => {
  const config = expectValid(`{
    "tasks": { "sentiment": {}, "domain": {} },
    "adapters": { "sentiment": { "method": "parallel", "train": { "learningRate": 0.005, "epochs": 20 } }, "domain": { "method": "parallel" } },
    "train": { "dropout": 0.2, "adapter": { "learningRate": 0.002, "epochs": 15 } }
  }`);
  const runs = new Map(planRuns(config).map((r) => [r.name, r.options]));
  assert.deepEqual(runs.get('adapter:sentiment'), { ...TRAIN_DEFAULTS.adapter, dropout: 0.2, learningRate: 0.005, epochs: 20 });
  assert.deepEqual(runs.get('adapter:domain'), { ...TRAIN_DEFAULTS.adapter, dropout: 0.2, learningRate: 0.002, epochs: 15 });
  assert.deepEqual(runs.get('full'), config.train.full, 'baselines keep their own options');
});

test("an unknown option in an adapter's train is reported at its key; a too-long maxLength there at its value", () => {
  const unknown = `{
  "tasks": { "a": {} },
  "adapters": { "a": { "train": { "learningrate": 0.005 } } }
}`;
  const p = expectProblem(unknown, '"learningrate"', 'unknown-property');
  assert.match(p.message, /learningRate/);
  const tooLong = `{
  "base": { "random": { "maxPositions": 64 } },
  "tasks": { "a": {} },
  "adapters": { "a": { "train": { "maxLength": 96 } } }
}`;
  const q = expectProblem(tooLong, '96', 'max-length-too-large');
  assert.match(q.message, /^maxLength 96 \(adapter "a"\) exceeds the base's 64 positions/);
});

test('paths are resolved against the config folder', () => {
  const config = expectValid(
    `{
      "name": "custom",
      "base": { "path": "../models/bert-mini" },
      "data": { "path": "data/rows.CSV" },
      "tasks": { "a": {} },
      "runsDir": "out/runs"
    }`,
    'experiments/my.adapterlab.json',
  );
  const dir = resolve('experiments');
  assert.equal(config.file, join(dir, 'my.adapterlab.json'));
  assert.deepEqual(config.base, { kind: 'path', path: resolve(dir, '../models/bert-mini') });
  assert.deepEqual(config.data, { kind: 'file', path: join(dir, 'data/rows.CSV'), format: 'csv', textField: 'text' });
  assert.equal(config.runsDir, join(dir, 'out/runs'));
  assert.equal(config.name, 'custom');
  assert.equal(expectValid('{ "tasks": { "a": {} } }', '/x/plain.json').runsDir, join('/x', DEFAULT_RUNS_DIR));
});

test('the reviews example is valid', () => {
  const { config, problems } = loadConfig(join(EXAMPLES, 'reviews.adapterlab.json'));
  assert.deepEqual(problems, []);
  assert.ok(config);
  assert.equal(config.name, 'reviews');
  assert.deepEqual(
    config.tasks.map((t) => t.name),
    ['sentiment', 'domain'],
  );
  assert.deepEqual(
    config.adapters.map((a) => [a.name, a.method, a.task, 'bottleneckSize' in a ? a.bottleneckSize : undefined, a.leaveOut]),
    [
      ['sentiment', 'parallel', 'sentiment', 96, [1]],
      ['domain', 'parallel', 'domain', 96, [1]],
    ],
  );
  assert.deepEqual(config.base, { kind: 'builtin', name: 'lab-base' });
  assert.deepEqual(config.baselines, ['full', 'head-only']);
});

test('the broken example has exactly its deliberate error', () => {
  const file = join(EXAMPLES, 'broken.adapterlab.json');
  const text = readFileSync(file, 'utf8');
  const { config, problems } = loadConfig(file);
  assert.equal(config, undefined);
  assert.deepEqual(
    problems.map((p) => [p.code, p.range.line, p.range.column]),
    [['unknown-task', ...Object.values(positionOf(text, '"sentimnet"'))]],
  );
});

test('an unreadable file is one problem, not an exception', () => {
  const { config, problems } = loadConfig(join(EXAMPLES, 'does-not-exist.adapterlab.json'));
  assert.equal(config, undefined);
  assert.deepEqual(
    problems.map((p) => p.code),
    ['unreadable-file'],
  );
});

// ---- the schema agrees with the exported defaults --------------------------------------------------------

type SchemaNode = { $ref?: string; properties?: Record<string, SchemaNode>; description?: string; default?: unknown };
const definitions = schema.definitions as unknown as Record<string, SchemaNode>;
const deref = (s: SchemaNode): SchemaNode => (s.$ref ? definitions[s.$ref.replace('#/definitions/', '')] : s);
const props = (s: SchemaNode) => deref(s).properties ?? {};
const root = schema as unknown as SchemaNode;

test('every schema property has a description', () => {
  const missing: string[] = [];
  const walk = (s: SchemaNode, at: string) => {
    for (const [key, child] of Object.entries(props(s))) {
      if (!deref(child).description) missing.push(`${at}.${key}`);
      walk(child, `${at}.${key}`);
    }
  };
  walk(root, '');
  for (const [name, def] of Object.entries(definitions)) walk(def, `#${name}`);
  assert.deepEqual(missing, []);
});

test('schema defaults match the exported constants', () => {
  const defaultsOf = (s: SchemaNode) => Object.fromEntries(Object.entries(props(s)).map(([k, v]) => [k, deref(v).default]));
  const top = props(root);
  assert.deepEqual(defaultsOf(top.base.properties!.random), DEFAULT_SHAPE);
  assert.deepEqual(deref(top.base.properties!.random).default, DEFAULT_SHAPE);
  assert.deepEqual(defaultsOf(top.split), DEFAULT_SPLIT);
  assert.deepEqual(top.split.default, DEFAULT_SPLIT);
  assert.equal(top.backend.default, DEFAULT_BACKEND);
  assert.equal(top.seed.default, DEFAULT_SEED);
  assert.equal(top.runsDir.default, DEFAULT_RUNS_DIR);
  assert.deepEqual(top.baselines.default, DEFAULT_BASELINES);

  const adapter = defaultsOf(definitions.adapter);
  for (const [key, value] of Object.entries(DEFAULT_ADAPTER)) assert.equal(adapter[key], value, key);

  const train = props(top.train);
  for (const [key, value] of Object.entries(COMMON_TRAIN_DEFAULTS)) assert.equal(deref(train[key]).default, value, key);
  for (const type of RUN_TYPES) {
    const perType = defaultsOf(train[type]);
    for (const key of Object.keys(TRAIN_DEFAULTS[type]) as (keyof typeof TRAIN_DEFAULTS.adapter)[]) {
      assert.equal(perType[key], TRAIN_DEFAULTS[type][key], `${type}.${key}`);
    }
    const { learningRate, epochs } = TRAIN_DEFAULTS[type];
    assert.deepEqual(train[type].default, { learningRate, epochs });
    assert.match(train.learningRate.description!, new RegExp(`${type} ${learningRate}\\b`));
    assert.match(train.epochs.description!, new RegExp(`${type} ${epochs}\\b`));
  }
});

test('the schema offers every adapter method and exactly the options the methods take', () => {
  const adapter = definitions.adapter as SchemaNode & { properties: Record<string, SchemaNode & { enum?: string[] }> };
  assert.deepEqual([...(adapter.properties.method.enum ?? [])].sort(), [...ADAPTER_METHODS].sort());
  const common = ['method', 'task', 'leaveOut', 'adapterDrop', 'train'];
  const methodOptions = new Set(ADAPTER_METHODS.flatMap((m) => descriptorOf(m).options));
  assert.deepEqual(
    Object.keys(adapter.properties)
      .filter((k) => !common.includes(k))
      .sort(),
    [...methodOptions].sort(),
  );
});
