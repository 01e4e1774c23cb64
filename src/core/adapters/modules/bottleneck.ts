// Bottleneck adapters (Houlsby et al. 2019; Pfeiffer et al. 2021; He et al. 2022 for the parallel form):
// down-projection d→m, non-linearity, up-projection m→d. The up-projection starts at zero, so a new adapter
// leaves the base model's output unchanged and training starts from the pre-trained function.
import * as tf from '@tensorflow/tfjs';
import type { BottleneckAdapterSpec } from '../../config/types';
import type { AdapterPosition } from '../../model/bert';
import { activation, dense } from '../../model/ops';
import { normalValues, seedFor } from '../../model/init';
import { Weights } from '../../model/weights';
import { denseWeightShape } from '../../model/shapes';
import { fromTorchLayout, toTorchLayout } from '../../io/adapterhub';
import type { AdapterModule, Inner, Site } from './module';
import { METHODS } from '../methods/index';
import { bottleneckPositions } from '../methods/bottleneck';
import { bottleneckWidth } from '../methods/descriptor';

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
    const m = (this.size = bottleneckWidth(spec, hiddenSize));
    for (const layer of this.activeLayers()) {
      for (const position of bottleneckPositions(spec.method)) {
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
    return METHODS[this.spec.method].hubConfig(this.spec, this.spec.leaveOut, { hiddenSize, intermediateSize: 4 * hiddenSize, layers: this.layers });
  }
}
