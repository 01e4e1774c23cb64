// Prefix tuning (Li & Liang 2021), as AdapterHub's PrefixTuning: `prefixLength` learned key and value positions in
// front of every layer's own keys and values, attended to by every token and never masked. Trained through a
// re-parameterisation MLP over a prefix embedding E [P, d]:
//     kv = act(E·W₁ + b₁)·W₂ + b₂        [P, n·2·d]: every layer's keys and values at once (n = layers with a prefix)
// then used flat at inference: `eject` replaces the MLP by its output (AdapterHub's eject_prefix_tuning). Column
// block 2j of kv holds the keys of the j-th layer with a prefix and 2j+1 its values, head h in columns h·dh… of each
// block (AdapterHub's view(P, n·2, heads, dh)). The base is untouched: a prefix only adds attention positions.
// Files hold AdapterHub's names under `bert.prefix_tuning.prefix_tunings.{name}.self_prefix.`: wte.weight [P, d],
// control_trans.0.weight [b, d], control_trans.0.bias, control_trans.2.weight [n·2·d, b], control_trans.2.bias; or
// flat, control_trans [P·n·2·d].
import * as tf from '@tensorflow/tfjs';
import { METHODS } from '../methods/index';
import type { PrefixAdapterSpec } from '../../config/types';
import type { TensorToWrite } from '../../io/safetensors';
import { transpose2d } from '../../io/adapterhub';
import { createRng } from '../../data/random';
import { normalValues, seedFor } from '../../model/init';
import { activation, dense, dropout } from '../../model/ops';
import { Weights } from '../../model/weights';
import { type AdapterModule, type Inner, type Site, restoreWeights } from './module';
import type { EncoderDims } from '../methods/descriptor';

export const prefixTuningPrefix = (name: string) => `bert.prefix_tuning.prefix_tunings.${name}.self_prefix`;
const isLinear = (name: string) => /\.control_trans\.\d\.weight$/.test(name);

/** A prefix's keys and values for one layer, [P, d] each. */
export interface LayerPrefix {
  keys: tf.Tensor2D;
  values: tf.Tensor2D;
}

export class PrefixAdapter implements AdapterModule {
  readonly weights = new Weights();
  /** Layers with a prefix, in order: layer → its column block j. */
  private readonly blocks = new Map<number, number>();
  private flat: boolean;

  constructor(
    readonly spec: PrefixAdapterSpec,
    readonly dims: EncoderDims,
    seed: number,
  ) {
    for (let layer = 0; layer < dims.layers; layer++) if (!spec.leaveOut.includes(layer)) this.blocks.set(layer, this.blocks.size);
    this.flat = spec.flat;
    const p = prefixTuningPrefix(spec.name);
    const [d, b, P, out] = [dims.hiddenSize, spec.bottleneckSize, spec.prefixLength, this.width];
    // PyTorch's defaults, as AdapterHub leaves them: nn.Embedding and torch.randn N(0, 1), nn.Linear U(±1/√in).
    if (this.flat) {
      this.weights.set(`${p}.control_trans`, [P * out], normalValues(P * out, 1, seedFor(seed, `${p}.control_trans`)));
      return;
    }
    const uniform = (name: string, count: number, inputs: number) => {
      const rng = createRng(seedFor(seed, name));
      return Float32Array.from({ length: count }, () => (2 * rng() - 1) / Math.sqrt(inputs));
    };
    this.weights.set(`${p}.wte.weight`, [P, d], normalValues(P * d, 1, seedFor(seed, `${p}.wte.weight`)));
    this.weights.set(`${p}.control_trans.0.weight`, [d, b], uniform(`${p}.control_trans.0.weight`, d * b, d));
    this.weights.set(`${p}.control_trans.0.bias`, [b], uniform(`${p}.control_trans.0.bias`, b, d));
    this.weights.set(`${p}.control_trans.2.weight`, [b, out], uniform(`${p}.control_trans.2.weight`, b * out, b));
    this.weights.set(`${p}.control_trans.2.bias`, [out], uniform(`${p}.control_trans.2.bias`, out, b));
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return 'prefix';
  }

  /** Columns of kv: keys and values of every layer with a prefix. */
  get width(): number {
    return this.blocks.size * 2 * this.dims.hiddenSize;
  }

