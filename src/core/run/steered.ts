// A decoder ready to write with a steering setup: the base of a causal-lm experiment with its trained attribute
// adapters composed as asked — one adapter, `Stack(a, b)` (b reads a's output at every site), `Average(a, b)` (the
// mean of their outputs, AdapterHub's Average block), or with `mergeParameters` the same Average taken over the
// adapters' parameters (AdapterHub's average_adapter: one new adapter; the adapters must share a config). A full
// fine-tuning run of the experiment opens as its own decoder. Used by `adapter-lab generate` and the Playground.
import * as path from 'path';
import type { ExperimentConfig } from '../config/types';
import { loadAdapter, latestCompletedRun } from '../adapters/load';
import { averageAdapters } from '../adapters/average';
import { isPrefix } from '../adapters/modules/index';
import type { AdapterModule } from '../adapters/modules/module';
import { AdapterSetup } from '../composition/setup';
import { type Block, adapterNames, formatSetup } from '../composition/tree';
import type { ByteLevelBpeTokenizer } from '../data/bpeTokenizer';
import { loadGpt2Checkpoint } from '../io/hfGpt2';
import { readRun } from '../io/runStore';
import { type DecoderForwardOptions, Gpt2Decoder } from '../model/gpt2';
import { Weights } from '../model/weights';
import { adapterRunName, isLanguageModelExperiment } from './plan';
import { loadDecoderBase } from './lmRun';
import { steeringSetup } from './steeringSetup';

export class SteeringError extends Error {}

export interface SteeredDecoder {
  decoder: Gpt2Decoder;
  tokenizer: ByteLevelBpeTokenizer;
  /** Forward options of the setup for generation and perplexity (undefined: the decoder alone). */
  adapters?: () => Pick<DecoderForwardOptions, 'hook' | 'linearHook' | 'prefixHook'>;
  /** "Stack(restaurant, positive) on builtin:lab-gpt". */
  description: string;
  /** Weights trained for this setup: the adapters' (or, for a full fine-tuning run, the whole decoder's). */
  trainableParams: number;
  dispose(): void;
}

export interface SteeringOptions {
  /** Average(…) over parameters (one merged adapter) instead of over outputs. */
  mergeParameters?: boolean;
  /** The experiment's base decoder alone, whatever the run holds. */
  baseOnly?: boolean;
}

/**
 * `runDir`: any run of a causal-lm experiment (its config snapshot and runs folder say where the adapters are); a
 * `full:<task>` run without a setup opens its fine-tuned decoder. `setup`: AdapterHub notation over the experiment's
 * adapter names; absent: the run's own adapter, or the base alone for a run without one.
 */
export function openSteeredDecoder(runDir: string, setup?: string, opts: SteeringOptions = {}): SteeredDecoder {
  const record = readRun(runDir);
  const config = record.config as ExperimentConfig;
  if (!isLanguageModelExperiment(config))
    throw new SteeringError(`${record.name} belongs to "${config.name}", a classification experiment: steering needs a run of causal-lm tasks`);
  if (record.type === 'full' && setup === undefined && !opts.baseOnly) return openFullRun(runDir, record.name);
  const base = loadDecoderBase(config);
  const decoder = new Gpt2Decoder(base.config, new Weights(base.values));
  const ownAdapter = record.type === 'adapter' ? config.adapters.find((a) => adapterRunName(a.name) === record.name)?.name : undefined;
  const text = opts.baseOnly ? undefined : (setup ?? ownAdapter);
  const baseName = config.base.kind === 'builtin' ? `builtin:${config.base.name}` : path.basename(config.base.kind === 'path' ? config.base.path : '');
  if (text === undefined) return { decoder, tokenizer: base.tokenizer, description: baseName, trainableParams: 0, dispose: () => decoder.weights.dispose() };
  const checked = steeringSetup(text, config, opts.mergeParameters);
  if (!checked.node) throw new SteeringError(checked.error);
  const tree = checked.node;
  const dims = { hiddenSize: base.config.hiddenSize, intermediateSize: base.config.intermediateSize, layers: base.config.layers };
  const runsDir = path.dirname(runDir);
  const modules = new Map<string, AdapterModule>();
  const dispose = () => {
    for (const m of modules.values()) m.weights.dispose();
    decoder.weights.dispose();
  };
  try {
    for (const name of new Set(adapterNames(tree))) {
      const spec = config.adapters.find((a) => a.name === name)!;
      const dir = latestCompletedRun(runsDir, config.name, adapterRunName(name));
      if (!dir)
        throw new SteeringError(
          `adapter "${name}" has no completed run in ${runsDir}: train it first (adapter-lab train <config> --only ${adapterRunName(name)})`,
        );
      const module = loadAdapter(path.join(dir, 'adapters', name), spec, dims);
      if (isPrefix(module)) module.eject(); // inference: the flat prefix, no MLP
      modules.set(name, module);
    }
    let adapterSetup: AdapterSetup;
    let described = formatSetup(tree);
    if (opts.mergeParameters) {
      const average = tree as Block; // steeringSetup checked: Average(a, b, …) of adapters of one config
      const names = average.children.map((c) => (c as { name: string }).name);
      const spec = config.adapters.find((a) => a.name === names[0])!;
      const merged = averageAdapters(
        { ...spec, name: 'merged' },
        names.map((n) => modules.get(n)!),
        average.weights ?? names.map(() => 1 / names.length),
        dims,
      );
      for (const m of modules.values()) m.weights.dispose();
      modules.clear();
      modules.set('merged', merged);
      adapterSetup = AdapterSetup.single(merged, dims.layers);
      described = `parameter average of ${described.replace(/^Average/, '')}`;
    } else {
      adapterSetup = new AdapterSetup(tree, modules, new Map(), dims.layers, { trainAdapters: false });
    }
    const trainableParams = [...modules.values()].reduce((n, m) => n + m.weights.size(), 0);
    return {
      decoder,
      tokenizer: base.tokenizer,
      adapters: () => adapterSetup.forwardOptions(0, null),
      description: `${described} on ${baseName}`,
      trainableParams,
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  }
}

function openFullRun(runDir: string, name: string): SteeredDecoder {
  const loaded = loadGpt2Checkpoint(path.join(runDir, 'model'));
  const decoder = new Gpt2Decoder(loaded.config, new Weights(loaded.values));
  return {
    decoder,
    tokenizer: loaded.tokenizer,
    description: `${name} (the decoder fine-tuned)`,
    trainableParams: decoder.weights.size(),
    dispose: () => decoder.weights.dispose(),
  };
}
