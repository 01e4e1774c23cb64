// Ctrl-C and a killed CLI, end to end: real CLI, real trainer processes. A terminal's Ctrl-C sends SIGINT to its
// whole foreground process group; the tests start the CLI in a group of its own (detached) and signal that group.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readMetrics, readRun, readRunFile } from '../../src/core/io/runStore';
import { startCli, until } from '../helpers/cliProcess';
import { makeWorkspace, requireBuild, runCli, tinyConfig } from '../helpers/workspace';

before(requireBuild);

/** Far more steps than the tests wait for: the runs only end by being stopped. */
const LONG = { batchSize: 4, maxLength: 16, logEvery: 1, epochs: 1000 }; // the most a config may ask for

function runsByName(dir: string): Map<string, string> {
  const runsDir = path.join(dir, '.adapterlab/runs');
  if (!fs.existsSync(runsDir)) return new Map();
  const ids = fs.readdirSync(runsDir).filter((id) => fs.existsSync(path.join(runsDir, id, 'run.json'))); // written just after the folder
  return new Map(ids.map((id) => [readRunFile(path.join(runsDir, id)).name, path.join(runsDir, id)]));
}

const stepsLogged = (runDir: string) => readMetrics(runDir).filter((m) => m.kind === 'progress').length;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('Ctrl-C: the running run stops after its step, the queued run is marked cancelled, exit 1', async () => {
  const { dir, configFile } = makeWorkspace(tinyConfig({ adapters: {}, baselines: ['full', 'head-only'], train: LONG }));
  const cli = startCli(['train', configFile, '--parallel', '1'], dir);
  await until(() => runsByName(dir).size === 2 && stepsLogged(runsByName(dir).get('full')!) >= 2, cli);
  process.kill(-cli.child.pid!, 'SIGINT'); // what the terminal does: the CLI's whole foreground process group
  const { code } = await cli.exited;
  assert.equal(code, 1, cli.output());

  const full = readRun(runsByName(dir).get('full')!);
  assert.equal(full.status, 'cancelled', cli.output());
  assert.equal(full.reason, 'cancelled by the user', 'the trainer stopped itself after its step, nothing killed it');
  const queued = readRunFile(runsByName(dir).get('head-only')!);
  assert.equal(queued.status, 'cancelled', 'run.json of the run that never started says cancelled');
  assert.equal(queued.reason, 'cancelled before it started');
  assert.ok(queued.finishedAt);
  assert.doesNotMatch(cli.output(), /killed/);

  const runs = runCli(['runs'], dir);
  assert.equal(runs.status, 0, runs.stderr);
  assert.doesNotMatch(runs.stdout, /failed/, runs.stdout);
  assert.equal(runs.stdout.split('\n').filter((l) => /cancelled/.test(l)).length, 2, runs.stdout);
});

test('Ctrl-C with the SIGINT forwarded once more at once (as wrappers like npm do) still cancels gracefully', async () => {
  const { dir, configFile } = makeWorkspace(tinyConfig({ adapters: {}, baselines: ['full'], train: LONG }));
  const cli = startCli(['train', configFile], dir);
  await until(() => runsByName(dir).size === 1 && stepsLogged(runsByName(dir).get('full')!) >= 2, cli);
  process.kill(-cli.child.pid!, 'SIGINT');
  process.kill(cli.child.pid!, 'SIGINT');
  const { code } = await cli.exited;
  assert.equal(code, 1, cli.output());
  const full = readRun(runsByName(dir).get('full')!);
  assert.equal(full.status, 'cancelled');
  assert.equal(full.reason, 'cancelled by the user', cli.output());
});

test('a CLI killed hard (SIGKILL) takes its trainers with it: they stop after their step and record why', async () => {
  // Long enough that a trainer left running would be seen finishing it; short enough to end if it does.
  const { dir, configFile } = makeWorkspace(tinyConfig({ adapters: {}, baselines: ['full'], train: { ...LONG, epochs: 60 } }));
  const cli = startCli(['train', configFile], dir);
  await until(() => runsByName(dir).size === 1 && stepsLogged(runsByName(dir).get('full')!) >= 2, cli);
  const runDir = runsByName(dir).get('full')!;
  const trainerPid = readRunFile(runDir).pid!;
  assert.notEqual(trainerPid, cli.child.pid, 'run.json names the trainer once it runs');
  cli.child.kill('SIGKILL');
  await cli.exited;
  await until(() => !alive(trainerPid));
  const record = readRunFile(runDir);
  assert.equal(record.status, 'cancelled', `${record.status}: ${record.reason}`);
  assert.match(record.reason ?? '', new RegExp(`the process that started it \\(pid ${cli.child.pid}\\) ended`));
  assert.ok(stepsLogged(runDir) < 60 * 12, `stopped early (${stepsLogged(runDir)} steps logged)`);
});
