// Composition setups in a config: the string syntax and the JSON tree, and every invalid setup reported at the exact
// characters in the file, with a message that names what is allowed there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText, formatProblem } from '../../src/core/config/validate';
import { formatSetup } from '../../src/core/composition/tree';
import type { ConfigProblem } from '../../src/core/config/types';

const FILE = '/projects/demo/multi.adapterlab.json';

/** A config with three attribute adapters (and a LoRA and a prefix one); `compositions` is spliced in as text. */
function configText(compositions: string, extra = ''): string {
  return `{
  // three attributes, one adapter each
  "tasks": { "sentiment": {}, "domain": {}, "genre": {} },
  "adapters": {
    "sentiment": { "method": "houlsby" },
    "domain": { "method": "pfeiffer" },
    "genre": {},
    "lora-s": { "method": "lora", "task": "sentiment" },
    "prefix-s": { "method": "prefix", "task": "sentiment", "prefixLength": 10 }
  },${extra}
  "compositions": ${compositions}
}`;
}

function positionOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `test text lacks ${needle}`);
  }
  const lines = text.slice(0, index).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Exactly one problem, with this code, underlining exactly `needle` in the file text. */
function expectSetupProblem(compositions: string, needle: string, code: string, message: RegExp, nth = 0): ConfigProblem {
  const text = configText(compositions);
  const { config, problems } = checkConfigText(text, FILE);
  const shown = problems.map(formatProblem).join('\n');
  assert.equal(config, undefined, 'invalid');
  assert.equal(problems.length, 1, shown);
  const [p] = problems;
  assert.equal(p.code, code, shown);
  assert.deepEqual({ line: p.range.line, column: p.range.column }, positionOf(text, needle, nth), shown);
  assert.equal(p.range.length, needle.length, shown);
  assert.match(p.message, message);
  return p;
}

test('valid setups: string syntax and JSON tree resolve to the same tree; tasks default per AdapterHub head rules', () => {
  const text = configText(`{
    "fuse": { "setup": "Stack(domain, Fuse(sentiment, genre))", "task": "sentiment" },
    "tree": { "setup": { "Stack": ["domain", { "Fuse": ["sentiment", "genre"] }] }, "task": "sentiment" },
    "mixed": { "setup": { "Stack": ["domain", "Fuse(sentiment, genre)"] }, "task": "sentiment" },
    "all": { "setup": "Parallel(sentiment, Stack(genre, domain))" },
    "split": { "setup": { "Split": ["sentiment", "domain"], "splits": 4 } },
    "avg": { "setup": "Average(sentiment, 'domain', weights=[3, 1])", "task": "sentiment", "trainHeads": true }
  }`);
  const { config, problems } = checkConfigText(text, FILE);
  assert.deepEqual(problems.map(formatProblem), []);
  const byName = new Map(config!.compositions.map((c) => [c.name, c]));
  assert.equal(byName.get('fuse')!.setupText, 'Stack(domain, Fuse(sentiment, genre))');
  assert.equal(formatSetup(byName.get('tree')!.setup), 'Stack(domain, Fuse(sentiment, genre))');
  assert.equal(byName.get('mixed')!.setupText, 'Stack(domain, Fuse(sentiment, genre))');
  assert.deepEqual(byName.get('all')!.tasks, ['sentiment', 'domain'], 'one task per branch: its last adapter’s');
  assert.equal(byName.get('split')!.setupText, 'Split(sentiment, domain, splits=[4, 4])', 'one split size = the same for every child');
  assert.deepEqual(byName.get('split')!.tasks, ['domain'], 'default task: the last adapter’s');
  assert.deepEqual(byName.get('fuse')!.fusion, { temperature: false, regularization: true, valueInitialized: true });
});

test('1. a block that may not be nested there: Parallel inside Fuse, at the word Parallel', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Fuse(sentiment, Parallel(domain, genre))", "task": "sentiment" } }`,
    'Parallel(domain, genre)',
    'invalid-nesting',
    /^Parallel cannot be nested in Fuse: Fuse takes an adapter name or Stack/,
  );
});

test('2. too deep: an Average at the third level, where only Stack or an adapter is allowed', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Stack(domain, Split(sentiment, Average(genre, domain), splits=[2, 3]))", "task": "sentiment", "trainHeads": true } }`,
    'Average(genre, domain)',
    'setup-too-deep',
    /only an adapter name or Stack is allowed/,
  );
});

test('3. an unknown block name, with a suggestion and the list of blocks', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Stak(domain, sentiment)" } }`,
    'Stak',
    'unknown-block',
    /did you mean "Stack"\? Blocks: Stack, Fuse, Split, BatchSplit, Parallel, Average/,
  );
});

test('4. an unknown adapter inside a setup, with a suggestion and the known adapters', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Stack(domain, sentimnet)" } }`,
    'sentimnet',
    'unknown-adapter',
    /did you mean "sentiment"\? Adapters: "sentiment", "domain", "genre", "lora-s"/,
  );
});

