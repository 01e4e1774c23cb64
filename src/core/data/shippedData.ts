// Where a built-in data set's files are. The VS Code extension has no node_modules: scripts/build.mjs copies the files
// it needs beside its bundles (dist/extension/<folder>). The CLI and the tests read them from their npm packages.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function dataDir(spec: { shipped: string; packageName: string; inPackage: string; needs: string }): string {
  const beside = join(__dirname, spec.shipped);
  if (existsSync(beside)) return beside;
  try {
    // Not a literal: esbuild would try to bundle a literal require.resolve target; this must resolve at run time.
    return join(dirname(require.resolve(`${spec.packageName}/package.json`)), spec.inPackage);
  } catch {
    throw new Error(`${spec.needs} needs the npm package ${spec.packageName}; run npm install`);
  }
}
