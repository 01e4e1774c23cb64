// Turns the core's config problems into what an editor shows: 0-based ranges, and the text a quick fix puts in.
import type { ConfigProblem } from '../core/config/types';
import type { SourceRange } from '../common/sourceRange';

export interface ZeroBasedRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** The core counts lines and columns from 1 (as compilers print them); editors count from 0. The end stays exclusive. */
export function toZeroBased(range: SourceRange): ZeroBasedRange {
  return { startLine: range.line - 1, startCharacter: range.column - 1, endLine: range.endLine - 1, endCharacter: range.endColumn - 1 };
}

/** Syntax errors are left to VS Code's JSON support, which reports the same ones at the same places. */
export function problemsToShow(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.filter((p) => p.code !== 'syntax-error');
}

/** Problems whose range spans a quoted key or string value that the "did you mean" suggestion can replace. */
const FIXABLE_CODES = new Set(['unknown-task', 'unknown-property', 'invalid-value']);

/** The JSON text that replaces the problem's range, e.g. `"sentiment"` for `did you mean "sentiment"?`. */
export function suggestedReplacement(code: string, message: string): string | undefined {
  if (!FIXABLE_CODES.has(code)) return undefined;
  const suggestion = /did you mean "([^"]+)"\?/.exec(message)?.[1];
  return suggestion === undefined ? undefined : JSON.stringify(suggestion);
}