test('5. a missing closing parenthesis, at the end of the setup (its closing quote)', () => {
  const compositions = `{ "x": { "setup": "Stack(domain, sentiment" } }`;
  const text = configText(compositions);
  const [p] = checkConfigText(text, FILE).problems;
  const end = positionOf(text, 'Stack(domain, sentiment"');
  assert.deepEqual([p.code, p.range.line, p.range.column, p.range.length], ['syntax', end.line, end.column + 'Stack(domain, sentiment'.length, 1]);
  assert.match(p.message, /missing "\)" to close Stack\(/);
});

test('6. Split without splits names the argument it needs', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Split(domain, sentiment)" } }`,
    'Split(domain, sentiment)',
    'missing-argument',
    /Split needs splits=\[…\], one number per child/,
  );
});

test('7. an argument of another block: batch_sizes on Split, pointing at the keyword', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Split(domain, sentiment, batch_sizes=[1, 1])" } }`,
    'batch_sizes',
    'unknown-argument',
    /Split takes no "batch_sizes" \(that belongs to BatchSplit\); Split takes splits=\[…\]/,
  );
});

test('8. one split per child: the count is checked at the list', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Split(domain, sentiment, splits=[1, 2, 3])" } }`,
    '[1, 2, 3]',
    'argument-count',
    /splits has 3 value\(s\) but Split has 2 children/,
  );
});

test('9. a method that does not support the block: LoRA inside Fuse (AdapterHub’s table)', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Fuse(sentiment, lora-s)", "task": "sentiment" } }`,
    'lora-s',
    'unsupported-composition',
    /adapter "lora-s" \(lora\) cannot be used in Fuse: lora supports Stack, BatchSplit, Parallel, Average/,
    1,
  );
});

test('10. a JSON tree with a misspelled block key, at the key', () => {
  expectSetupProblem(`{ "x": { "setup": { "Stack": ["domain", { "Fues": ["sentiment", "genre"] }] } } }`, '"Fues"', 'unknown-block', /did you mean "Fuse"\?/);
});

test('11. a JSON tree nesting Fuse inside Average, at the nested object', () => {
  expectSetupProblem(
    `{ "x": { "setup": { "Average": ["domain", { "Fuse": ["sentiment", "genre"] }] }, "task": "domain" } }`,
    '{ "Fuse": ["sentiment", "genre"] }',
    'invalid-nesting',
    /Fuse cannot be nested in Average: Average takes an adapter name, Stack, Split or BatchSplit/,
  );
});

test('12. a block with a single child', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Stack(domain, Fuse(sentiment))", "task": "sentiment" } }`,
    'Fuse(sentiment)',
    'too-few-children',
    /Fuse needs at least two children/,
  );
});

test('13. two Parallel blocks in one setup', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Stack(Parallel(domain, genre), Parallel(sentiment, genre))" } }`,
    'Parallel(sentiment, genre)',
    'several-parallel',
    /one Parallel block/,
  );
});

test('14. weights that sum to zero cannot be normalised', () => {
  expectSetupProblem(`{ "x": { "setup": "Average(domain, genre, weights=[1, -1])" } }`, '[1, -1]', 'invalid-argument', /sum to 0/);
});

test('15. an escaped quote before the error still maps to the right column', () => {
  expectSetupProblem(
    `{ "x": { "setup": "Stack(\\"domain\\", Fuse(sentiment, Parallel(genre, domain)))", "task": "sentiment" } }`,
    'Parallel(genre, domain)',
    'invalid-nesting',
    /Fuse takes an adapter name or Stack/,
  );
});

/** As expectSetupProblem, for a config with `extra` spliced in after the adapters. */
function expectProblemWith(extra: string, compositions: string, needle: string, code: string, message: RegExp, nth = 0): void {
  const text = configText(compositions, extra);
  const { problems } = checkConfigText(text, FILE);
  const shown = problems.map(formatProblem).join('\n');
  assert.equal(problems.length, 1, shown);
  const [p] = problems;
  assert.equal(p.code, code, shown);
  assert.deepEqual({ line: p.range.line, column: p.range.column }, positionOf(text, needle, nth), shown);
  assert.equal(p.range.length, needle.length, shown);
  assert.match(p.message, message);
}

test('16. BatchSplit sizes must sum to the batch size composition runs train with (default 32), at the list', () => {
  expectSetupProblem(
    `{ "x": { "setup": "BatchSplit(domain, sentiment, batch_sizes=[16, 8])", "trainHeads": true } }`,
    '[16, 8]',
    'batch-sizes-sum',
    /^batch_sizes sum to 24, but the batches of this run hold 32 examples \(train\.composition\.batchSize\): make them sum to 32, e\.g\. batch_sizes=\[16, 16\], or set train\.composition\.batchSize to 24$/,
  );
});

test('17. the fix names the key the user wrote: train.batchSize', () => {
  expectProblemWith(
    `\n  "train": { "batchSize": 12 },`,
    `{ "x": { "setup": "BatchSplit(domain, sentiment, batch_sizes=8)", "trainHeads": true } }`,
    '8',
    'batch-sizes-sum',
    /sum to 16, but the batches of this run hold 12 examples \(train\.batchSize\): make them sum to 12, e\.g\. batch_sizes=\[6, 6\], or set train\.batchSize to 16/,
  );
});

