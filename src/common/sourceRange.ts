/** A position in a source file: 1-based line and column, as editors and compilers print them. */
export interface SourceRange {
  offset: number;
  length: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
