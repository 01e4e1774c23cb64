// File writes that never leave a half-written file behind: a crash or a full disk
// leaves either the old content or the new, because the new bytes go to a temp file
// in the same folder (same file system, so rename is atomic) and replace the target only when complete.
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` atomically, creating parent folders. Synchronous: our writes are small. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  // pid + random suffix: concurrent writers (trainer and extension) never share a temp file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx');
  try {
    try {
      writeFileSync(fd, data);
      fsyncSync(fd); // the bytes must be on disk before the rename makes them visible
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes `value` as pretty JSON with a trailing newline, atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Appends one line to an append-only JSONL log, creating parent folders. */
export function appendLine(path: string, line: string): void {
  // A newline inside the line would split one record into two unparsable ones.
  if (/[\r\n]/.test(line)) throw new Error(`appendLine(${path}): the line contains a line break`);
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${line}\n`);
}