test('18. a nested BatchSplit must cover the examples its parent gives it', () => {
  expectSetupProblem(
    `{ "x": { "setup": "BatchSplit(BatchSplit(sentiment, genre, batch_sizes=[4, 4]), domain, batch_sizes=[16, 16])", "trainHeads": true } }`,
    '[4, 4]',
    'batch-sizes-sum',
    /sum to 8, but this BatchSplit gets 16 examples from the block around it: make them sum to 16, e\.g\. batch_sizes=\[8, 8\]$/,
  );
});

test('19. a Split child that starts at or past maxLength never sees a token', () => {
  expectProblemWith(
    `\n  "train": { "composition": { "maxLength": 48 } },`,
    `{ "x": { "setup": "Split(domain, sentiment, genre, splits=[40, 8, 8])", "trainHeads": true } }`,
    '[40, 8, 8]',
    'split-beyond-length',
    /^child 3 of Split would start at token 48, but examples have at most 48 tokens \(train\.composition\.maxLength\), so it never sees one: keep every split start below 48, e\.g\. splits=\[16, 16, 16\], or raise train\.composition\.maxLength$/,
  );
});

test('20. BatchSplit sizes in a JSON tree are checked at their array', () => {
  expectSetupProblem(
    `{ "x": { "setup": { "BatchSplit": ["domain", "sentiment"], "batch_sizes": [10, 10] }, "trainHeads": true } }`,
    '[10, 10]',
    'batch-sizes-sum',
    /sum to 20, but the batches of this run hold 32 examples/,
  );
});

test('21. prefix tuning only composes with Stack, BatchSplit and Parallel (AdapterHub)', () => {
  expectProblemWith(
    `\n  "merges": {},`,
    `{ "x": { "setup": "Stack(domain, Average(sentiment, prefix-s))", "trainHeads": true } }`,
    'prefix-s',
    'unsupported-composition',
    /adapter "prefix-s" \(prefix\) cannot be used in Average: prefix supports Stack, BatchSplit, Parallel \(AdapterHub\)/,
    1,
  );
});

test('tasks: a Parallel setup wants "tasks", one per branch; a head must exist unless trainHeads', () => {
  const check = (compositions: string) => checkConfigText(configText(compositions), FILE).problems.map((p) => [p.code, p.message]);
  assert.match(check(`{ "x": { "setup": "Parallel(domain, genre)", "task": "domain" } }`)[0][1], /replace "task" with "tasks"/);
  assert.match(check(`{ "x": { "setup": "Parallel(domain, genre)", "tasks": ["domain"] } }`)[0][1], /"tasks" has 1 task\(s\) but Parallel has 2 branches/);
  assert.match(
    check(`{ "x": { "setup": "Stack(domain, genre)", "task": "sentiment" } }`)[0][1],
    /no adapter in this setup was trained for "sentiment".*"trainHeads": true/,
  );
  assert.deepEqual(check(`{ "x": { "setup": "Stack(domain, genre)", "task": "sentiment", "trainHeads": true } }`), []);
  assert.match(check(`{ "x": { "setup": "Parallel(domain, domain)" } }`)[0][1], /two Parallel branches predict "domain"/);
});

test('method options: an option of another method is reported at its key', () => {
  const text = configText('{}').replace('"method": "lora", "task": "sentiment"', '"method": "lora", "task": "sentiment", "bottleneckSize": 4');
  const { problems } = checkConfigText(text, FILE);
  assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
  assert.equal(problems[0].code, 'option-of-other-method');
  assert.deepEqual({ line: problems[0].range.line, column: problems[0].range.column }, positionOf(text, '"bottleneckSize"'));
  assert.match(
    problems[0].message,
    /"bottleneckSize" does not apply to method "lora" \(it is an option of houlsby, pfeiffer, parallel, arc, prefix\); lora takes r, alpha, attnMatrices/,
  );
});

test('merges: same config required, weights per adapter, head needed', () => {
  const withMerges = (merges: string) => configText('{}', `\n  "merges": ${merges},`);
  const problems = (merges: string) => checkConfigText(withMerges(merges), FILE).problems.map((p) => p.message);
  assert.deepEqual(problems(`{ "m": { "adapters": ["sentiment", "genre"], "weights": [1.5, -0.5] } }`), []);
  assert.match(problems(`{ "m": { "adapters": ["sentiment", "domain"] } }`)[0], /cannot be averaged with "sentiment": method "pfeiffer" ≠ "houlsby"/);
  assert.match(problems(`{ "m": { "adapters": ["sentiment", "genre"], "weights": [1] } }`)[0], /"weights" has 1 value\(s\) for 2 adapters/);
  assert.match(problems(`{ "m": { "adapters": ["sentiment", "genre"], "task": "domain" } }`)[0], /none of the merged adapters was trained for "domain"/);
  const { config } = checkConfigText(withMerges(`{ "m": { "adapters": ["sentiment", "genre"], "weights": [3, 1] } }`), FILE);
  assert.deepEqual(config!.merges[0].weights, [0.75, 0.25]);
});
