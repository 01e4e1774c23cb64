// The core's 1-based problem ranges become the editor's 0-based ranges, and "did you mean" problems offer the
// suggestion as a replacement for exactly the quoted text they underline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/core/config/validate';
import { problemsToShow, suggestedFix, toZeroBased } from '../../src/extension/problems';

const CONFIG = `{
  // comments are fine
  "tasks": { "sentiment": {} },
  "adapters": {
    "sentiment": { "task": "sentimnet" }
  }
}`;

/** The text a 0-based range covers, as an editor would select it. */
function textAt(text: string, r: ReturnType<typeof toZeroBased>): string {
  const lines = text.split('\n');
  assert.equal(r.startLine, r.endLine, 'single-line range');
  return lines[r.startLine].slice(r.startCharacter, r.endCharacter);
}

test('a problem range converts to the 0-based range that covers the offending text', () => {
  const [problem] = checkConfigText(CONFIG, '/ws/x.adapterlab.json').problems;
  assert.equal(problem.code, 'unknown-task');
  const range = toZeroBased(problem.range);
  assert.equal(range.startLine, 4);
  assert.equal(textAt(CONFIG, range), '"sentimnet"');
});

/** The text after applying a problem's quick fix, as the editor's edit would make it. */
function fixed(text: string, problem: { code: string; message: string; range: { offset: number; length: number } }): string | undefined {
  const { offset, length } = problem.range;
  const fix = suggestedFix(problem.code, problem.message, text.slice(offset, offset + length));
  return fix && text.slice(0, offset) + fix.replacement + text.slice(offset + length);
}

test('an unknown task is replaced by the suggested one, quotes included', () => {
  const [problem] = checkConfigText(CONFIG, '/ws/x.adapterlab.json').problems;
  assert.deepEqual(suggestedFix(problem.code, problem.message, '"sentimnet"'), { suggestion: 'sentiment', replacement: '"sentiment"' });
  assert.equal(fixed(CONFIG, problem), CONFIG.replace('"sentimnet"', '"sentiment"'));
});

test('a misspelt name inside a composition setup string is underlined alone and fixed alone', () => {
  const text = `{
  "tasks": { "sentiment": {}, "domain": {} },
  "adapters": { "sentiment": { "task": "sentiment" }, "domain": { "task": "domain" } },
  "compositions": { "both": { "setup": "Fuse(sentimnt, domain)", "task": "sentiment" } }
}`;
  const [problem] = checkConfigText(text, '/ws/x.adapterlab.json').problems;
  assert.equal(problem.code, 'unknown-adapter');
  assert.equal(textAt(text, toZeroBased(problem.range)), 'sentimnt', 'the exact characters of the bad name');
  assert.equal(fixed(text, problem), text.replace('Fuse(sentimnt, domain)', 'Fuse(sentiment, domain)'));
  // A block and a keyword argument, and a name quoted inside the setup string.
  for (const [wrong, right] of [
    ['Fusee(sentiment, domain)', 'Fuse(sentiment, domain)'],
    ["Fuse('sentimnt', domain)", "Fuse('sentiment', domain)"],
    ['Average(sentiment, domain, weigths=[0.5, 0.5])', 'Average(sentiment, domain, weights=[0.5, 0.5])'],
  ]) {
    const typo = text.replace('Fuse(sentimnt, domain)', wrong);
    const problems = checkConfigText(typo, '/ws/x.adapterlab.json').problems;
    const fixable = problems.find((p) => suggestedFix(p.code, p.message, typo.slice(p.range.offset, p.range.offset + p.range.length)));
    assert.ok(fixable, `${wrong}: ${problems.map((p) => p.message).join('; ')}`);
    assert.equal(fixed(typo, fixable), text.replace('Fuse(sentimnt, domain)', right), wrong);
  }
});

test('an unknown property key and a misspelt enum value get their suggestion', () => {
  const text = '{ "tasks": { "a": {} }, "adaptrs": {}, "backend": "wsm" }';
  const problems = checkConfigText(text, '/ws/x.adapterlab.json').problems;
  const fixes = problems.map((p) => {
    const covered = textAt(text, toZeroBased(p.range));
    return [covered, suggestedFix(p.code, p.message, covered)?.replacement];
  });
  assert.deepEqual(fixes, [
    ['"adaptrs"', '"adapters"'],
    ['"wsm"', '"wasm"'],
  ]);
});

test('no quick fix without a suggestion, or for problems whose range is not the misspelt word', () => {
  const text = '{ "tasks": { "a": {} }, "zzzzzz": 1 }';
  const [problem] = checkConfigText(text, '/ws/x.adapterlab.json').problems;
  assert.equal(problem.code, 'unknown-property');
  assert.equal(suggestedFix(problem.code, problem.message, '"zzzzzz"'), undefined);
  assert.equal(suggestedFix('missing-data-file', 'did you mean "x"?', '"y"'), undefined);
});

test("syntax errors are left to VS Code's own JSON support", () => {
  const problems = checkConfigText('{ "tasks": ', '/ws/x.adapterlab.json').problems;
  assert.ok(problems.length > 0 && problems.every((p) => p.code === 'syntax-error'));
  assert.deepEqual(problemsToShow(problems), []);
});
