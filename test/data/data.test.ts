import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../src/core/data/csv';
import { checkRowsForTasks, formatProblems, loadRows, type Row } from '../../src/core/data/load';
import { createRng, randomInt, shuffleInPlace } from '../../src/core/data/random';
import { loadReviews } from '../../src/core/data/reviews';
import { splitRows, stratifyByLabels } from '../../src/core/data/split';

const countBy = <T>(items: readonly T[], key: (item: T) => string) =>
  items.reduce((counts, item) => counts.set(key(item), (counts.get(key(item)) ?? 0) + 1), new Map<string, number>());

/** Writes `content` to a temp file, loads it, and removes it. */
function loadFile(name: string, content: string | Uint8Array, format: 'jsonl' | 'csv', textField = 'text') {
  const dir = mkdtempSync(join(tmpdir(), 'adapterlab-data-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, content);
    return { path, ...loadRows({ kind: 'file', path, format, textField }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('reviews: 3000 rows, 1000 per domain, 500/500 sentiment in each', () => {
  const reviews = loadReviews();
  assert.equal(reviews.length, 3000);
  assert.deepEqual(Object.fromEntries(countBy(reviews, (r) => r.domain)), { movie: 1000, restaurant: 1000, product: 1000 });
  const perStratum = countBy(reviews, (r) => `${r.domain}/${r.sentiment}`);
  assert.equal(perStratum.size, 6);
  for (const count of perStratum.values()) assert.equal(count, 500);
  assert.ok(reviews.every((r) => r.text.length > 0 && r.text === r.text.trim()));
});

test('loadRows(builtin reviews) gives label rows numbered from 1', () => {
  const { file, rows, problems } = loadRows({ kind: 'builtin', name: 'reviews' });
  assert.equal(file, 'builtin:reviews');
  assert.deepEqual(problems, []);
  assert.equal(rows.length, 3000);
  assert.deepEqual(rows[0].labels, { sentiment: 'negative', domain: 'movie' });
  assert.deepEqual(
    rows.map((r) => r.line),
    rows.map((_, k) => k + 1),
  );
});

test('createRng replays a seed, stays in [0, 1), and shuffleInPlace permutes', () => {
  const draw = (seed: number) => Array.from({ length: 1000 }, createRng(seed));
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  assert.ok(draw(0).every((x) => x >= 0 && x < 1));
  const rng = createRng(1);
  assert.ok(Array.from({ length: 1000 }, () => randomInt(rng, 3)).every((k) => k === 0 || k === 1 || k === 2));
  const shuffled = shuffleInPlace(
    Array.from({ length: 50 }, (_, k) => k),
    createRng(3),
  );
  assert.notDeepEqual(
    shuffled,
    [...shuffled].sort((a, b) => a - b),
  );
  assert.deepEqual(
    [...shuffled].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, k) => k),
  );
  assert.throws(() => createRng(0.5), RangeError);
});

test('splitRows: deterministic, disjoint, complete and stratified', () => {
  const { rows } = loadRows({ kind: 'builtin', name: 'reviews' });
  const spec = { validation: 0.1, test: 0.15, seed: 42 };
  const stratum = stratifyByLabels(['domain', 'sentiment']);
  const split = splitRows(rows, spec, stratum);
  assert.deepEqual(splitRows(rows, spec, stratum), split);
  assert.notDeepEqual(splitRows(rows, { ...spec, seed: 43 }, stratum).test, split.test);

  const lines = [...split.train, ...split.validation, ...split.test].map((r) => r.line);
  assert.equal(new Set(lines).size, rows.length); // no row twice, none lost
  assert.equal(lines.length, rows.length);
  for (const part of [split.train, split.validation, split.test]) {
    assert.deepEqual(
      part.map((r) => r.line),
      part.map((r) => r.line).sort((a, b) => a - b),
    ); // input order kept
  }

  const strata = countBy(rows, stratum);
  assert.equal(strata.size, 6);
  for (const [fraction, part] of [
    [spec.test, split.test],
    [spec.validation, split.validation],
    [1 - spec.test - spec.validation, split.train],
  ] as const) {
    const counts = countBy(part, stratum);
    for (const [key, n] of strata) assert.ok(Math.abs((counts.get(key) ?? 0) - n * fraction) <= 1, `${key}: ${counts.get(key)} of ${n}`);
  }
});

test('splitRows without strata, and invalid fractions', () => {
  const rows = Array.from({ length: 10 }, (_, k) => k);
  const { train, validation, test: testPart } = splitRows(rows, { validation: 0.2, test: 0.3, seed: 1 });
  assert.deepEqual([train.length, validation.length, testPart.length], [5, 2, 3]);
  assert.throws(() => splitRows(rows, { validation: 0.5, test: 0.5, seed: 1 }), RangeError);
  assert.throws(() => splitRows(rows, { validation: -0.1, test: 0.1, seed: 1 }), RangeError);
});

test('parseCsv: quotes, doubled quotes, line breaks in quotes, CRLF, trailing empty field', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","1\n2"\r\n"say ""hi""",\nlast'), [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['x, y', '1\n2'], line: 2 },
    { fields: ['say "hi"', ''], line: 4 },
    { fields: ['last'], line: 5 },
  ]);
  assert.deepEqual(parseCsv('a\n"open\nnever closed'), [
    { fields: ['a'], line: 1 },
    { fields: ['open\nnever closed'], line: 2, error: 'unterminated quoted field (opened on line 2)' },
  ]);
});

test('jsonl: rows, labels as strings, and each bad line reported with its number', () => {
  const content = [
    '{"text":"good","label":"pos","stars":5,"verified":true,"meta":{"a":1},"note":null}',
    '',
    '{"text":"bad","label":"neg"}\r',
    '{"text": "x", }',
    '[1,2]',
    '{"label":"pos"}',
    '{"text":"   ","label":"pos"}',
    '{"text":3}',
    '{"text":"no label"}',
    '{"text":"other","label":"meh"}',
    '',
  ].join('\n');
  const { path, file, rows, problems } = loadFile('data.jsonl', content, 'jsonl');
  assert.equal(file, path);
  assert.deepEqual(rows, [
    { text: 'good', labels: { label: 'pos', stars: '5', verified: 'true' }, line: 1 },
    { text: 'bad', labels: { label: 'neg' }, line: 3 },
    { text: 'no label', labels: {}, line: 9 },
    { text: 'other', labels: { label: 'meh' }, line: 10 },
  ]);
  assert.deepEqual(
    problems.map((p) => [p.line, p.message.replace(/:.*/, ':')]),
    [
      [4, 'invalid JSON:'],
      [5, 'expected a JSON object, got an array'],
      [6, 'missing text field "text"'],
      [7, 'text field "text" is empty'],
      [8, 'text field "text" is 3, not a string'],
    ],
  );
  assert.match(formatProblems(problems, 2), new RegExp(`^${path.replace(/[\\.]/g, '\\$&')}:4: invalid JSON: .*\n.*:5: .*\n\\.\\.\\. and 3 more$`));
});

test('checkRowsForTasks: missing fields, labels outside the given list, inferred labels', () => {
  const rows: Row[] = [
    { text: 'a', labels: { label: 'pos' }, line: 1 },
    { text: 'b', labels: {}, line: 3 },
    { text: 'c', labels: { label: 'meh' }, line: 4 },
    { text: 'd', labels: { label: 'neg' }, line: 6 },
  ];
  const pooling = 'mean' as const;
  const given = checkRowsForTasks(rows, [{ name: 'sentiment', field: 'label', labels: ['neg', 'pos'], pooling }], 'data.jsonl');
  assert.deepEqual(given.labels, new Map([['sentiment', ['neg', 'pos']]]));
  assert.deepEqual(given.problems, [
    { file: 'data.jsonl', line: 3, message: 'missing label field "label" for task "sentiment"' },
    { file: 'data.jsonl', line: 4, message: 'label "meh" for task "sentiment" is not one of its labels (neg, pos)' },
  ]);

  const inferred = checkRowsForTasks(rows, [{ name: 'sentiment', field: 'label', pooling }], 'data.jsonl');
  assert.deepEqual(inferred.labels.get('sentiment'), ['meh', 'neg', 'pos']);
  assert.deepEqual(
    inferred.problems.map((p) => p.line),
    [3],
  );

  const wrongField = checkRowsForTasks(rows, [{ name: 'topic', field: 'topic', pooling }], 'data.jsonl');
  assert.deepEqual(wrongField.problems, [
    { file: 'data.jsonl', line: 1, message: 'no row has label field "topic" for task "topic" (label fields found: label)' },
  ]);
  assert.equal(checkRowsForTasks(rows, [{ name: 'constructor', field: 'constructor', pooling }], 'x').problems.length, 1);
});

test('csv: BOM, CRLF, quoted commas and line breaks; bad records reported by starting line', () => {
  const content = [
    '\uFEFFtext,label,source',
    '"Hello, world",pos,a',
    '"multi',
    'line ""quoted"" text",neg,b',
    'plain,pos',
    ',neg,c',
    '5" screen,pos,',
    '"bad"x,pos,c',
    '',
    'last,neg,d',
  ].join('\r\n');
  const { rows, problems } = loadFile('data.csv', content, 'csv');
  assert.deepEqual(rows, [
    { text: 'Hello, world', labels: { label: 'pos', source: 'a' }, line: 2 },
    { text: 'multi\r\nline "quoted" text', labels: { label: 'neg', source: 'b' }, line: 3 },
    { text: '5" screen', labels: { label: 'pos' }, line: 7 },
    { text: 'last', labels: { label: 'neg', source: 'd' }, line: 10 },
  ]);
  assert.deepEqual(
    problems.map((p) => [p.line, p.message]),
    [
      [5, 'expected 3 fields, got 2'],
      [6, 'text field "text" is empty'],
      [8, 'unexpected text after a closing quote on line 8'],
    ],
  );
});

test('csv header problems and whole-file problems', () => {
  assert.deepEqual(
    loadFile('a.csv', 'review,label\nx,y\n', 'csv').problems.map((p) => [p.line, p.message]),
    [[1, 'no text column "text" in the header (columns: review, label)']],
  );
  assert.deepEqual(
    loadFile('b.csv', 'text,label,label\nx,y,z\n', 'csv').problems.map((p) => p.message),
    ['the header names column "label" twice'],
  );
  assert.deepEqual(
    loadFile('c.csv', 'text\n"never closed\nx\n', 'csv').problems.map((p) => [p.line, p.message]),
    [[2, 'unterminated quoted field (opened on line 2)']],
  );
  assert.deepEqual(
    loadFile('d.csv', '', 'csv').problems.map((p) => p.message),
    ['the file has no data rows'],
  );
  assert.equal(loadFile('e.csv', 'review\nfine\n', 'csv', 'review').rows[0].text, 'fine');
  assert.deepEqual(loadFile('e.jsonl', '{"sentence":"hi","label":1}', 'jsonl', 'sentence').rows, [{ text: 'hi', labels: { label: '1' }, line: 1 }]);
  const latin1 = Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
  const { rows, problems } = loadFile('f.jsonl', latin1, 'jsonl');
  assert.equal(rows.length, 2);
  assert.deepEqual(
    problems.map((p) => p.line),
    [2],
  );
  assert.match(problems[0].message, /not valid UTF-8/);
});
