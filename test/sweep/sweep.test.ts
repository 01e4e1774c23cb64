import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand } from '../../src/cli/check';
import { trainCommand } from '../../src/cli/train';
import { checkConfigText, formatProblem } from '../../src/core/config/validate';
import type { ConfigProblem } from '../../src/core/config/types';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { checkExperimentText } from '../../src/core/sweep/check';
import { pathLabels, pointName, uniqueNames, valueText } from '../../src/core/sweep/pointName';

const FILE = '/projects/demo/exp.adapterlab.json';
const READ_BASES = { baseShape: (base: Parameters<typeof baseShapeOf>[0]) => baseShapeOf(base).config };

/** 1-based line and column of the nth occurrence of `needle`, computed independently of the module. */
function positionOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `test text lacks occurrence ${nth} of ${needle}`);
  }
  const lines = text.slice(0, index).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

const describe = (problems: ConfigProblem[]) => problems.map(formatProblem).join('\n');

function points(text: string) {
  const result = checkExperimentText(text, FILE);
  assert.deepEqual(result.problems, [], describe(result.problems));
  assert.ok(result.config && result.sweep);
  return result.sweep.points;
}

/** Exactly one problem, with this code, underlining exactly `needle` (its nth occurrence). */
function expectProblem(text: string, needle: string, code: string, nth = 0, opts = {}): ConfigProblem {
  const { config, problems } = checkExperimentText(text, FILE, opts);
  assert.equal(config, undefined);
  assert.equal(problems.length, 1, describe(problems));
  const [p] = problems;
  assert.equal(p.code, code, describe(problems));
  assert.deepEqual({ line: p.range.line, column: p.range.column }, positionOf(text, needle, nth), describe(problems));
  assert.equal(p.range.length, needle.length, describe(problems));
  return p;
}

const GRID = `{
  "tasks": { "sentiment": {}, "topic": {} },
  "adapters": {
    "sentiment": { "method": "lora" },
    "topic": { "method": "lora", "task": "topic" }
  },
  "sweep": {
    "grid": {
      "adapters.*.r": [4, 8, 16],
      "train.adapter.learningRate": [0.001, 0.0003]
    }
  }
}`;

test('a grid gives every combination, the first path varying slowest', () => {
  const ps = points(GRID);
  assert.equal(ps.length, 6);
  assert.deepEqual(
    ps.map((p) => p.values),
    [4, 8, 16].flatMap((r) => [0.001, 0.0003].map((lr) => ({ 'adapters.*.r': r, 'train.adapter.learningRate': lr }))),
  );
  assert.deepEqual(ps.map((p) => p.name).slice(0, 2), ['r=4,learningRate=0.001', 'r=4,learningRate=0.0003']);
});

test('"*" sets the value in every adapter, and the point config leaves the original untouched', () => {
  const [first] = points(GRID);
  assert.equal(first.rawConfig.adapters?.sentiment.r, 4);
  assert.equal(first.rawConfig.adapters?.topic.r, 4);
  assert.equal(first.rawConfig.train?.adapter?.learningRate, 0.001);
  assert.equal((first.rawConfig as { sweep?: unknown }).sweep, undefined);
  const adapters = first.config?.adapters ?? [];
  assert.deepEqual(
    adapters.map((a) => (a.method === 'lora' ? a.r : undefined)),
    [4, 4],
  );
  assert.equal(first.config?.train.adapter.learningRate, 0.001);
});

const withSeeds = (sweep: string) => `{
  "tasks": { "sentiment": {} },
  "adapters": { "sentiment": { "method": "lora" } },
  "sweep": ${sweep}
}`;

