// Writes media/run-icons/*.svg: the Runs tree icon for each run colour and status (src/core/runColors.ts).
// Usage: node --import tsx scripts/run-icons.ts   (test/core/runColors.test.ts fails when the files are stale)
import * as fs from 'fs';
import * as path from 'path';
import { RUN_PALETTE, RUN_STATUSES, runIconFile, runIconSvg } from '../src/common/runColors';

export const RUN_ICONS_DIR = path.resolve(__dirname, '..', 'media', 'run-icons');

export function expectedRunIcons(): Map<string, string> {
  const files = new Map<string, string>();
  RUN_PALETTE.forEach((color, i) => {
    for (const status of RUN_STATUSES) files.set(runIconFile(i, status), runIconSvg(color, status));
  });
  return files;
}

if (require.main === module) {
  fs.rmSync(RUN_ICONS_DIR, { recursive: true, force: true });
  fs.mkdirSync(RUN_ICONS_DIR, { recursive: true });
  for (const [file, svg] of expectedRunIcons()) fs.writeFileSync(path.join(RUN_ICONS_DIR, file), svg);
  console.log(`wrote ${expectedRunIcons().size} icons to ${RUN_ICONS_DIR}`);
}
