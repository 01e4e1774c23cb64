// The trainer process. A host (the CLI or the VS Code extension) forks it with an IPC channel, sends `start`, and
// receives typed messages (src/protocol/trainer.ts). Training in its own process keeps the host responsive, lets
// runs use separate cores, and means a crash or out-of-memory here cannot take the editor down.
import * as path from 'path';
import { type FromTrainer, type ToTrainer, isToTrainer } from '../protocol/trainer';
import { selectBackend } from '../core/model/backend';
import { loadConfig, formatProblem } from '../core/config/validate';
import { loadBase, loadExperimentData } from '../core/run/experiment';
import { planRuns } from '../core/run/plan';
import { endStatus, finishRun, markRunning } from '../core/run/lifecycle';
import { runPlannedRun } from '../core/run/executeRun';

let cancelRequested = false;

function send(message: FromTrainer): void {
  process.send?.(message);
}

async function start(msg: Extract<ToTrainer, { type: 'start' }>): Promise<void> {
  const fail = (reason: string) => {
    finishRun(msg.runDir, 'failed', reason);
    send({ type: 'done', status: 'failed', reason });
  };
  try {
    const loaded = loadConfig(msg.configFile);
    if (!loaded.config) return fail(loaded.problems.map(formatProblem).join('\n'));
    // The host chose the runs folder (the extension's adapterLab.runsFolder setting can override the config's
    // runsDir); runs this one needs (compositions, merges) are looked up there.
    const config = { ...loaded.config, runsDir: path.dirname(msg.runDir) };
    const plan = planRuns(config).find((p) => p.name === msg.runName);
    if (!plan) return fail(`the config has no run named "${msg.runName}"`);
    const backend = await selectBackend(msg.backend ?? config.backend);
    send({ type: 'ready', backend: backend.name, pid: process.pid });
    markRunning(msg.runDir, `${backend.name} (${backend.reason})`, new Date());

    const data = loadExperimentData(config);
    const base = loadBase(config, data);
    send({ type: 'log', message: `base: ${base.description}; data: ${data.source} (${data.rows.train.length} train / ${data.rows.validation.length} validation / ${data.rows.test.length} test)` });
    const { outcome } = await runPlannedRun(config, plan, data, base, { id: path.basename(msg.runDir), dir: msg.runDir, backend: backend.name }, {
      progress: (event) => send({ type: 'progress', event }),
      evaluated: (event) => send({ type: 'eval', event }),
      checkpoint: (epoch, dir) => send({ type: 'checkpoint', epoch, dir }),
      cancelled: () => cancelRequested,
    });
    const status = endStatus(outcome);
    finishRun(msg.runDir, status, outcome.reason);
    send({ type: 'done', status, reason: outcome.reason, summaryFile: path.join(msg.runDir, 'summary.json') });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

process.on('message', (msg: unknown) => {
  if (!isToTrainer(msg)) return console.error(`ignored a message the host should not send: ${JSON.stringify(msg).slice(0, 200)}`);
  if (msg.type === 'start') void start(msg).finally(() => process.disconnect?.());
  else if (msg.type === 'cancel') cancelRequested = true;
});
