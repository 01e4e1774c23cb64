// A run's configuration as the Compare view lists it: "path → value" for the settings that made this run.
import type { ExperimentConfig } from '../config/types';
import type { RunRecord } from '../../common/runRecord';
import { flatten } from '../../common/comparison';

/** What a run trained with: the experiment's shared settings plus the ones of its own type and adapter. */
export function runConfigView(record: Pick<RunRecord, 'name' | 'type' | 'experiment' | 'config' | 'backend'>): Record<string, string> {
  const config = (record.config ?? {}) as Partial<ExperimentConfig>;
  const view: Record<string, unknown> = { experiment: record.experiment, type: record.type, backend: record.backend };
  if (config.base) view.base = config.base;
  if (config.data) view.data = config.data;
  if (config.split) view.split = config.split;
  if (config.seed !== undefined) view.seed = config.seed;
  if (config.tasks) view.tasks = config.tasks.map((t) => t.name).join(', ');
  const own = record.name.slice(record.name.indexOf(':') + 1);
  let ownTrain: object | undefined; // an adapter's own train options, shown merged into "train" (what the run used)
  if (record.type === 'adapter') {
    const adapter = config.adapters?.find((a) => a.name === own);
    if (adapter) {
      const { train, ...rest } = adapter;
      view.adapter = rest;
      ownTrain = train;
    }
  }
  if (record.type === 'composition') {
    const c = config.compositions?.find((x) => x.name === own);
    if (c) view.composition = { setup: c.setupText, tasks: c.tasks.join(', '), fusion: c.fusion, trainHeads: c.trainHeads, adapterDrop: c.adapterDrop };
  }
  if (record.type !== 'pretrain') {
    const ofType = (config.train as Partial<Record<string, object>> | undefined)?.[record.type];
    view.train = ofType || ownTrain ? { ...ofType, ...ownTrain } : undefined;
  }
  return flatten(view);
}
