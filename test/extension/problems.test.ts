// The core's 1-based problem ranges become the editor's 0-based ranges, and "did you mean" problems offer the
// suggestion as a replacement for exactly the quoted text they underline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/core/config/validate';
import { problemsToShow, suggestedReplacement, toZeroBased } from '../../src/extension/problems';

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

test('an unknown task is replaced by the suggested one, quotes included', () => {
  const [problem] = checkConfigText(CONFIG, '/ws/x.adapterlab.json').problems;
  assert.equal(suggestedReplacement(problem.code, problem.message), '"sentiment"');
});

test('an unknown property key and a misspelt enum value get their suggestion', () => {
  const text = '{ "tasks": { "a": {} }, "adaptrs": {}, "backend": "wsm" }';
  const problems = checkConfigText(text, '/ws/x.adapterlab.json').problems;
  const fixes = problems.map((p) => [textAt(text, toZeroBased(p.range)), suggestedReplacement(p.code, p.message)]);
  assert.deepEqual(fixes, [
    ['"adaptrs"', '"adapters"'],
    ['"wsm"', '"wasm"'],
  ]);
});

test('no quick fix without a suggestion, or for problems whose range is not the misspelt word', () => {
  const text = '{ "tasks": { "a": {} }, "zzzzzz": 1 }';
  const [problem] = checkConfigText(text, '/ws/x.adapterlab.json').problems;
  assert.equal(problem.code, 'unknown-property');
  assert.equal(suggestedReplacement(problem.code, problem.message), undefined);
  assert.equal(suggestedReplacement('missing-data-file', 'did you mean "x"?'), undefined);
});

test("syntax errors are left to VS Code's own JSON support", () => {
  const problems = checkConfigText('{ "tasks": ', '/ws/x.adapterlab.json').problems;
  assert.ok(problems.length > 0 && problems.every((p) => p.code === 'syntax-error'));
  assert.deepEqual(problemsToShow(problems), []);
});
