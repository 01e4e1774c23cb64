// Bottleneck adapters (Houlsby et al. 2019; Pfeiffer et al. 2021; He et al. 2022 for the parallel form):
// down-projection d→m, non-linearity, up-projection m→d. The up-projection starts at zero, so a new adapter
// leaves the base model's output unchanged and training starts from the pre-trained function.
import * as tf from '@tensorflow/tfjs';
import type { BottleneckAdapterSpec } from '../config/types';
import type { AdapterPosition } from '../model/bert';
import { activation, batchMatMul, dense } from '../model/ops';
import { normalValues, seedFor } from '../model/init';
import { Weights, denseWeightShape } from '../model/weights';
import { fromTorchLayout, toTorchLayout } from '../io/adapterhub';
import type { AdapterModule, Inner, Site } from './module';

import { adapterPositions, bottleneckSize } from './methods';

export { adapterPositions, bottleneckSize };

/** AdapterHub's tensor prefix for an adapter at a position of a BERT layer. */
export function adapterPrefix(layer: number, position: AdapterPosition, name: string): string {
  const module = position === 'attention' ? 'attention.output' : 'output';
  return `bert.encoder.layer.${layer}.${module}.adapters.${name}`;
}

export class BottleneckAdapter implements AdapterModule {
  readonly weights = new Weights();
  readonly size: number;

  constructor(
    readonly spec: BottleneckAdapterSpec,
    readonly hiddenSize: number,
    readonly layers: number,
    seed: number,
  ) {
    const m = (this.size = bottleneckSize(spec, hiddenSize));
    for (const layer of this.activeLayers()) {
      for (const position of adapterPositions(spec.method)) {
        const p = adapterPrefix(layer, position, spec.name);
        const downShape = denseWeightShape(hiddenSize, m);
        this.weights.set(`${p}.adapter_down.0.weight`, downShape, normalValues(hiddenSize * m, spec.initStd, seedFor(seed, p)));
        this.weights.set(`${p}.adapter_down.0.bias`, [m], new Float32Array(m));
        this.weights.set(`${p}.adapter_up.weight`, denseWeightShape(m, hiddenSize), new Float32Array(m * hiddenSize));
        this.weights.set(`${p}.adapter_up.bias`, [hiddenSize], new Float32Array(hiddenSize));
      }
    }
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return this.spec.method;
  }

  activeLayers(): number[] {
    return Array.from({ length: this.layers }, (_, i) => i).filter((i) => !this.spec.leaveOut.includes(i));
  }

  has(layer: number, position: AdapterPosition): boolean {
    return this.weights.has(`${adapterPrefix(layer, position, this.spec.name)}.adapter_up.weight`);
  }

  acts(site: Site): boolean {
    return site.kind === 'block' && this.has(site.layer, site.position);
  }

  transform(site: Site, x: tf.Tensor2D, inner: Inner, blockInput: tf.Tensor2D | null): tf.Tensor2D {
    const hidden = inner(x);
    if (site.kind !== 'block') return hidden;
    return this.apply(site.layer, site.position, hidden, blockInput ?? hidden);
  }

  /**
   * The block output with this adapter applied. Sequential (houlsby, pfeiffer): h + up(f(down(h))).
   * Parallel: the adapter reads the block's input and its scaled output is added beside the block.
   */
  apply(layer: number, position: AdapterPosition, hidden: tf.Tensor2D, blockInput: tf.Tensor2D): tf.Tensor2D {
    if (!this.has(layer, position)) return hidden;
    const p = adapterPrefix(layer, position, this.spec.name);
    const w = (n: string) => this.weights.get(`${p}.${n}`);
    const input = this.spec.method === 'parallel' ? blockInput : hidden;
    const down = activation(this.spec.nonLinearity, dense(input, w('adapter_down.0.weight') as tf.Tensor2D, w('adapter_down.0.bias') as tf.Tensor1D, true));
    const up = dense(down, w('adapter_up.weight') as tf.Tensor2D, w('adapter_up.bias') as tf.Tensor1D, true);
    return tf.add(hidden, this.spec.scaling === 1 ? up : tf.mul(up, this.spec.scaling));
  }

  exportTensors() {
    return toTorchLayout(this.weights);
  }

  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void {
    this.weights.restore(fromTorchLayout(tensors, this.weights));
  }

  /** AdapterHub's BnConfig fields. */
  hubConfig(hiddenSize: number): Record<string, unknown> {
    const spec = this.spec;
    return {
      architecture: 'bottleneck',
      mh_adapter: spec.method === 'houlsby',
      output_adapter: true,
      reduction_factor: hiddenSize / this.size,
      non_linearity: spec.nonLinearity,
      original_ln_before: spec.method !== 'houlsby',
      original_ln_after: true,
      residual_before_ln: true,
      ln_before: false,
      ln_after: false,
      init_weights: 'bert',
      is_parallel: spec.method === 'parallel',
      scaling: spec.scaling,
      use_gating: false,
      leave_out: spec.leaveOut,
    };
  }
}

/**
 * Several sequential bottleneck adapters of one shape on consecutive equal row blocks of `hidden` (one block per
 * adapter: a Parallel setup's copies), as one batched computation: their weights stacked, the rows viewed as
 * [copies, n, d]. Gives what applying each to its own block does, without cutting and joining the rows (slow on
 * wasm). Null when the adapters differ in shape, activation or scaling, or read the block input (method parallel).
 */
export function applyStacked(adapters: BottleneckAdapter[], layer: number, position: AdapterPosition, hidden: tf.Tensor2D): tf.Tensor2D | null {
  const [first] = adapters;
  const same = (a: BottleneckAdapter) =>
    a.spec.method !== 'parallel' && a.has(layer, position) && a.spec.nonLinearity === first.spec.nonLinearity && a.spec.scaling === first.spec.scaling && a.size === first.size;
  if (!adapters.every(same)) return null;
  const copies = adapters.length;
  const [rows, d] = [hidden.shape[0] / copies, hidden.shape[1]];
  const stacked = (n: string) => tf.stack(adapters.map((a) => a.weights.get(`${adapterPrefix(layer, position, a.spec.name)}.${n}`)));
  const x = tf.reshape(hidden, [copies, rows, d]) as tf.Tensor3D;
  const downLinear = tf.add(batchMatMul(x, stacked('adapter_down.0.weight') as tf.Tensor3D), tf.expandDims(stacked('adapter_down.0.bias'), 1)) as tf.Tensor3D; // [copies, n, m]
  const down = tf.reshape(activation(first.spec.nonLinearity, tf.reshape(downLinear, [copies * rows, -1]) as tf.Tensor2D), [copies, rows, -1]) as tf.Tensor3D;
  const up = tf.add(batchMatMul(down, stacked('adapter_up.weight') as tf.Tensor3D), tf.expandDims(stacked('adapter_up.bias'), 1));
  return tf.reshape(tf.add(x, first.spec.scaling === 1 ? up : tf.mul(up, first.spec.scaling)), [copies * rows, d]) as tf.Tensor2D;
}
