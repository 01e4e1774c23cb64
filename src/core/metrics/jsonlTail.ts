// Reads an append-only JSON-lines file in pieces, as it grows: only complete lines are parsed; a line still being
// written waits for the next piece. A line that is not JSON is reported by its number and skipped, so one bad
// line does not hide the rest of a run.

export interface LineProblem {
  line: number; // 1-based
  message: string;
}

export interface JsonlRead {
  values: { line: number; value: unknown }[];
  problems: LineProblem[];
}

export class JsonlTail {
  private pending = '';
  private lines = 0;

  /** Parses the complete lines in `text` (the file's next characters). */
  push(text: string): JsonlRead {
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    const values: JsonlRead['values'] = [];
    const problems: LineProblem[] = [];
    for (const part of parts) {
      this.lines++;
      if (!part.trim()) continue;
      try {
        values.push({ line: this.lines, value: JSON.parse(part) });
      } catch {
        problems.push({ line: this.lines, message: `line ${this.lines} is not valid JSON: ${preview(part)}` });
      }
    }
    return { values, problems };
  }

  /** Lines read so far. */
  get lineCount(): number {
    return this.lines;
  }

  /**
   * For a file nothing writes to any more: a last line without its newline is either complete JSON (parsed) or
   * cut off (a crash mid-write), which is reported.
   */
  finish(): JsonlRead {
    const rest = this.pending;
    this.pending = '';
    if (!rest.trim()) return { values: [], problems: [] };
    this.lines++;
    try {
      return { values: [{ line: this.lines, value: JSON.parse(rest) }], problems: [] };
    } catch {
      return { values: [], problems: [{ line: this.lines, message: `line ${this.lines} is cut off (the run stopped while writing it): ${preview(rest)}` }] };
    }
  }
}

/** The start of a bad line, to recognise it by. */
function preview(text: string, max = 60): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
