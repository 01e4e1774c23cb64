// The model a run trains: a BERT encoder, optionally an adapter setup plugged into its layers (a single adapter, or
// a composition), and one head per task. With a Parallel setup the encoder returns one copy of the batch per
// branch, and head p reads copy p. K-adapters sit beside the encoder: they read its hidden states, and each head
// reads the pooled base output concatenated with each K-adapter's pooled output (Wang et al. 2021), or with the
// pooled output of a Fuse over them (composition/fusion.ts's fuseKnowledge).
import * as tf from '@tensorflow/tfjs';
import type { AdapterModule } from '../adapters/modules/module';
import { type KAdapter, isKAdapter } from '../adapters/modules/kAdapter';
import type { FusionLayer } from '../composition/fusion';
import { knowledgeFuse } from '../composition/knowledge';
import { AdapterSetup } from '../composition/setup';
import { fusionName } from '../composition/tree';
import type { BertEncoder, EncoderInput } from '../model/bert';
import { type ClassificationHead, pool } from '../model/heads';
import type { Pooling } from '../config/types';

export class Classifier {
  readonly setup: AdapterSetup | null;
  /** The setup's K-adapters, in its order: their outputs follow the base's in what the heads read. */
  readonly knowledge: KAdapter[];
  /** The setup's Fuse over its K-adapters, if it is one: the heads read [base; fused] instead of [base; each]. */
  readonly knowledgeFusion: FusionLayer | null;

  /** `adapter`: one adapter to train, or a setup of several. `trainHeads` false: the heads stay as loaded. */
  constructor(
    readonly encoder: BertEncoder,
    readonly heads: ClassificationHead[],
    adapter: AdapterModule | AdapterSetup | null,
    readonly trainBase: boolean,
    readonly trainHeads = true,
  ) {
    this.setup = adapter instanceof AdapterSetup || adapter === null ? adapter : AdapterSetup.single(adapter, encoder.config.layers);
    this.knowledge = this.setup ? [...this.setup.modules.values()].filter(isKAdapter) : [];
    const setup = this.setup;
    const fuse = setup && knowledgeFuse(setup.tree, (n) => isKAdapter(setup.modules.get(n)!));
    this.knowledgeFusion = (fuse && setup.fusions.get(fusionName(fuse))) ?? null;
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
    const { hidden, features } = this.encode(input, dropoutRate, dropoutSeed);
    const outputs = this.setup?.outputs ?? 1;
    const rows = hidden.shape[0] / outputs;
    const branch = (i: number) => (outputs === 1 ? hidden : (tf.slice(hidden, [i * rows, 0], [rows, -1]) as tf.Tensor2D));
    return this.heads.map((head, i) => head.logits(features(branch(outputs === 1 ? 0 : i), head.pooling), dropoutRate, dropoutSeed));
  }

  /** What the heads read, one [B, (1 + K-adapters)·d] per pooling (one-output setups): the frozen-prefix cache stores it. */
  pooledFeatures(input: EncoderInput, poolings: readonly Pooling[], dropoutRate: number, dropoutSeed: number | null): tf.Tensor2D[] {
    const { hidden, features } = this.encode(input, dropoutRate, dropoutSeed);
    return poolings.map((p) => features(hidden, p));
  }

  /** The base's last hidden states, and how a head's input is pooled from them (and the K-adapters' outputs). */
  private encode(
    input: EncoderInput,
    dropoutRate: number,
    dropoutSeed: number | null,
  ): { hidden: tf.Tensor2D; features: (h: tf.Tensor2D, pooling: Pooling) => tf.Tensor2D } {
    const { hidden, plugIns } = this.states(input, dropoutRate, dropoutSeed);
    return { hidden, features: this.headInputs(hidden, plugIns, input.mask, dropoutRate, dropoutSeed) };
  }

  /** The base's last hidden states [B·T, d] and each K-adapter's output beside them, per token, in setup order. */
  states(input: EncoderInput, dropoutRate: number, dropoutSeed: number | null): { hidden: tf.Tensor2D; plugIns: tf.Tensor2D[] } {
    const states = new Map<number, tf.Tensor2D>();
    const hidden = this.encoder.forward(input, {
      trainBase: this.trainBase,
      dropoutRate,
      dropoutSeed,
      ...this.setup?.forwardOptions(dropoutRate, dropoutSeed),
      ...(this.knowledge.length > 0 && { hiddenStates: (index: number, h: tf.Tensor2D) => states.set(index, h) }),
    });
    const stateAt = (index: number) => {
      const h = states.get(index);
      if (!h)
        throw new Error(
          `a K-adapter reads hidden state ${index}, but the base has ${this.encoder.config.layers} layers (states 0…${this.encoder.config.layers})`,
        );
      return h;
    };
    const pass = { mask: input.mask, trainable: this.setup?.options.trainAdapters ?? false, dropoutRate, dropoutSeed };
    return { hidden, plugIns: this.knowledge.map((k) => k.output(stateAt, pass)) };
  }

  /**
   * How a head's input is pooled from hidden states [B·T, d] and the K-adapters' outputs: [base; each K-adapter]
   * (Concat, or one K-adapter), or [base; their fusion] with a Fuse over them, whose query is `hidden`.
   */
  headInputs(
    hidden: tf.Tensor2D,
    plugIns: tf.Tensor2D[],
    mask: tf.Tensor2D,
    dropoutRate: number,
    dropoutSeed: number | null,
  ): (h: tf.Tensor2D, pooling: Pooling) => tf.Tensor2D {
    const w = this.encoder.weights;
    const pooler = {
      weight: w.get('bert.pooler.dense.weight') as tf.Tensor2D,
      bias: w.get('bert.pooler.dense.bias') as tf.Tensor1D,
      trainable: this.trainBase,
    };
    const fusion = this.knowledgeFusion;
    const beside = fusion ? [fusion.fuseKnowledge(hidden, plugIns, this.setup!.fusionDropout(dropoutRate, dropoutSeed))] : plugIns;
    // A plug-in's output has no pooler of its own: with pooler pooling its [CLS] row is read.
    return (h, pooling) =>
      beside.length === 0
        ? pool(h, mask, pooling, pooler)
        : (tf.concat([pool(h, mask, pooling, pooler), ...beside.map((o) => pool(o, mask, pooling === 'pooler' ? 'cls' : pooling, pooler))], 1) as tf.Tensor2D);
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
