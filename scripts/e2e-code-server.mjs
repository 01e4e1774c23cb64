// Where the end-to-end tests' code-server lives: outside the repository (it is ~300 MB and not a dependency of the
// project), in a cache folder that survives between runs. Shared by scripts/e2e-install.mjs and scripts/e2e.mjs.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** VS Code 1.100.3: the newest code-server that runs on Node 20, hence engines.vscode ^1.100.0. */
export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = '/usr/bin/chromium';

export function codeServerDir() {
  return process.env.ADAPTERLAB_CODE_SERVER_HOME ?? join(homedir(), '.cache', 'adapter-lab', `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry() {
  return join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Written by e2e-install.mjs once npm (including code-server's postinstall) succeeded: a failed install is redone. */
export function installedMarker() {
  return join(codeServerDir(), '.installed');
}

export function codeServerInstalled() {
  return existsSync(installedMarker()) && existsSync(codeServerEntry());
}