test('seeds repeat every point, innermost, and set the top-level seed', () => {
  const ps = points(withSeeds(`{ "grid": { "adapters.sentiment.method": ["lora", "ia3"] }, "seeds": [1, 2, 3] }`));
  assert.equal(ps.length, 6);
  assert.deepEqual(
    ps.map((p) => p.name),
    ['method=lora,seed=1', 'method=lora,seed=2', 'method=lora,seed=3', 'method=ia3,seed=1', 'method=ia3,seed=2', 'method=ia3,seed=3'],
  );
  assert.deepEqual(
    ps.map((p) => p.config?.seed),
    [1, 2, 3, 1, 2, 3],
  );
  assert.deepEqual(
    ps.map((p) => p.config?.adapters[0].method),
    ['lora', 'lora', 'lora', 'ia3', 'ia3', 'ia3'],
  );
});

const RANDOM = (seed: number) =>
  withSeeds(`{
    "random": {
      "count": 6,
      "seed": ${seed},
      "values": {
        "train.adapter.learningRate": { "min": 0.00001, "max": 0.01, "log": true },
        "adapters.sentiment.r": [2, 4, 8, 16],
        "adapters.sentiment.alpha": { "min": 1, "max": 32, "integer": true }
      }
    }
  }`);

test('random samples are the same for the same seed, different for another, and stay in their ranges', () => {
  const a = points(RANDOM(1));
  const again = points(RANDOM(1));
  const other = points(RANDOM(2));
  assert.equal(a.length, 6);
  assert.deepEqual(
    again.map((p) => p.values),
    a.map((p) => p.values),
  );
  assert.deepEqual(
    again.map((p) => p.name),
    a.map((p) => p.name),
  );
  assert.notDeepEqual(
    other.map((p) => p.values),
    a.map((p) => p.values),
  );
  for (const p of [...a, ...other]) {
    const lr = p.values['train.adapter.learningRate'] as number;
    const alpha = p.values['adapters.sentiment.alpha'] as number;
    assert.ok(lr >= 0.00001 && lr <= 0.01, String(lr));
    assert.equal(Number(lr.toPrecision(3)), lr);
    assert.ok(Number.isInteger(alpha) && alpha >= 1 && alpha <= 32, String(alpha));
    assert.ok([2, 4, 8, 16].includes(p.values['adapters.sentiment.r'] as number));
  }
  assert.equal(new Set(a.map((p) => p.name)).size, a.length, 'names are unique');
});

test('random samples combine with every grid point and every seed', () => {
  const ps = points(
    withSeeds(
      `{ "grid": { "adapters.sentiment.method": ["lora", "vera"] }, "random": { "count": 3, "values": { "adapters.sentiment.r": [4, 8] } }, "seeds": [7, 8] }`,
    ),
  );
  assert.equal(ps.length, 12);
  assert.ok(
    ps.every((p) => /^method=(lora|vera),r=(4|8),seed=[78](~\d+)?$/.test(p.name)),
    ps.map((p) => p.name).join(' '),
  );
  assert.equal(new Set(ps.map((p) => p.name)).size, 12);
});

test('point names are readable, filesystem-safe, unique and stable', () => {
  assert.equal(
    pointName([
      { label: 'method', value: 'lora' },
      { label: 'r', value: 8 },
      { label: 'seed', value: 1 },
    ]),
    'method=lora,r=8,seed=1',
  );
  assert.equal(valueText({ builtin: 'lab-base' }), 'lab-base');
  assert.equal(valueText({ random: {} }), 'random');
  assert.equal(valueText([0, 1, 2]), '0+1+2');
  assert.equal(valueText([]), 'none');
  assert.equal(valueText({ mode: 'specialised', layers: 2 }), 'specialised-layers-2');
  assert.equal(valueText('../models/bert mini'), 'models-bert-mini');
  assert.equal(valueText('x'.repeat(80)).length <= 32, true);
  assert.notEqual(valueText('x'.repeat(80)), valueText(`${'x'.repeat(79)}y`));
  assert.deepEqual(uniqueNames(['a', 'b', 'a', 'a']), ['a', 'b', 'a~2', 'a~3']);
  assert.deepEqual(pathLabels(['adapters.*.r', 'train.full.epochs', 'train.adapter.epochs', 'base']), ['r', 'full.epochs', 'adapter.epochs', 'base']);
  for (const name of points(GRID).map((p) => p.name)) assert.match(name, /^[A-Za-z0-9._+,=~-]+$/);
  const ps = points(withSeeds(`{ "grid": { "base": [{ "builtin": "lab-base" }, { "random": { "layers": 2 } }], "adapters.*.leaveOut": [[], [0, 1]] } }`));
  assert.deepEqual(
    ps.map((p) => p.name),
    ['base=lab-base,leaveOut=none', 'base=lab-base,leaveOut=0+1', 'base=random-layers-2,leaveOut=none', 'base=random-layers-2,leaveOut=0+1'],
  );
});

