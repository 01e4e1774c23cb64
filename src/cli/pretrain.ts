// `adapter-lab pretrain <config.pretrain.json>`: pre-trains a base model and writes it in Hugging Face layout.
// An interrupted run (Ctrl-C, crash, end of a session) resumes from its last checkpoint when the command is run again.
import * as fs from 'fs';
import * as path from 'path';
import { selectBackend } from '../core/model/backend';
import { formatProblem } from '../core/config/validate';
import { appendMetric, listRuns, updateRun } from '../core/io/runStore';
import { kernelThreads, setKernelThreads } from '../core/model/kernels/threadedKernels';
import { kernelVariant } from '../core/model/kernels/kernelVariant';
import { defaultCores } from '../core/run/threads';
import { createRun, endStatus, finishRun, markRunning } from '../core/run/lifecycle';
import { formatProblems } from '../core/data/load';
import { loadPretrainConfig } from '../core/pretrain/config';
import { loadPretrainCorpus } from '../core/pretrain/corpus';
import { pretrain } from '../core/pretrain/run';
import { pretrainDecoder } from '../core/pretrain/clmRun';
import type { BackendName } from '../common/runRecord';
import { EXIT } from './exit';
import { LiveBlock, type RunView, StepRate, formatDuration, runLine } from './progressView';
import { terminalColumns, wrapWords } from './terminalWidth';

export async function pretrainCommand(file: string, opts: { fresh?: boolean; backend?: BackendName; threads?: number }): Promise<number> {
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
        (r) =>
          r.record.type === 'pretrain' &&
          r.record.configFile === config.file &&
          r.record.status !== 'completed' &&
          fs.existsSync(path.join(r.dir, 'checkpoint/state.json')),
      );
  // Still running after the orphan check: its process lives (records from before hosts were recorded can't tell).
  if (resumable?.record.status === 'running' && resumable.record.host !== undefined) {
    console.error(
      `${resumable.dir} is being pre-trained by process ${resumable.record.pid} on ${resumable.record.host} (started ${resumable.record.startedAt}); two processes must not write one run. Wait for it or stop it (Ctrl-C keeps its checkpoint), or pass --fresh to start another run.`,
    );
    return EXIT.badInput;
  }
  const backend = await selectBackend(opts.backend ?? config.backend, path.dirname(config.file));
  if (backend.name === 'wasm') setKernelThreads(opts.threads ?? defaultCores()); // pre-training runs alone: every core
  const runDir = resumable
    ? resumable.dir
    : createRun({
        runsDir: config.runsDir,
        experiment: config.name,
        name: 'pretrain',
        type: 'pretrain',
        tasks: Object.keys(config.objectives),
        configFile: config.file,
        config,
        status: 'running',
        backend: backend.name,
      }).dir;
  const kernels = backend.name === 'wasm' ? kernelVariant() : undefined;
  if (resumable) markRunning(runDir, backend.name, undefined, kernelThreads(), kernels);
  else updateRun(runDir, { threads: kernelThreads(), kernels });
  const columns = terminalColumns();
  console.log(
    wrapWords(
      `Pre-training "${config.name}" on ${backend.name} (${backend.reason}, ${kernelThreads()} kernel thread${kernelThreads() > 1 ? 's' : ''}) → ${config.output}`,
      columns && columns - 1,
    ),
  );
  console.log(wrapWords(`Run folder: ${runDir}${resumable ? ' (resuming)' : ''}`, columns && columns - 1));

  // On a terminal one live line (steps, loss, pace, time left) that fits its width, messages scrolling above it;
  // elsewhere a plain line every few logged steps.
  const rate = new StepRate();
  let view: RunView = { name: 'pretrain', state: 'loading', detail: backend.name };
  const block = columns !== undefined ? new LiveBlock(process.stdout, (width) => [runLine(view, view.name.length, width)]) : undefined;
  const say = (line: string) => (block ? block.log(line) : console.log(line));
  block?.update();
  let cancelled = false;
  const onSigint = () => {
    cancelled = true;
    say('Stopping after this step; the checkpoint is kept — run the same command to resume.');
  };
  process.on('SIGINT', onSigint);
  let lastPrinted = 0;
  // "clm" (checked to be the only objective) pre-trains a decoder; the others an encoder.
  const run = Object.hasOwn(config.objectives, 'clm') ? pretrainDecoder : pretrain;
  const outcome = await run(config, corpus, runDir, backend.name, {
    progress: (e) => {
      appendMetric(runDir, { kind: 'progress', ...e });
      rate.add(e);
      view = {
        name: 'pretrain',
        state: 'training',
        step: e.step,
        totalSteps: e.totalSteps,
        loss: e.loss,
        stepsPerSec: rate.stepsPerSec(),
        etaMs: rate.etaMs(),
      };
      if (block) block.update();
      else if (e.step - lastPrinted >= config.logEvery * 4 || e.step === e.totalSteps) {
        lastPrinted = e.step;
        const losses = Object.entries(e.lossPerTask)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(' ');
        const eta = rate.etaMs();
        console.log(
          `step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)} (${losses}) ${rate.stepsPerSec()?.toFixed(2) ?? '–'} steps/s · ETA ${eta === undefined ? '–' : formatDuration(eta)}`,
        );
      }
    },
    evaluated: (e) => {
      appendMetric(runDir, { kind: 'eval', ...e });
      const metrics = Object.entries(e.metrics)
        .map(([k, m]) => (m.perplexity === undefined ? `${k} ${(100 * m.accuracy).toFixed(1)}%` : `${k} perplexity ${m.perplexity.toFixed(1)}`))
        .join(', ');
      say(`held-out at step ${e.step}: ${metrics}`);
    },
    log: say,
    cancelled: () => cancelled,
  });
  block?.stop();
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