  /** True once the prefix is held flat (configured so, or ejected). */
  get isFlat(): boolean {
    return this.flat;
  }

  acts(site: Site): boolean {
    return site.kind === 'prefix' && this.blocks.has(site.layer);
  }

  /** A prefix adds attention positions; it changes no block or dense layer. */
  transform(_site: Site, x: tf.Tensor2D, inner: Inner): tf.Tensor2D {
    return inner(x);
  }

  /** kv [P, n·2·d] for one forward pass; `dropoutSeed` null = inference (no dropout). */
  keyValues(dropoutSeed: number | null): tf.Tensor2D {
    const p = prefixTuningPrefix(this.spec.name);
    const kv = this.flat
      ? (tf.reshape(this.weights.get(`${p}.control_trans`), [this.spec.prefixLength, this.width]) as tf.Tensor2D)
      : dense(
          activation(
            this.spec.nonLinearity,
            dense(
              this.weights.get(`${p}.wte.weight`) as tf.Tensor2D,
              this.weights.get(`${p}.control_trans.0.weight`) as tf.Tensor2D,
              this.weights.get(`${p}.control_trans.0.bias`) as tf.Tensor1D,
              true,
            ),
          ),
          this.weights.get(`${p}.control_trans.2.weight`) as tf.Tensor2D,
          this.weights.get(`${p}.control_trans.2.bias`) as tf.Tensor1D,
          true,
        );
    return dropout(kv, this.spec.dropout, dropoutSeed === null ? null : seedFor(dropoutSeed, p));
  }

  /** One layer's keys and values out of a pass's kv. */
  layerPrefix(kv: tf.Tensor2D, layer: number): LayerPrefix {
    const j = this.blocks.get(layer);
    if (j === undefined) throw new Error(`prefix "${this.spec.name}" has no prefix in layer ${layer}`);
    const d = this.dims.hiddenSize;
    return { keys: tf.slice(kv, [0, 2 * j * d], [-1, d]), values: tf.slice(kv, [0, (2 * j + 1) * d], [-1, d]) };
  }

  /** Replaces the MLP by the prefix it computes (AdapterHub's eject_prefix_tuning): same output, no MLP at inference. */
  eject(): void {
    if (this.flat) return;
    const kv = tf.tidy(() => this.keyValues(null).dataSync() as Float32Array);
    this.weights.dispose();
    this.weights.set(`${prefixTuningPrefix(this.spec.name)}.control_trans`, [kv.length], kv);
    this.flat = true;
  }

  exportTensors(): Record<string, TensorToWrite> {
    const out: Record<string, TensorToWrite> = {};
    for (const [name, { shape, data }] of this.weights.snapshot()) {
      out[name] = isLinear(name) ? { dtype: 'F32', shape: [shape[1], shape[0]], data: transpose2d(data, shape[0], shape[1]) } : { dtype: 'F32', shape, data };
    }
    return out;
  }

  /** Either form: a file with the flat prefix (saved after eject, or trained flat) makes this adapter flat. */
  importTensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): void {
    if (!this.flat && tensors.has(`${prefixTuningPrefix(this.spec.name)}.control_trans`)) {
      this.weights.dispose();
      this.weights.set(
        `${prefixTuningPrefix(this.spec.name)}.control_trans`,
        [this.spec.prefixLength * this.width],
        new Float32Array(this.spec.prefixLength * this.width),
      );
      this.flat = true;
    }
    // The MLP's Linear weights are saved [out, in] as PyTorch keeps them; ours are [in, out].
    const ours = new Map(
      [...tensors].map(
        ([name, t]) =>
          [name, isLinear(name) && t.shape.length === 2 ? { shape: [t.shape[1], t.shape[0]], data: transpose2d(t.data, t.shape[0], t.shape[1]) } : t] as const,
      ),
    );
    restoreWeights(this.weights, ours, (shape) => shape);
  }

  /** AdapterHub's PrefixTuningConfig fields. */
  hubConfig(): Record<string, unknown> {
    return METHODS.prefix.hubConfig({ ...this.spec, flat: this.flat }, this.spec.leaveOut, this.dims); // flat once ejected
  }
}
