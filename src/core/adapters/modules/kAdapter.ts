// K-Adapter (Wang et al. 2021), the TensorFlow.js module: a plug-in beside the frozen base (see ../methods/kAdapter.ts).
// Adapter layer j:  fused = h[readLayers[j]] + out_{j−1}   (out_{−1} = 0)
//                   out_j = fused + up(N transformer layers(down(fused)))
// as in the paper's code. It changes nothing inside the base (`acts` is false at every site): the classifier hands
// it the base's hidden states and concatenates its last output with the base's for the heads.
// Tensors: k_adapters.{name}.adapter.{j}.down_project / encoder.layer.{n}.* (BERT naming) / up_project.
import * as tf from '@tensorflow/tfjs';
import type { AdapterSpecOf } from '../../config/types';
import { fromTorchLayout, toTorchLayout } from '../../io/adapterhub';
import { BertEncoder, initBertWeights } from '../../model/bert';
import { normalValues, seedFor } from '../../model/init';
import { dense } from '../../model/ops';
import { type BertConfig, bertWeightShapes, denseWeightShape } from '../../model/shapes';
import { Weights } from '../../model/weights';
import type { EncoderDims } from '../methods/descriptor';
import { METHODS } from '../methods/index';
import { readLayersOf } from '../methods/kAdapter';
import type { AdapterModule, Inner, Site } from './module';

export type KAdapterSpec = AdapterSpecOf<'k-adapter'>;

export const kAdapterPrefix = (name: string, j: number) => `k_adapters.${name}.adapter.${j}`;

/** What one forward pass of the plug-in needs besides the base's hidden states. */
export interface PlugInPass {
  mask: tf.Tensor2D; // [B, T], 1 = token
  trainable: boolean; // false: the adapter is frozen (a downstream run of a knowledge adapter)
  dropoutRate: number;
  dropoutSeed: number | null;
}

export class KAdapter implements AdapterModule {
  readonly weights = new Weights();
  /** The base hidden state each adapter layer reads, in order. */
  readonly readLayers: number[];
  private readonly layers: BertEncoder[];

  constructor(
    readonly spec: KAdapterSpec,
    readonly dims: EncoderDims,
    seed: number,
  ) {
    const d = dims.hiddenSize;
    const m = spec.adapterSize;
    this.readLayers = readLayersOf(spec, dims.layers);
    const inner: BertConfig = {
      hiddenSize: m,
      layers: spec.transformerLayers,
      heads: spec.heads,
      intermediateSize: spec.intermediateSize,
      vocabSize: 0,
      maxPositions: 0,
      typeVocabSize: 0,
      layerNormEps: 1e-12,
    };
    const shapes = bertWeightShapes(inner);
    this.layers = this.readLayers.map((_, j) => {
      const p = kAdapterPrefix(spec.name, j);
      this.weights.set(`${p}.down_project.weight`, denseWeightShape(d, m), normalValues(d * m, spec.initStd, seedFor(seed, `${p}.down_project`)));
      this.weights.set(`${p}.down_project.bias`, [m], new Float32Array(m));
      // BERT's own initialisation for the small transformer layers, as the paper's code builds them with BertEncoder.
      for (const [name, data] of initBertWeights(inner, seedFor(seed, p)))
        if (name.startsWith('bert.encoder.layer.')) this.weights.set(name.replace('bert.', `${p}.`), shapes.get(name)!, data);
      this.weights.set(`${p}.up_project.weight`, denseWeightShape(m, d), normalValues(m * d, spec.initStd, seedFor(seed, `${p}.up_project`)));
      this.weights.set(`${p}.up_project.bias`, [d], new Float32Array(d));
      return new BertEncoder(inner, this.weights, `${p}.encoder.layer`);
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return this.spec.method;
  }

  /** Outside the base: no site of it changes. */
  acts(): boolean {
    return false;
  }

  transform(_site: Site, x: tf.Tensor2D, inner: Inner): tf.Tensor2D {
    return inner(x);
  }

  /** The last adapter layer's output [B·T, d], from the base's hidden states `hidden(i)` (hidden_states numbering). */
  output(hidden: (index: number) => tf.Tensor2D, pass: PlugInPass): tf.Tensor2D {
    const [batch, length] = pass.mask.shape;
    const additiveMask = tf.reshape(tf.mul(tf.sub(1, pass.mask), -1e9), [batch, 1, 1, length]) as tf.Tensor4D;
    let previous: tf.Tensor2D | null = null;
    for (const [j, index] of this.readLayers.entries()) {
      const p = kAdapterPrefix(this.spec.name, j);
      const w = (n: string) => this.weights.get(`${p}.${n}`);
      const fused: tf.Tensor2D = previous ? tf.add(hidden(index), previous) : hidden(index);
      let h = dense(fused, w('down_project.weight') as tf.Tensor2D, w('down_project.bias') as tf.Tensor1D, pass.trainable);
      const opts = {
        trainBase: pass.trainable,
        dropoutRate: pass.dropoutRate,
        dropoutSeed: pass.dropoutSeed === null ? null : seedFor(pass.dropoutSeed, p),
      };
      for (let n = 0; n < this.spec.transformerLayers; n++) h = this.layers[j].layer(n, h, additiveMask, batch, length, opts);
      previous = tf.add(fused, dense(h, w('up_project.weight') as tf.Tensor2D, w('up_project.bias') as tf.Tensor1D, pass.trainable)) as tf.Tensor2D;
    }
    if (!previous) throw new Error(`K-adapter "${this.spec.name}" reads no hidden state: give readLayers at least one`);
    return previous;
  }

  exportTensors() {
    return toTorchLayout(this.weights);
  }

  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void {
    this.weights.restore(fromTorchLayout(tensors, this.weights));
  }

  hubConfig(hiddenSize: number): Record<string, unknown> {
    return METHODS['k-adapter'].hubConfig(this.spec, [], { ...this.dims, hiddenSize });
  }
}

export function isKAdapter(module: AdapterModule): module is KAdapter {
  return module instanceof KAdapter;
}
