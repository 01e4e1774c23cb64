// The model a run trains: a BERT encoder, optionally an adapter setup plugged into its layers (a single adapter, or
// a composition), and one head per task. With a Parallel setup the encoder returns one copy of the batch per
// branch, and head p reads copy p.
import * as tf from '@tensorflow/tfjs';
import type { AdapterModule } from '../adapters/modules/module';
import { AdapterSetup } from '../composition/setup';
import type { BertEncoder, EncoderInput } from '../model/bert';
import { type ClassificationHead, pool } from '../model/heads';

export class Classifier {
  readonly setup: AdapterSetup | null;

  /** `adapter`: one adapter to train, or a setup of several. `trainHeads` false: the heads stay as loaded. */
  constructor(
    readonly encoder: BertEncoder,
    readonly heads: ClassificationHead[],
    adapter: AdapterModule | AdapterSetup | null,
    readonly trainBase: boolean,
    readonly trainHeads = true,
  ) {
    this.setup = adapter instanceof AdapterSetup || adapter === null ? adapter : AdapterSetup.single(adapter, encoder.config.layers);
    const outputs = this.setup?.outputs ?? 1;
    if (outputs > 1 && heads.length !== outputs) throw new Error(`a Parallel setup with ${outputs} branches needs ${outputs} heads, got ${heads.length}`);
  }

  /** Name → variable of every weight that gets gradients in this run. */
  trainable(): [string, tf.Variable][] {
    const usesPooler = this.heads.some((h) => h.pooling === 'pooler');
    const base = this.encoder.weights.entries().filter(([name]) => usesPooler || !name.startsWith('bert.pooler.'));
    return [
      ...(this.trainBase ? base : []),
      ...(this.setup ? this.setup.trainable() : []),
      ...(this.trainHeads ? this.heads.flatMap((h) => h.weights.entries()) : []),
    ];
  }

  /** Logits per head, [B, labels]; dropoutSeed null = inference. */
  logits(input: EncoderInput, dropoutRate: number, dropoutSeed: number | null): tf.Tensor2D[] {
    const hidden = this.encoder.forward(input, {
      trainBase: this.trainBase,
      dropoutRate,
      dropoutSeed,
      ...this.setup?.forwardOptions(dropoutRate, dropoutSeed),
    });
    const w = this.encoder.weights;
    const pooler = {
      weight: w.get('bert.pooler.dense.weight') as tf.Tensor2D,
      bias: w.get('bert.pooler.dense.bias') as tf.Tensor1D,
      trainable: this.trainBase,
    };
    const outputs = this.setup?.outputs ?? 1;
    const rows = hidden.shape[0] / outputs;
    const branch = (i: number) => (outputs === 1 ? hidden : (tf.slice(hidden, [i * rows, 0], [rows, -1]) as tf.Tensor2D));
    return this.heads.map((head, i) => head.logits(pool(branch(outputs === 1 ? 0 : i), input.mask, head.pooling, pooler), dropoutRate, dropoutSeed));
  }

  /**
   * Runs an inference pass (evaluation, `run-model`): an adapter that merges into the frozen weights (LoRA, IA³, ARC)
   * runs merged for its duration (adapters/mergedInference.ts). Weights must not change inside `pass`.
   */
  inference<T>(pass: () => T): T {
    return this.setup ? this.setup.inferencePass(this.encoder.weights, pass) : pass();
  }

  /** `inference` split in two: starts the merged state and returns its end (the benchmark times batches inside). */
  beginInference(): () => void {
    return this.setup ? this.setup.beginInference(this.encoder.weights) : () => undefined;
  }

  /** Terms added to the training loss besides the task losses (AdapterFusion's regularisation). */
  auxiliaryLosses(): tf.Scalar[] {
    return this.setup?.regularization() ?? [];
  }
}
