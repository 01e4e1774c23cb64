// Packages the VS Code extension as a .vsix with @vscode/vsce, from a staging folder that holds only what ships:
// the manifest, README, icon and schema, the built-in base model (models/lab-base), and dist/extension (host bundle, engine bundle with TensorFlow.js, wasm
// binaries, the built-in data). Staging is needed because package.json's "files" (the npm package of the CLI) and a
// .vscodeignore cannot be combined in vsce; the .vscodeignore is copied in and applies there.
// Usage: node scripts/package.mjs [out.vsix]   (run `npm run build` first; `npm run package` does both)
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(process.argv[2] ?? join(root, `${manifest.name}-${manifest.version}.vsix`));
const stage = join(root, 'dist', 'vsix');

if (!existsSync(join(root, 'dist/extension/engine.js'))) {
  console.error('dist/extension is missing: run `npm run build` first');
  process.exit(1);
}
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
// The extension's manifest: the CLI package's fields mean nothing to VS Code, and "files" would clash with .vscodeignore.
const extensionManifest = { ...manifest };
for (const key of ['files', 'scripts', 'dependencies', 'devDependencies', 'bin']) delete extensionManifest[key];
writeFileSync(join(stage, 'package.json'), JSON.stringify(extensionManifest, null, 2));
for (const path of [
  'README.md',
  '.vscodeignore',
  manifest.icon,
  'media/activity-bar.svg',
  'media/webview',
  'media/run-icons',
  'schemas/adapterlab.schema.json',
  'models/lab-base',
  'models/lab-gpt',
  'dist/extension',
]) {
  cpSync(join(root, path), join(stage, path), { recursive: true });
}

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const args = ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out];
const result = spawnSync(process.execPath, [vsce, ...args], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`${out}: ${(statSync(out).size / 1024 ** 2).toFixed(2)} MB`);
