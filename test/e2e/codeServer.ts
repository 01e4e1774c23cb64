// A real VS Code for the end-to-end tests: code-server (VS Code's workbench and extension host, served to a browser)
// in its own process group, with fresh, isolated user data and extensions folders and the packaged .vsix installed.
import { type ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface CodeServer {
  url: string;
  userDataDir: string;
  stop(): Promise<void>;
}

const USER_SETTINGS = {
  'window.autoDetectHighContrast': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
};

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through scripts/e2e.mjs (npm test or npm run test:e2e)`);
  return value;
}

/** `restricted`: the workspace opens untrusted, in Restricted Mode (else workspace trust is off). */
export async function startCodeServer(opts: { entry: string; vsix: string; workspace: string; logFile: string; restricted?: boolean }): Promise<CodeServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-e2e-home-'));
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const trust = opts.restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...trust }, null, 2));
  const configFile = path.join(home, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  execFileSync(process.execPath, [opts.entry, ...common, '--install-extension', opts.vsix], { env, stdio: 'pipe' });

  const port = await freePort();
  const log = fs.openSync(opts.logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      opts.entry,
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.restricted ? [] : ['--disable-workspace-trust']),
      '--ignore-last-opened',
      opts.workspace,
    ],
    { env, detached: true, stdio: ['ignore', log, log] }, // detached: its own process group, stopped as a whole
  );
  const url = `http://127.0.0.1:${port}/`;
  await waitForHealth(url, child);
  return {
    url,
    userDataDir,
    stop: async () => {
      await stopGroup(child);
      fs.closeSync(log);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before answering`);
    try {
      if ((await fetch(`${url}healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url}healthz within ${timeoutMs / 1000} s`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once('exit', r));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
