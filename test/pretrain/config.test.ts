// Pre-training configs with corpora and objectives of the user's own: every shipped example loads, each mistake is
// reported at its line and column, and bad JSONL rows at their file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPretrainConfig } from '../../src/core/pretrain/config';
import { loadPretrainCorpus } from '../../src/core/pretrain/corpus';

const EXAMPLES = path.resolve(__dirname, '../../examples');

/** 1-based line and column of the first occurrence of `needle` (after `after`), computed independently. */
function positionOf(text: string, needle: string, after = ''): { line: number; column: number } {
  const index = text.indexOf(needle, after ? text.indexOf(after) : 0);
  assert.ok(index >= 0, `the test text lacks ${needle}`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-config-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The config's problems as "line:column message". */
function problemsOf(text: string, files: Record<string, string> = {}) {
  const dir = workspace({ ...files, 'x.pretrain.json': text });
  const { config, problems } = loadPretrainConfig(path.join(dir, 'x.pretrain.json'));
  if (problems.length) assert.equal(config, undefined);
  return problems.map((p) => ({ line: p.range.line, column: p.range.column, message: p.message }));
}

const DATA = { 'notes.jsonl': '{"text": "a note", "topic": "x"}\n', 'tags.jsonl': '{"tokens": ["a", "b"], "tags": ["X", "Y"]}\n' };

test('every shipped *.pretrain.json example loads without problems', () => {
  const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.pretrain.json'));
  assert.ok(examples.length >= 3, examples.join(', '));
  for (const file of examples) assert.deepEqual(loadPretrainConfig(path.join(EXAMPLES, file)).problems, [], file);
});

test('user corpora and objectives load: paths resolved, textField defaulted, config order kept', () => {
  const dir = workspace(DATA);
  const file = path.join(dir, 'ok.pretrain.json');
  fs.writeFileSync(
    file,
    `{
  "output": "out",
  "corpora": ["reviews-train", { "name": "notes", "path": "notes.jsonl" }, { "name": "tags", "path": "./tags.jsonl", "tokensField": "tokens" }],
  "objectives": {
    "ner": { "type": "token-classification", "corpus": "tags", "field": "tags", "weight": 0.5 },
    "mlm": { "weight": 1 },
    "topic": { "type": "text-classification", "corpus": "notes", "field": "topic", "weight": 2 }
  }
}`,
  );
  const { config, problems } = loadPretrainConfig(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(config!.corpora, [
    'reviews-train',
    { name: 'notes', path: path.join(dir, 'notes.jsonl'), textField: 'text' },
    { name: 'tags', path: path.join(dir, 'tags.jsonl'), tokensField: 'tokens' },
  ]);
  assert.deepEqual(Object.keys(config!.objectives), ['ner', 'mlm', 'topic']);
});

test('mistakes in corpora and objectives are reported at their line and column', () => {
  const cases: { text: string; files?: Record<string, string>; at: [string, string?]; message: RegExp }[] = [
    {
      // An objective's corpus that is not listed.
      text: `{ "output": "o", "corpora": [{ "name": "notes", "path": "notes.jsonl" }],
  "objectives": { "topic": { "type": "text-classification", "corpus": "note", "field": "topic", "weight": 1 } } }`,
      at: ['"note"', '"topic": {'],
      message: /no corpus "note" in "corpora"; corpora of your own: "notes"/,
    },
    {
      // Token labels need the words: a text corpus cannot carry them.
      text: `{ "output": "o", "corpora": [{ "name": "notes", "path": "notes.jsonl" }],
  "objectives": {
    "ner": { "type": "token-classification", "corpus": "notes", "field": "tags", "weight": 1 } } }`,
      at: ['"notes"', '"ner"'],
      message: /give corpus "notes" a "tokensField"/,
    },
    {
      text: `{ "output": "o",\n  "corpora": [{ "name": "notes", "path": "missing.jsonl" }] }`,
      at: ['"missing.jsonl"'],
      message: /no such file: .*missing\.jsonl/,
    },
    {
      text: `{ "output": "o", "corpora": [{ "name": "notes", "path": "notes.jsonl" }],\n  "objectives": { "topic": { "type": "sentence", "corpus": "notes", "field": "topic", "weight": 1 } } }`,
      at: ['"sentence"'],
      message: /type must be equal to one of the allowed values: token-classification, text-classification/,
    },
    {
      text: `{ "output": "o", "corpora": ["reviews-train"],\n  "objectives": { "mlm": { "weight": 1 }, "pos": { "weight": 1 } } }`,
      at: ['"pos"'],
      message: /"pos" learns labels of the brown corpus: add "brown" to "corpora"/,
    },
    {
      text: `{ "output": "o",\n  "corpora": [{ "name": "t", "path": "tags.jsonl", "textField": "text", "tokensField": "tokens" }] }`,
      at: ['"tokensField"'],
      message: /either "textField" .* or "tokensField"/,
    },
    {
      text: `{ "output": "o",\n  "corpora": ["brown", { "name": "brown", "path": "notes.jsonl" }] }`,
      at: ['"brown"', '"name"'],
      message: /"brown" is a built-in corpus/,
    },
    {
      text: `{ "output": "o", "corpora": ["brown"],\n  "objectives": { "mlm": { "weight": 1 }, "genre": { "type": "text-classification", "corpus": "brown", "field": "genre", "weight": 1 } } }`,
      at: ['"genre"'],
      message: /"genre" is a built-in objective and takes only "weight"; give an objective of your own another name/,
    },
    {
      text: `{ "output": "o", "corpora": [{ "name": "tags", "path": "tags.jsonl", "tokensField": "tokens" }],\n  "objectives": { "my tags": { "type": "token-classification", "corpus": "tags", "field": "tags", "weight": 1 } } }`,
      at: ['"my tags"'],
      message: /objective name "my tags": use letters, digits/,
    },
  ];
  for (const { text, files, at, message } of cases) {
    const problems = problemsOf(text, files ?? DATA);
    assert.equal(problems.length, 1, `${text}\n${JSON.stringify(problems)}`);
    assert.deepEqual({ line: problems[0].line, column: problems[0].column }, positionOf(text, at[0], at[1]), `${problems[0].message}\n${text}`);
    assert.match(problems[0].message, message);
  }
});

test('a corpus is a built-in name or an object with name and path, one problem per mistake', () => {
  const text = `{ "output": "o",\n  "corpora": ["brown", "Brown", { "name": "notes", "file": "notes.jsonl" }] }`;
  assert.deepEqual(problemsOf(text, DATA), [
    { ...positionOf(text, '"Brown"'), message: '/corpora/1 must be equal to one of the allowed values: brown, reviews-train' },
    { ...positionOf(text, '{ "name": "notes"'), message: "/corpora/2 must have required property 'path'" },
    { ...positionOf(text, '"file"'), message: '/corpora/2 must NOT have additional properties: "file"' },
  ]);
});

test('bad JSONL rows are reported with their file and line; a label field no row has is named', () => {
  const rows = [
    '{"tokens": ["red", "car"], "tags": ["COLOUR", "O"]}',
    '{"tokens": ["a", "b", "c"], "tags": ["O", "O"]}',
    '',
    '{"tokens": "red car"}',
    '{"tokens": ["x"], "tags": [{"label": "O"}]}',
    '{"tokens": ["x"], "tags": ["O"]',
    '["x"]',
  ];
  const dir = workspace({
    'tags.jsonl': `${rows.join('\n')}\n`,
    'notes.jsonl': '{"text": "fine", "topic": "a"}\n{"text": "", "topic": "b"}\n{"body": "no text"}\n{"text": "odd", "topic": ["a"]}\n',
    'plain.jsonl': '{"text": "one"}\n{"text": "two", "subject": "s"}\n',
  });
  const file = path.join(dir, 'x.pretrain.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      output: 'o',
      corpora: [
        { name: 'tags', path: 'tags.jsonl', tokensField: 'tokens' },
        { name: 'notes', path: 'notes.jsonl' },
        { name: 'plain', path: 'plain.jsonl' },
      ],
      objectives: {
        ner: { type: 'token-classification', corpus: 'tags', field: 'tags', weight: 1 },
        topic: { type: 'text-classification', corpus: 'notes', field: 'topic', weight: 1 },
        register: { type: 'text-classification', corpus: 'plain', field: 'register', weight: 1 },
      },
    }),
  );
  const { config, problems: configProblems } = loadPretrainConfig(file);
  assert.deepEqual(configProblems, []);
  const { corpus, problems } = loadPretrainCorpus(config!);
  assert.equal(corpus, undefined);
  const where = (name: string) => path.join(dir, name);
  assert.deepEqual(
    problems.map((p) => `${path.basename(p.file)}:${p.line}`),
    ['tags.jsonl:2', 'tags.jsonl:4', 'tags.jsonl:5', 'tags.jsonl:6', 'tags.jsonl:7', 'notes.jsonl:2', 'notes.jsonl:3', 'notes.jsonl:4', 'plain.jsonl:1'],
  );
  assert.ok(problems.every((p) => [where('tags.jsonl'), where('notes.jsonl'), where('plain.jsonl')].includes(p.file)));
  const messages = problems.map((p) => p.message);
  assert.match(messages[0], /label field "tags" has 2 labels for 3 words/);
  assert.match(messages[1], /tokens field "tokens" is "red car", not a non-empty list of words/);
  assert.match(messages[2], /label field "tags": label 1 is \{"label":"O"\}/);
  assert.match(messages[3], /invalid JSON/);
  assert.match(messages[4], /expected a JSON object, got an array/);
  assert.match(messages[5], /text field "text" is empty/);
  assert.match(messages[6], /missing text field "text"/);
  assert.match(messages[7], /label field "topic" is \["a"\], not a string, number or boolean/);
  assert.match(messages[8], /no row has label field "register" for objective "register" \(fields found: subject, text\)/);
});