test('check gives a summary of the points', () => {
  const { sweep } = checkExperimentText(
    withSeeds(`{ "grid": { "adapters.sentiment.method": ["lora", "ia3", "vera", "arc"], "train.full.epochs": [1, 2] }, "seeds": [1, 2, 3] }`),
    FILE,
  );
  assert.equal(sweep?.summary, '24 points (method 4 × epochs 2 × 3 seeds)');
});

// ---- problems at their places in the sweep ----------------------------------------------------------------

test('an unknown adapter in a path is reported at the sweep key, naming the known ones', () => {
  const text = withSeeds(`{ "grid": { "adapters.sentimnet.r": [4, 8] } }`);
  const p = expectProblem(text, '"adapters.sentimnet.r"', 'unknown-sweep-path');
  assert.match(p.message, /did you mean "sentiment"/);
});

test('an unknown option in a path is reported at the sweep key, with a suggestion', () => {
  const text = withSeeds(`{ "grid": { "adapters.*.rr": [4, 8] } }`);
  const p = expectProblem(text, '"adapters.*.rr"', 'unknown-property');
  assert.match(p.message, /sweep points "rr=4" and 1 more/);
});

test('an unknown top-level key in a path is reported at the sweep key', () => {
  expectProblem(withSeeds(`{ "grid": { "trian.epochs": [1, 2] } }`), '"trian.epochs"', 'unknown-property');
});

test('a value of the wrong type is reported at that value in the sweep', () => {
  const text = withSeeds(`{ "grid": { "adapters.sentiment.r": [4, "x"] }, "seeds": [1, 2] }`);
  const p = expectProblem(text, '"x"', 'wrong-type');
  assert.match(p.message, /^sweep points "r=x,seed=1" and 1 more: /);
  assert.deepEqual(p.path, ['sweep', 'grid', 'adapters.sentiment.r', 1]);
});

test('a bad item inside a list value is reported at that item', () => {
  const text = withSeeds(`{ "grid": { "adapters.sentiment.leaveOut": [[0], [1, 12]] } }`);
  expectProblem(text, '12', 'leave-out-out-of-range', 0, READ_BASES);
});

test('a value valid alone but not with the base is reported at the value, before anything trains', () => {
  const text = `{
  "base": { "builtin": "lab-base" },
  "tasks": { "sentiment": {} },
  "adapters": { "sentiment": { "method": "houlsby" } },
  "sweep": { "grid": { "adapters.sentiment.bottleneckSize": [16, 200] } }
}`;
  // 200 alone is a valid bottleneckSize: only the 128-wide lab-base makes it too large.
  assert.deepEqual(checkConfigText(text.replace('"houlsby"', '"houlsby", "bottleneckSize": 200').replace(/,\n {2}"sweep".*\n/, '\n'), FILE).problems, []);
  const p = expectProblem(text, '200', 'bottleneck-too-large', 0, READ_BASES);
  assert.match(p.message, /sweep point "bottleneckSize=200"/);
});

test('a problem only a combination of values makes names the config value it concerns', () => {
  const text = `{
  "tasks": { "sentiment": {} },
  "adapters": { "sentiment": { "method": "houlsby", "bottleneckSize": 100 } },
  "sweep": { "grid": { "base": [{ "random": {} }, { "random": { "hiddenSize": 64, "heads": 2 } }] } }
}`;
  const p = expectProblem(text, '{ "random": { "hiddenSize": 64, "heads": 2 } }', 'bottleneck-too-large');
  const at = positionOf(text, '100');
  assert.ok(p.message.includes(`written at ${at.line}:${at.column}`), p.message);
});

