// The independent judge of steered text: the full fine-tuning run of a classification experiment (every encoder
// weight and one head per task trained), read back from its folder. It never saw the adapters it judges.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config/types';
import { loadHead } from '../adapters/load';
import { Classifier } from '../classifier/classifier';
import { fromFamilyNames, fromTorchLayout } from '../io/adapterhub';
import { readRun } from '../io/runStore';
import { readWeightsFile } from '../io/weightsFile';
import { BertEncoder } from '../model/bert';
import { Weights } from '../model/weights';
import { disposeBatch, lengthSortedBatches, makeBatch } from '../train/batches';
import { ExperimentInputError, loadBase, loadExperimentData } from './experiment';

export interface Judge {
  /** The label field each task predicts (e.g. "sentiment") → its labels. */
  fields: Map<string, string[]>;
  /** Per field, the label predicted for each text. */
  classify(texts: string[]): Map<string, string[]>;
  dispose(): void;
}

export function openJudge(runDir: string): Judge {
  const record = readRun(runDir);
  if (record.type !== 'full' || record.status !== 'completed')
    throw new ExperimentInputError(
      `${runDir}: the judge is a completed full fine-tuning run of a classification experiment (this is ${record.name}, ${record.status})`,
    );
  const config = record.config as ExperimentConfig;
  const data = loadExperimentData(config);
  const base = loadBase(config, data);
  const encoder = new BertEncoder(base.config, new Weights(base.values));
  const file = path.join(runDir, 'model', 'model.safetensors');
  const tensors = fromFamilyNames(
    new Map([...readWeightsFile(file).tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])),
    base.config.modelType,
  );
  // A family without a pooler saves none: the base's stays.
  const present = new Weights(
    new Map(
      encoder.weights
        .entries()
        .filter(([n]) => tensors.has(n))
        .map(([n, v]) => [n, { shape: [...v.shape], data: new Float32Array(v.size) }]),
    ),
  );
  const values = fromTorchLayout(tensors, present);
  present.dispose();
  tf.tidy(() => {
    for (const [name, { data: d }] of values) encoder.weights.get(name).assign(tf.tensor(d, encoder.weights.get(name).shape));
  });
  const heads = config.tasks.map((t) => loadHead(path.join(runDir, 'heads', t.name), t.name, data.labels.get(t.name) ?? [], t.pooling, base.config.hiddenSize));
  const model = new Classifier(encoder, heads, null, false, false);
  const fields = new Map(config.tasks.map((t) => [t.field, data.labels.get(t.name) ?? []]));
  const maxLength = config.train.full.maxLength;
  return {
    fields,
    classify(texts) {
      const examples = texts.map((text) => ({ ids: base.tokenizer.encode(text, maxLength).ids, labels: [] as number[] }));
      const out = new Map(config.tasks.map((t) => [t.field, new Array<string>(texts.length)]));
      for (const indices of lengthSortedBatches(
        examples.map((e) => e.ids.length),
        32,
      )) {
        const batch = makeBatch(examples, indices, base.tokenizer.padId);
        const predicted = tf.tidy(() => model.logits(batch.input, 0, null).map((l) => Array.from(tf.argMax(l, -1).dataSync())));
        config.tasks.forEach((t, k) => indices.forEach((i, row) => (out.get(t.field)![i] = heads[k].labels[predicted[k][row]])));
        disposeBatch(batch);
      }
      return out;
    },
    dispose() {
      encoder.weights.dispose();
      heads.forEach((h) => h.weights.dispose());
    },
  };
}
