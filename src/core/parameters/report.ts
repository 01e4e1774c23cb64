// Parameters of an experiment's run types, from shapes alone: what each trains, what it adds to the frozen base,
// per layer, and what it stores on disk per attribute (float32). Feeds the parameters view; `inspect` prints the
// same figures for the adapters and full fine-tuning.
import type { AdapterSpec, ExperimentConfig } from '../config/types';
import { adapterNames, blocksOf } from '../composition/tree';
import type { BertConfig } from '../model/shapes';
import { adapterHeadParams, adapterParamsPerLayer, adapterSharedParams, baseParamCounts, headParams, kAdapterInputs, knowledgeFusionParams } from './counts';
import { fusionSitesPerLayer } from './fusionSites';
import type { LabelCounts } from './labels';
import { BYTES_PER_PARAM, type ParameterReport, type RunTypeParameters } from '../../common/parameterReport';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export function parameterReport(config: ExperimentConfig, bert: BertConfig, labels: LabelCounts, baseDescription: string): ParameterReport {
  const d = bert.hiddenSize;
  const base = baseParamCounts(bert);
  const baseBytes = base.total * BYTES_PER_PARAM;
  // A causal-lm task writes through the decoder's tied LM head: no head of its own.
  const isLm = (task: string) => config.tasks.find((t) => t.name === task)?.objective === 'causal-lm';
  const head = (task: string) => (isLm(task) ? 0 : headParams(d, labels.get(task) ?? 2));
  const headOn = (task: string, extraInputs: number) => (isLm(task) ? 0 : headParams(d, labels.get(task) ?? 2, extraInputs));
  const percent = (n: number) => (100 * n) / base.total;
  const zeros = () => new Array<number>(bert.layers).fill(0);
  const allTasks = config.tasks.map((t) => t.name);
  const bytesOf = (tasks: string[], perTask: (task: string) => number) => Object.fromEntries(tasks.map((t) => [t, perTask(t) * BYTES_PER_PARAM]));
  const meanHead = allTasks.length ? sum(allTasks.map(head)) / allTasks.length : 0;

  const adapterRow = (a: AdapterSpec): RunTypeParameters => {
    const perLayer = adapterParamsPerLayer(a, d, bert.layers, bert.intermediateSize);
    const shared = adapterSharedParams(a, d, bert.layers);
    const heads = isLm(a.task) ? 0 : adapterHeadParams(a, d, labels.get(a.task) ?? 2);
    const trainable = sum(perLayer) + shared + heads;
    return {
      name: `adapter:${a.name}`,
      kind: 'adapter',
      method: a.method,
      tasks: [a.task],
      trainable,
      total: base.total + trainable,
      percentOfBase: percent(trainable),
      perLayer,
      shared,
      heads,
      bytesPerTask: bytesOf([a.task], () => trainable),
      storage: { shared: baseBytes, perAttribute: trainable * BYTES_PER_PARAM },
    };
  };

  // One whole model (with a mean-sized head) per attribute.
  const fullFineTuning = { shared: 0, perAttribute: baseBytes + meanHead * BYTES_PER_PARAM };

  const baselineRow = (kind: 'full' | 'head-only'): RunTypeParameters => {
    const heads = sum(allTasks.map(head));
    // Mean pooling by default: full fine-tuning leaves the pooler untouched, as `inspect` counts it.
    // A decoder's final LayerNorm ("pooler" in its counts) is trained with the rest; an encoder's pooler is not.
    const trainable = kind === 'full' ? base.total - (bert.modelType === 'gpt2' ? 0 : base.pooler) + heads : heads;
    return {
      name: kind,
      kind,
      tasks: allTasks,
      trainable,
      total: base.total + heads,
      percentOfBase: percent(trainable),
      perLayer: kind === 'full' ? [...base.perLayer] : zeros(),
      shared: kind === 'full' ? base.embeddings : 0,
      heads,
      bytesPerTask: bytesOf(allTasks, (t) => (kind === 'full' ? base.total : 0) + head(t)),
      storage: kind === 'full' ? fullFineTuning : { shared: baseBytes, perAttribute: meanHead * BYTES_PER_PARAM },
    };
  };

  const compositionRows = config.compositions.map((c): RunTypeParameters => {
    const used = adapterNames(c.setup).flatMap((n) => config.adapters.filter((a) => a.name === n));
    const fuses = blocksOf(c.setup, 'Fuse');
    const perLayer = zeros();
    for (const fuse of fuses) fusionSitesPerLayer(fuse, config.adapters, bert.layers).forEach((sites, l) => (perLayer[l] += sites * 3 * (d * d + d)));
    const trainsHeads = fuses.length > 0 || c.trainHeads;
    // A head on K-adapters reads [base; each K-adapter's output]: d more inputs per K-adapter (a Fuse over them: d).
    const extra = kAdapterInputs(c.setup, config.adapters, d);
    // A Fuse over K-adapters: its one fusion layer sits at the heads, outside the layers.
    const shared = knowledgeFusionParams(c.setup, config.adapters, d);
    const heads = sum(c.tasks.map((t) => headOn(t, extra)));
    const trainable = sum(perLayer) + shared + (trainsHeads ? heads : 0);
    const frozenAdapters = sum(used.map((a) => sum(adapterParamsPerLayer(a, d, bert.layers, bert.intermediateSize)) + adapterSharedParams(a, d, bert.layers)));
    return {
      name: `composition:${c.name}`,
      kind: 'composition',
      tasks: c.tasks,
      trainable,
      total: base.total + frozenAdapters + sum(perLayer) + shared + heads,
      percentOfBase: percent(trainable),
      perLayer,
      shared,
      heads: trainsHeads ? heads : 0,
      bytesPerTask: bytesOf(c.tasks, (t) => sum(perLayer) + shared + headOn(t, extra)),
    };
  });

  const baselines = (['full', 'head-only'] as const).filter((b) => config.baselines.includes(b));
  return {
    experiment: config.name,
    base: {
      description: baseDescription,
      layers: bert.layers,
      hiddenSize: d,
      heads: bert.heads,
      intermediateSize: bert.intermediateSize,
      vocabSize: bert.vocabSize,
      total: base.total,
      embeddings: base.embeddings,
      perLayer: base.perLayer,
      pooler: base.pooler,
      bytes: baseBytes,
    },
    rows: [...baselines.map(baselineRow), ...config.adapters.map(adapterRow), ...compositionRows],
    fullFineTuning,
  };
}
