// Executes one planned run into its run folder: builds the model, trains, writes metrics as it goes, saves the best
// weights in AdapterHub / Hugging Face layout and writes summary.json. Used by the trainer process.
import * as path from 'path';
import type { ExperimentConfig } from './config/types';
import type { EvalEvent, ProgressEvent } from '../protocol/trainer';
import { BottleneckAdapter } from './adapters/bottleneck';
import { type BaseModel, type ExperimentData, type RunPlan, trainData } from './experiment';
import { saveAdapter, saveBertModel, saveHead } from './io/adapterhub';
import { writeJsonAtomic } from './io/atomic';
import { type RunSummary, appendMetric, folderBytes, writeSummary } from './io/runStore';
import { BertEncoder } from './model/bert';
import { Classifier } from './model/classifier';
import { ClassificationHead } from './model/heads';
import { seedFor } from './model/init';
import { Weights } from './model/weights';
import { type TrainOutcome, train } from './train/loop';

export interface RunHooks {
  progress(e: ProgressEvent): void;
  evaluated(e: EvalEvent): void;
  checkpoint(epoch: number, dir: string): void;
  cancelled(): boolean;
}

export interface RunResult {
  outcome: TrainOutcome;
  summary: RunSummary;
}

export async function runPlannedRun(
  config: ExperimentConfig,
  plan: RunPlan,
  data: ExperimentData,
  base: BaseModel,
  run: { id: string; dir: string; backend: string },
  hooks: RunHooks,
): Promise<RunResult> {
  const started = performance.now();
  const d = base.config.hiddenSize;
  const encoder = new BertEncoder(base.config, new Weights(base.values));
  const taskSpecs = plan.tasks.map((name) => config.tasks.find((t) => t.name === name)!);
  const heads = taskSpecs.map((t) => new ClassificationHead(t.name, data.labels.get(t.name) ?? [], t.pooling, d, seedFor(config.seed, `head:${plan.name}`)));
  const adapterSpec = plan.adapter ? config.adapters.find((a) => a.name === plan.adapter) : undefined;
  const adapter = adapterSpec ? new BottleneckAdapter(adapterSpec, d, base.config.layers, seedFor(config.seed, `adapter:${adapterSpec.name}`)) : null;
  const model = new Classifier(encoder, heads, adapter, plan.type === 'full');
  const info = { modelName: base.modelName, hiddenSize: d };

  const save = () => {
    if (adapter && adapterSpec) {
      const dir = path.join(run.dir, 'adapters', adapterSpec.name);
      saveAdapter(dir, adapterSpec, adapter.size, adapter.weights, info);
      for (const h of heads) saveHead(dir, h.name, h.labels, h.weights, info);
    } else {
      for (const h of heads) saveHead(path.join(run.dir, 'heads', h.name), h.name, h.labels, h.weights, info);
    }
    if (plan.type === 'full') saveBertModel(path.join(run.dir, 'model'), base.config, encoder.weights);
    writeJsonAtomic(path.join(run.dir, 'adapter_setup.json'), {
      adapter_setup: adapterSpec ? adapterSpec.name : null,
      head_setup: plan.tasks.length === 1 ? plan.tasks[0] : plan.tasks,
    });
  };

  try {
    const outcome = await train(model, trainData(data, config, plan.tasks, base.tokenizer, plan.options.maxLength), plan.options, seedFor(config.seed, plan.name), {
      progress: (e) => {
        appendMetric(run.dir, { kind: 'progress', ...e });
        hooks.progress(e);
      },
      evaluated: (e) => {
        appendMetric(run.dir, { kind: 'eval', ...e });
        hooks.evaluated(e);
      },
      improved: (epoch) => {
        save();
        hooks.checkpoint(epoch, run.dir);
      },
      cancelled: hooks.cancelled,
    });
    if (outcome.status === 'completed') save(); // the best epoch's weights, restored by train()

    const baseParams = encoder.weights.size();
    const totalParams = baseParams + (adapter ? adapter.weights.size() : 0) + heads.reduce((n, h) => n + h.weights.size(), 0);
    const headBytes = (task: string) =>
      folderBytes(adapterSpec ? path.join(run.dir, 'adapters', adapterSpec.name) : path.join(run.dir, 'heads', task));
    const modelBytes = folderBytes(path.join(run.dir, 'model'));
    const summary: RunSummary = {
      id: run.id,
      name: plan.name,
      type: plan.type,
      status: outcome.status === 'completed' ? 'completed' : outcome.status === 'cancelled' ? 'cancelled' : 'failed',
      backend: run.backend,
      base: base.description,
      test: outcome.test ?? {},
      validation: outcome.validation ?? {},
      bestEpoch: outcome.bestEpoch,
      steps: outcome.steps,
      totalParams,
      trainableParams: outcome.trainableParams,
      trainablePercent: (100 * outcome.trainableParams) / totalParams,
      bytesOnDisk: folderBytes(run.dir),
      // What serving one attribute needs besides the shared base: adapter + head, or a whole fine-tuned model.
      bytesPerTask: Object.fromEntries(plan.tasks.map((t) => [t, adapterSpec ? headBytes(t) : modelBytes + headBytes(t)])),
      msPerStep: outcome.msPerStep,
      inferenceMsPerExample: outcome.inferenceMsPerExample,
      paddingShare: outcome.paddingShare,
      wallMs: performance.now() - started,
    };
    writeSummary(run.dir, summary);
    return { outcome, summary };
  } finally {
    encoder.weights.dispose();
    adapter?.weights.dispose();
    heads.forEach((h) => h.weights.dispose());
  }
}
