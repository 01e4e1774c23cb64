// The end-to-end tests (test/e2e) in a real VS Code: packages the .vsix (what users install), then runs them with
// Node's test runner. Without code-server they are skipped with a message, except in CI (CI=true), where that fails.
// Usage: node scripts/e2e.mjs [filter]   (after `npm run build`; `npm test` and `npm run test:e2e` do both)
// filter keeps the e2e files whose path contains it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CHROMIUM, CODE_SERVER_VERSION, codeServerEntry, codeServerInstalled } from './e2e-code-server.mjs';

const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
const missing = [...(codeServerInstalled() ? [] : [codeServerEntry()]), ...(existsSync(CHROMIUM) ? [] : [CHROMIUM])];
if (missing.length) {
  const message = `the end-to-end tests need code-server ${CODE_SERVER_VERSION} and chromium, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing. Install them with: apt-get install -y chromium libkrb5-dev ripgrep && node scripts/e2e-install.mjs`;
  if (inCI) {
    console.error(`e2e: FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`e2e: SKIPPED: ${message}`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'adapterlab-vsix-'));
const vsix = join(dir, 'adapter-lab.vsix');
const packaged = spawnSync(process.execPath, ['scripts/package.mjs', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });
if (packaged.status === 0) {
  // Cleared here, once: the test files run two at a time, so none of them may clear what another one wrote.
  rmSync(join('test-artifacts', 'e2e'), { recursive: true, force: true });
  const env = { ...process.env, ADAPTERLAB_E2E: '1', ADAPTERLAB_CODE_SERVER: codeServerEntry(), ADAPTERLAB_VSIX: vsix, ADAPTERLAB_CHROMIUM: CHROMIUM };
  const result = spawnSync(process.execPath, ['scripts/run-tests.mjs', join('test', 'e2e', process.argv[2] ?? '')], { stdio: 'inherit', env });
  process.exitCode = result.status ?? 1;
} else {
  process.exitCode = packaged.status ?? 1;
}
rmSync(dir, { recursive: true, force: true });