test('a random range with min above max is reported at min', () => {
  expectProblem(withSeeds(`{ "random": { "count": 2, "values": { "train.epochs": { "min": 5, "max": 1 } } } }`), '5', 'invalid-sweep-range');
});

test('two entries setting the same value are reported at the second', () => {
  expectProblem(withSeeds(`{ "grid": { "adapters.*.r": [4], "adapters.sentiment.r": [8] } }`), '"adapters.sentiment.r"', 'sweep-path-twice');
});

test('a malformed sweep section is a schema problem at its place', () => {
  expectProblem(withSeeds(`{ "grid": { "adapters.*.r": 4 } }`), '4', 'wrong-type');
  expectProblem(withSeeds(`{ "gird": {} }`), '"gird"', 'unknown-property');
});

test('a config without sweep gives exactly what checkConfigText gives', () => {
  for (const text of [
    GRID.replace(/,\n {2}"sweep"[\s\S]*\n {2}}\n/, '\n'),
    `{ "tasks": { "a": {} }, "adapters": { "a": { "bottleneckSize": 256 } } }`,
    '{ "tasks": ',
  ]) {
    const before = checkConfigText(text, FILE);
    const after = checkExperimentText(text, FILE);
    assert.deepEqual(after, before);
    assert.equal(after.sweep, undefined);
  }
});

test('a problem the config has without the sweep is reported where it is, as before', () => {
  const text = `{
  "tasks": { "sentiment": {} },
  "adapters": { "sentiment": { "task": "sentimnet" } },
  "sweep": { "grid": { "adapters.sentiment.r": ["x"] } }
}`;
  expectProblem(text, '"sentimnet"', 'unknown-task');
});

test('adapter-lab check prints the number of points, or every point problem at line:column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-check-'));
  const run = (text: string) => {
    const file = join(dir, 'exp.adapterlab.json');
    writeFileSync(file, text);
    const lines: string[] = [];
    const code = checkCommand(file, 'exp.adapterlab.json', { log: (l) => lines.push(l), error: (l) => lines.push(l) });
    return { code, lines, file };
  };
  const ok = run(withSeeds(`{ "grid": { "adapters.sentiment.method": ["lora", "ia3", "vera", "arc"], "train.full.epochs": [1, 2] }, "seeds": [1, 2, 3] }`));
  assert.deepEqual(ok, { code: 0, lines: ['sweep: 24 points (method 4 × epochs 2 × 3 seeds)', 'exp.adapterlab.json: ok'], file: ok.file });
  const text = withSeeds(`{ "grid": { "adapters.sentiment.r": [4, "x"] } }`);
  const bad = run(text);
  const at = positionOf(text, '"x"');
  assert.equal(bad.code, 2);
  assert.equal(bad.lines.length, 1);
  assert.ok(bad.lines[0].startsWith(`${bad.file}:${at.line}:${at.column}: error: sweep point "r=x": `), bad.lines[0]);
  const plain = run(`{ "tasks": { "a": {} } }`);
  assert.deepEqual(plain.lines, ['exp.adapterlab.json: ok']);
});

test('adapter-lab train refuses a sweep with an invalid point before any run folder is made', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-train-'));
  const file = join(dir, 'exp.adapterlab.json');
  const text = withSeeds(`{ "grid": { "train.full.epochs": [1, 2000] }, "seeds": [1, 2] }`);
  writeFileSync(file, text);
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await trainCommand(file, {}), 2);
  } finally {
    console.error = original;
  }
  const at = positionOf(text, '2000');
  assert.match(errors.join('\n'), new RegExp(`:${at.line}:${at.column}: error: sweep points "epochs=2000,seed=1" and 1 more: `));
  assert.deepEqual(readdirSync(dir), ['exp.adapterlab.json'], 'no run folder made');
});
