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

/**
 * Problems whose range is exactly the misspelt word: a quoted key or string value, or a name inside a composition
 * setup string (an adapter, a block, an argument).
 */
const FIXABLE_CODES = new Set(['unknown-task', 'unknown-property', 'invalid-value', 'unknown-adapter', 'unknown-block', 'unknown-argument']);

export interface SuggestedFix {
  /** What the problem suggests, e.g. `sentiment`. */
  suggestion: string;
  /** The text that replaces the problem's range: quoted like the text it replaces (`"sentiment"`), or bare inside a setup string. */
  replacement: string;
}

/** The "did you mean" suggestion of a problem as an edit of the text its range covers (`covered`). */
export function suggestedFix(code: string, message: string, covered: string): SuggestedFix | undefined {
  if (!FIXABLE_CODES.has(code)) return undefined;
  const suggestion = /did you mean "([^"]+)"\?/.exec(message)?.[1];
  if (suggestion === undefined) return undefined;
  const quote = covered[0];
  const replacement = quote === '"' ? JSON.stringify(suggestion) : quote === "'" ? `'${suggestion}'` : suggestion;
  return { suggestion, replacement };
}
