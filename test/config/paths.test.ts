// Paths in a config checked against the disk as `adapter-lab check` and the editor check them: a folder where a file
// is expected, a path too long for the file system, a runs folder that cannot be made, names that are paths.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatProblem, loadConfig } from '../../src/core/config/validate';
import { ExperimentInputError, loadExperimentData } from '../../src/core/run/experiment';
import { resolveConfig } from '../../src/core/config/resolve';
import { loadPretrainConfig } from '../../src/core/pretrain/config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-paths-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.mkdirSync(path.join(dir, 'folder.jsonl'));
fs.writeFileSync(path.join(dir, 'data.jsonl'), '{"text": "a", "t": "x"}\n{"text": "b", "t": "y"}\n');
fs.writeFileSync(path.join(dir, 'a-file'), '');
const LONG = 'x'.repeat(300);

/** The problems of a config written to disk, each as "line:column: message". */
function check(config: object): string[] {
  const file = path.join(dir, 'exp.adapterlab.json');
  const text = JSON.stringify(config, null, 2);
  fs.writeFileSync(file, text);
  return loadConfig(file).problems.map((p) => formatProblem(p).slice(file.length + 1));
}

/** 1-based line:column of the first occurrence of `needle` in the config as written by check(). */
function at(config: object, needle: string): string {
  const text = JSON.stringify(config, null, 2);
  const before = text.slice(0, text.indexOf(needle));
  const lines = before.split('\n');
  return `${lines.length}:${lines[lines.length - 1].length + 1}`;
}

test('a data path that is a folder is reported at "path" as a folder', () => {
  const config = { data: { path: './folder.jsonl' }, tasks: { t: {} } };
  const problems = check(config);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.ok(problems[0].startsWith(`${at(config, '"./folder.jsonl"')}: error: `), problems[0]);
  assert.match(problems[0], /is a folder, not a file/);
});

test('a data path too long for the file system is reported as too long, not as missing', () => {
  for (const p of [`./${LONG}.jsonl`, `./${LONG}/data.jsonl`]) {
    const config = { data: { path: p }, tasks: { t: {} } };
    const problems = check(config);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.ok(problems[0].startsWith(`${at(config, `"${p}"`)}: error: `), problems[0]);
    assert.match(problems[0], /too long/);
  }
});

test('a base path that is a file or too long is reported as such', () => {
  for (const [p, reason] of [
    ['./a-file', /is a file, not a folder/],
    [`./${LONG}`, /too long/],
  ] as const) {
    const config = { base: { path: p }, data: { path: './data.jsonl' }, tasks: { t: {} } };
    const problems = check(config);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.ok(problems[0].startsWith(`${at(config, `"${p}"`)}: error: `), problems[0]);
    assert.match(problems[0], reason);
  }
});

test('a runs folder that is a file, lies under a file, or is too long is reported at runsDir', () => {
  for (const [p, reason] of [
    ['./a-file', /is a file, not a folder/],
    ['./a-file/runs', /is a file, not a folder/],
    [`./${LONG}`, /too long/],
  ] as const) {
    const config = { data: { path: './data.jsonl' }, tasks: { t: {} }, runsDir: p };
    const problems = check(config);
    assert.equal(problems.length, 1, `${p}: ${problems.join('\n')}`);
    assert.ok(problems[0].startsWith(`${at(config, `"${p}"`)}: error: `), problems[0]);
    assert.match(problems[0], reason);
  }
});

test('names that are paths (adapters, tasks, merges, compositions) are reported at their key', () => {
  const config = {
    data: { path: './data.jsonl' },
    tasks: { t: {}, '../up': { field: 't' } },
    adapters: { 'a/b': { task: 't' }, ok: { task: 't' }, '..': { task: 't' } },
    merges: { 'm\\n': { adapters: ['ok', 'a/b'] } },
    compositions: { '../c': { setup: 'Stack(ok)' } },
  };
  const problems = check(config);
  for (const key of ['"../up"', '"a/b"', '".."', '"m\\\\n"', '"../c"']) {
    assert.ok(
      problems.some((p) => p.startsWith(`${at(config, `${key}:`)}: error: `) && /path/.test(p)),
      `${key}: ${problems.join('\n')}`,
    );
  }
});

test('an unreadable config is one problem in words', () => {
  const { problems } = loadConfig(path.join(dir, 'folder.jsonl'));
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /cannot read config: .*is a folder, not a file/);
  assert.doesNotMatch(problems[0].message, /EISDIR/);
});

test('data that cannot be read at run time is an input error in words, not a raw EISDIR', () => {
  const config = resolveConfig({ data: { path: './folder.jsonl' }, tasks: { t: {} } }, path.join(dir, 'exp.adapterlab.json'));
  assert.throws(
    () => loadExperimentData(config),
    (e: unknown) => {
      assert.ok(e instanceof ExperimentInputError, String(e));
      assert.match(e.message, /folder\.jsonl.*is a folder, not a file/);
      return true;
    },
  );
});

test('pretrain configs: a corpus path that is a folder or too long is reported as such; maxLength beyond maxPositions and absurd steps are errors', () => {
  const file = path.join(dir, 'p.pretrain.json');
  const write = (over: object) =>
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          output: './out',
          corpora: [
            { name: 'mine', path: './folder.jsonl' },
            { name: 'long', path: `./${LONG}.jsonl` },
          ],
          objectives: { mlm: { weight: 1 } },
          ...over,
        },
        null,
        2,
      ),
    );
  write({});
  const messages = loadPretrainConfig(file).problems.map((p) => p.message);
  assert.ok(
    messages.some((m) => /folder\.jsonl: is a folder, not a file/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /too long/.test(m)),
    messages.join('\n'),
  );
  for (const [over, fields] of [
    [{ maxLength: 256 }, ['maxLength']],
    [{ steps: 1e30, batchSize: 1e30 }, ['steps', 'batchSize']],
  ] as const) {
    write({ corpora: ['brown'], ...over });
    const more = loadPretrainConfig(file).problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    for (const field of fields)
      assert.ok(
        more.some((m) => m.startsWith(`${field}:`)),
        `${field}: ${more.join('\n')}`,
      );
  }
});
