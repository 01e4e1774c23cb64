// A small K-adapter for the tiny encoder (test/helpers/tiny.ts) and comparisons of 2-D outputs, shared by the
// K-adapter tests.
import type * as tf from '@tensorflow/tfjs';
import type { AdapterSpecOf } from '../../src/core/config/types';

/** Reads hidden states 0 and 2, two transformer layers 4 wide; knowledge and task are the tests' own. */
export const K_ADAPTER_SPEC: AdapterSpecOf<'k-adapter'> = {
  name: 'ling',
  method: 'k-adapter',
  task: 't',
  leaveOut: [],
  knowledgeExamples: 8000,
  readLayers: [0, 2],
  transformerLayers: 2,
  adapterSize: 4,
  heads: 2,
  intermediateSize: 6,
  initStd: 0.0002,
};

export const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, r) => row.map((v, i) => Math.abs(v - b[r][i]))));
export const rows = (t: tf.Tensor) => t.arraySync() as number[][];
