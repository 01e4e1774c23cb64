// metrics.jsonl, read as it grows, to curve points: JsonlTail splits complete lines, checkMetricLine checks each,
// addMetricLine turns it into points. Problems name the file and the line, so a view can say what is wrong.
import { type CurveBatch, addMetricLine, checkMetricLine } from '../../common/curves';
import { type JsonlRead, JsonlTail } from './jsonlTail';

export interface MetricsRead {
  batch: CurveBatch;
  lines: number; // metric lines turned into points
  problems: string[];
}

export class MetricsReader {
  private readonly tail = new JsonlTail();

  /** `file` only names the file in problems. */
  constructor(private readonly file: string) {}

  /** The file's next characters. */
  push(text: string): MetricsRead {
    return this.convert(this.tail.push(text));
  }

  /** The run has stopped: a last line without a newline is parsed, or reported as cut off. */
  finish(): MetricsRead {
    return this.convert(this.tail.finish());
  }

  private convert(read: JsonlRead): MetricsRead {
    const batch: CurveBatch = {};
    const problems = read.problems.map((p) => `${this.file}: ${p.message}`);
    let lines = 0;
    for (const { line, value } of read.values) {
      const metric = checkMetricLine(value);
      if (typeof metric === 'string') problems.push(`${this.file}: line ${line}: ${metric}`);
      else {
        addMetricLine(batch, metric);
        lines++;
      }
    }
    return { batch, lines, problems };
  }
}
