// Whether a path from a config can be used as the file or folder it should be, asked of the disk once, so that a
// folder given as a data file, a path too long for the file system or a runs folder under a file are reported at
// their line instead of failing later with EISDIR, ENAMETOOLONG or ENOTDIR.
import * as fs from 'fs';
import { fsErrorReason } from './fsErrors';

export type PathKind = 'file' | 'folder';

/**
 * Why `p` cannot be used as a `kind`, or undefined when it can. "not found" for a missing path unless `mayBeMissing`
 * (a folder that will be created), in which case only a path that could never be created is a problem.
 */
export function pathProblem(p: string, kind: PathKind, mayBeMissing = false): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && mayBeMissing) return undefined;
    return fsErrorReason(e);
  }
  if (kind === 'file' && stat.isDirectory()) return 'is a folder, not a file';
  if (kind === 'folder' && !stat.isDirectory()) return 'is a file, not a folder';
  return undefined;
}
