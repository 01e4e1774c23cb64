// What the Playground of a causal-lm experiment writes with: the base decoder alone, a finished run (an attribute
// adapter's, a full fine-tuning's), or a setup composing the adapters that have a finished run. A bad setup is
// answered here at once with the check the worker would make (core/run/steeringSetup), so the page says what is
// wrong before any model loads; the worker only ever gets requests that name runs of this experiment.
import * as path from 'path';
import { adapterNames } from '../core/composition/tree';
import type { ExperimentConfig } from '../core/config/types';
import { adapterRunName, isLanguageModelExperiment } from '../core/run/plan';
import { steeringSetup } from '../core/run/steeringSetup';
import type { ToInference } from '../protocol/inference';
import type { GenerationModel, GenerationOffer, PlaygroundRun } from '../protocol/playground';

export type GenerationRequest = Pick<Extract<ToInference, { type: 'generate' }>, 'decoder' | 'setup' | 'mergeParameters' | 'baseOnly'>;

/** Undefined for a classification experiment. `runs`: the experiment's finished runs (playgroundRuns). */
export function generationOffer(config: ExperimentConfig, runs: readonly PlaygroundRun[]): GenerationOffer | undefined {
  if (!isLanguageModelExperiment(config)) return undefined;
  const base =
    config.base.kind === 'builtin'
      ? `builtin:${config.base.name}`
      : config.base.kind === 'path'
        ? path.relative(path.dirname(config.file), config.base.path) || '.' // as the config writes it
        : 'random decoder';
  return { base, adapters: config.adapters.map((a) => a.name).filter((name) => runs.some((r) => r.name === adapterRunName(name))) };
}

/** The worker's request for `model`, or the problem to show instead. */
export function generationRequest(
  model: GenerationModel,
  config: ExperimentConfig,
  runs: readonly PlaygroundRun[],
): { request: GenerationRequest; problem?: undefined } | { problem: string } {
  // Any run of the experiment opens its base and finds its adapters' runs (core/run/steered.ts).
  const anyRun = runs[0];
  if (!anyRun) return { problem: `"${config.name}" has no finished run yet: train it, then generate` };
  switch (model.kind) {
    case 'base':
      return { request: { decoder: anyRun.dir, baseOnly: true } };
    case 'run':
      return runs.some((r) => r.dir === model.dir)
        ? { request: { decoder: model.dir } }
        : { problem: `${model.dir} is not a finished run of "${config.name}"` };
    case 'setup': {
      const checked = steeringSetup(model.setup, config, model.mergeParameters);
      if (!checked.node) return { problem: checked.error };
      const untrained = adapterNames(checked.node).filter((name) => !runs.some((r) => r.name === adapterRunName(name)));
      if (untrained.length)
        return {
          problem: `${untrained.map((n) => `"${n}"`).join(', ')} ${untrained.length === 1 ? 'has' : 'have'} no finished run: train ${untrained.map(adapterRunName).join(', ')} first`,
        };
      return { request: { decoder: anyRun.dir, setup: model.setup, mergeParameters: model.mergeParameters } };
    }
  }
}
