// File-system errors in words for people: "is a folder, not a file" instead of "EISDIR: illegal operation on a
// directory, read". Without TensorFlow.js, so the extension host and the config checks can use it.

const REASONS: Record<string, string> = {
  ENOENT: 'not found',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the path is too long for this file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links (a link loop?)',
  EMFILE: 'too many open files',
};

/** What went wrong reading or writing a path, without the path (the caller names it). */
export function fsErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && Object.hasOwn(REASONS, code)) return REASONS[code];
  return error instanceof Error ? error.message : String(error);
}

/** True for an error thrown by the file system (it has an errno code), as opposed to a bug or a parse error. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
