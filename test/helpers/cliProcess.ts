// The real CLI started in a process group of its own (as a terminal's foreground job is), for tests that signal it:
// a Ctrl-C goes to the whole group (`process.kill(-pid, 'SIGINT')`), a crash to the CLI alone.
import { type ChildProcess, spawn } from 'child_process';
import { CLI } from './workspace';

export interface StartedCli {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

export function startCli(args: string[], cwd: string): StartedCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

/** Waits for `condition`; fails at once if the CLI it watches has ended instead (a test never hangs on it). */
export async function until(condition: () => boolean, cli?: StartedCli): Promise<void> {
  let ended = false;
  void cli?.exited.then(() => (ended = true));
  while (!condition()) {
    if (ended) throw new Error(`the CLI ended before the test could go on:\n${cli!.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
