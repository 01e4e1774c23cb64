// A tiny BERT (d = 8) on the project's chosen backend, for numerical tests.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/model/backend';
import { BertEncoder, type EncoderInput, initBertWeights } from '../../src/core/model/bert';
import { type BertConfig } from '../../src/core/model/shapes';
import { bertWeightShapes } from '../../src/core/model/shapes';
import { Weights } from '../../src/core/model/weights';
import type { BottleneckAdapterSpec } from '../../src/core/config/types';

export const TINY: BertConfig = {
  hiddenSize: 8,
  layers: 2,
  heads: 2,
  intermediateSize: 16,
  vocabSize: 20,
  maxPositions: 16,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
};

let ready: Promise<unknown> | undefined;
export function backendReady(): Promise<unknown> {
  ready ??= selectBackend(process.env.ADAPTERLAB_TEST_BACKEND === 'cpu' ? 'cpu' : 'auto');
  return ready;
}

export function tinyEncoder(seed = 1, config: BertConfig = TINY): BertEncoder {
  const shapes = bertWeightShapes(config);
  const values = new Map([...initBertWeights(config, seed)].map(([n, data]) => [n, { shape: shapes.get(n) as number[], data }]));
  return new BertEncoder(config, new Weights(values));
}

/** Two sentences of lengths 5 and 3 (padded), ids < vocab. */
export function tinyInput(): EncoderInput {
  return {
    ids: tf.tensor2d(
      [
        [2, 5, 7, 9, 3],
        [2, 11, 3, 0, 0],
      ],
      [2, 5],
      'int32',
    ),
    typeIds: tf.zeros([2, 5], 'int32') as tf.Tensor2D,
    mask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ],
      [2, 5],
      'float32',
    ),
  };
}

export function adapterSpec(over: Partial<BottleneckAdapterSpec> = {}): BottleneckAdapterSpec {
  return {
    name: 'a',
    method: 'houlsby',
    task: 't',
    bottleneckSize: 4,
    reductionFactor: 2,
    nonLinearity: 'relu',
    leaveOut: [],
    scaling: 1,
    initStd: 0.01,
    ...over,
  };
}
