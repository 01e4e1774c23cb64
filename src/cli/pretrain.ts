// `adapter-lab pretrain <config.pretrain.json>`: pre-trains a base model and writes it in Hugging Face layout.
// An interrupted run (Ctrl-C, crash, end of a session) resumes from its last checkpoint when the command is run again.
import * as fs from 'fs';
import * as path from 'path';
import { SingleBar, Presets } from 'cli-progress';
import { selectBackend } from '../core/model/backend';
import { formatProblem } from '../core/config/validate';
import { appendMetric, listRuns } from '../core/io/runStore';
import { createRun, endStatus, finishRun, markRunning } from '../core/run/lifecycle';
import { formatProblems } from '../core/data/load';
import { loadPretrainConfig } from '../core/pretrain/config';
import { loadPretrainCorpus } from '../core/pretrain/corpus';
import { pretrain } from '../core/pretrain/run';
import type { BackendName } from '../common/runRecord';
import { EXIT } from './exit';

export async function pretrainCommand(file: string, opts: { fresh?: boolean; backend?: BackendName }): Promise<number> {
  const { config, problems } = loadPretrainConfig(file);
  for (const p of problems) console.error(formatProblem(p));
  if (!config) return EXIT.badInput;
  const { corpus, problems: dataProblems } = loadPretrainCorpus(config);
  if (!corpus) {
    console.error(`${dataProblems.length} problem(s) in the corpora; fix them:\n${formatProblems(dataProblems)}`);
    return EXIT.badInput;
  }

  const resumable = opts.fresh
    ? undefined
    : listRuns(config.runsDir).runs.find(
        (r) => r.record.type === 'pretrain' && r.record.configFile === config.file && r.record.status !== 'completed' && fs.existsSync(path.join(r.dir, 'checkpoint/state.json')),
      );
  // Still running after the orphan check: its process lives (records from before hosts were recorded can't tell).
  if (resumable?.record.status === 'running' && resumable.record.host !== undefined) {
    console.error(`${resumable.dir} is being pre-trained by process ${resumable.record.pid} on ${resumable.record.host} (started ${resumable.record.startedAt}); two processes must not write one run. Wait for it or stop it (Ctrl-C keeps its checkpoint), or pass --fresh to start another run.`);
    return EXIT.badInput;
  }
  const backend = await selectBackend(opts.backend ?? config.backend);
  const runDir = resumable
    ? resumable.dir
    : createRun({ runsDir: config.runsDir, experiment: config.name, name: 'pretrain', type: 'pretrain', tasks: Object.keys(config.objectives), configFile: config.file, config, status: 'running', backend: backend.name }).dir;
  if (resumable) markRunning(runDir, backend.name);
  console.log(`Pre-training "${config.name}" on ${backend.name} (${backend.reason}) → ${config.output}`);
  console.log(`Run folder: ${runDir}${resumable ? ' (resuming)' : ''}`);

  const tty = process.stdout.isTTY;
  const bar = tty ? new SingleBar({ format: 'pretrain |{bar}| {value}/{total} steps · loss {loss} · {rate} steps/s · ETA {eta_formatted}' }, Presets.shades_classic) : undefined;
  bar?.start(config.steps, 0, { loss: '–', rate: '–' });
  let cancelled = false;
  const onSigint = () => {
    cancelled = true;
    console.log('\nStopping after this step; the checkpoint is kept — run the same command to resume.');
  };
  process.on('SIGINT', onSigint);
  let lastPrinted = 0;
  const outcome = await pretrain(config, corpus, runDir, backend.name, {
    progress: (e) => {
      appendMetric(runDir, { kind: 'progress', ...e });
      const losses = Object.entries(e.lossPerTask).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' ');
      if (bar) bar.update(e.step, { loss: e.loss.toFixed(3), rate: (e.examplesPerSec / config.batchSize).toFixed(2) });
      else if (e.step - lastPrinted >= config.logEvery * 4 || e.step === e.totalSteps) {
        lastPrinted = e.step;
        console.log(`step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)} (${losses}) ${(e.examplesPerSec / config.batchSize).toFixed(2)} steps/s`);
      }
    },
    evaluated: (e) => {
      appendMetric(runDir, { kind: 'eval', ...e });
      const metrics = Object.entries(e.metrics).map(([k, m]) => `${k} ${(100 * m.accuracy).toFixed(1)}%`).join(', ');
      if (bar) bar.stop();
      console.log(`held-out at step ${e.step}: ${metrics}`);
      if (bar) bar.start(config.steps, e.step, { loss: '–', rate: '–' });
    },
    log: (line) => console.log(line),
    cancelled: () => cancelled,
  });
  bar?.stop();
  process.off('SIGINT', onSigint);
  const status = endStatus(outcome);
  finishRun(runDir, status, outcome.reason);
  if (status === 'completed') {
    console.log(`Done: ${outcome.step} steps in ${(outcome.elapsedMs / 60000).toFixed(1)} min. Base written to ${config.output}`);
    return EXIT.ok;
  }
  console.error(`${status}: ${outcome.reason}`);
  return EXIT.trainingFailed;
}
