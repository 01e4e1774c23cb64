// Follows one run's metrics.jsonl on disk: each read() returns only what was appended since the last one, as curve
// points. Reads by byte offset (a UTF-8 character split between two reads is kept for the next), so a long run is
// never read twice.
import * as fs from 'fs';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { METRICS_FILE } from '../../core/io/runStore';
import { MetricsReader, type MetricsRead } from '../../core/metrics/metricsReader';

const CHUNK_BYTES = 1 << 20;

export class MetricsFileTail {
  readonly file: string;
  private offset = 0;
  private decoder = new StringDecoder('utf8');
  private reader: MetricsReader;

  constructor(runDir: string) {
    this.file = path.join(runDir, METRICS_FILE);
    this.reader = new MetricsReader(this.file);
  }

  /** What was appended since the last read, one result per chunk of at most 1 MiB (nothing when the file has not grown). */
  read(): MetricsRead[] {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return []; // not written yet
    }
    if (size < this.offset) this.restart(); // replaced (a run folder reused): read it again from the start
    if (size === this.offset) return [];
    const out: MetricsRead[] = [];
    const fd = fs.openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, size - this.offset));
      while (this.offset < size) {
        const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - this.offset), this.offset);
        if (n === 0) break;
        this.offset += n;
        out.push(this.reader.push(this.decoder.write(buffer.subarray(0, n))));
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }

  /** The run has stopped: reads the rest, then a last line without a newline is parsed or reported as cut off. */
  finish(): MetricsRead[] {
    const out = this.read();
    out.push(this.reader.push(this.decoder.end()), this.reader.finish());
    return out;
  }

  private restart(): void {
    this.offset = 0;
    this.decoder = new StringDecoder('utf8');
    this.reader = new MetricsReader(this.file);
  }
}
