import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLine, writeFileAtomic, writeJsonAtomic } from '../../src/core/io/atomic';

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic creates parents, replaces content and leaves no temp file', () =>
  withDir((dir) => {
    const path = join(dir, 'a', 'b', 'file.bin');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['file.bin']);
  }));

test('writeFileAtomic removes its temp file when the rename fails', () =>
  withDir((dir) => {
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x'); // a non-empty folder cannot be replaced by a file
    assert.throws(() => writeFileAtomic(target, 'data'));
    assert.deepEqual(readdirSync(dir), ['taken']);
  }));

test('writeJsonAtomic writes pretty JSON with a trailing newline', () =>
  withDir((dir) => {
    const path = join(dir, 'run.json');
    writeJsonAtomic(path, { a: 1, b: [true] });
    assert.equal(readFileSync(path, 'utf8'), '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}\n');
  }));

test('appendLine appends one line per call and refuses embedded line breaks', () =>
  withDir((dir) => {
    const path = join(dir, 'logs', 'metrics.jsonl');
    appendLine(path, '{"step":1}');
    appendLine(path, '{"step":2}');
    assert.equal(readFileSync(path, 'utf8'), '{"step":1}\n{"step":2}\n');
    assert.throws(() => appendLine(path, 'a\nb'), /line break/);
  }));
