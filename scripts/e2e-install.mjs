// Installs code-server for the end-to-end tests into its cache folder (see e2e-code-server.mjs), offline apart from
// the npm registry. Needs Debian's ripgrep, chromium and libkrb5-dev first (a native dependency builds against it):
//   apt-get install -y chromium libkrb5-dev ripgrep && node scripts/e2e-install.mjs
// code-server's ripgrep dependency downloads a binary at install time; its download cache is seeded with Debian's rg.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { CODE_SERVER_VERSION, codeServerDir, codeServerEntry, codeServerInstalled, installedMarker } from './e2e-code-server.mjs';

const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

if (codeServerInstalled()) {
  console.log(`code-server ${CODE_SERVER_VERSION} is installed in ${codeServerDir()}`);
  process.exit(0);
}
for (const tool of ['/usr/bin/rg', '/usr/bin/chromium']) {
  if (!existsSync(tool)) {
    console.error(`${tool} is missing: apt-get install -y chromium libkrb5-dev ripgrep`);
    process.exit(1);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'adapterlab-code-server-'));
try {
  const rgDir = join(tmp, 'rg');
  mkdirSync(rgDir);
  copyFileSync('/usr/bin/rg', join(rgDir, 'rg'));
  mkdirSync(join(tmp, RIPGREP_CACHE));
  execFileSync('tar', ['-czf', join(tmp, RIPGREP_CACHE, RIPGREP_ARCHIVE), '-C', rgDir, 'rg']);

  mkdirSync(codeServerDir(), { recursive: true });
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir()} …`);
  // code-server's postinstall refuses to run as root unless npm_config_unsafe_perm is set (npm 11 itself ignores it).
  const env = { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_nodedir: '/usr', npm_config_yes: 'true' };
  const args = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`];
  try {
    execFileSync('npm', args, { cwd: codeServerDir(), stdio: 'inherit', env });
  } catch {
    console.error(`npm ${args.join(' ')} failed in ${codeServerDir()} (its output is above)`);
    process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (process.exitCode) process.exit();
if (!existsSync(codeServerEntry())) {
  console.error(`code-server installed, but ${codeServerEntry()} is missing`);
  process.exit(1);
}
writeFileSync(installedMarker(), `code-server ${CODE_SERVER_VERSION}\n`);
console.log(`code-server ${CODE_SERVER_VERSION} installed in ${codeServerDir()}`);
