// The frozen-prefix cache: with a frozen base, everything the encoder computes before the first place a trained
// weight acts never changes during a run — for head-only runs the whole encoder (the pooled vectors are cached),
// for an adapter run the embeddings and the layers below its first adapter (AdapterDrop specialised n: the first
// n layers), down to the block output an adapter reads. It is computed once per training example, in the first
// epoch, and read back in every later one. The validation split, evaluated after every epoch without dropout, gets a
// cache of its own (there it changes nothing at all).
//
// Dropout is off inside the cached prefix (it could not be cached otherwise). AdapterHub and BERT apply dropout
// in the frozen base during adapter training too, so this changes the regularisation of that part; the run's
// summary records it (`frozenPrefix`). Above the prefix dropout runs as configured. With dropout 0 cached and
// uncached training compute the same thing (test/train/frozenPrefix.test.ts).
//
// Memory: the cache lives in this run's trainer process only (one cache per run, so never shared across bases) and
// holds per example [tokens, d] floats (×2 at a block output: the block's input and output), or one [d] vector per
// pooling for head-only runs. If the training split would need more than `budgetBytes`, the run trains uncached.
//
// K-adapters (Wang et al. 2021) sit beside the base: in a composition that trains only heads on frozen K-adapters,
// what a head reads — [pooled base; pooled K-adapter outputs] — never changes either, so it is cached whole
// ((1 + K)·d floats per pooling), dropout off in the K-adapters too. With a Fuse over them the fusion trains and
// attends per token, so what is cached is per token instead: [base; K-adapter outputs], (1 + K)·d floats a token.
import type { FrozenPrefixInfo } from '../../common/runRecord';
import * as tf from '@tensorflow/tfjs';
import type { AdapterPosition, EncoderInput, ResumePoint } from '../model/bert';
import type { Classifier } from '../classifier/classifier';
import { pool } from '../model/heads';
import type { Pooling } from '../config/types';
import { alwaysDropped } from '../composition/adapterDrop';
import { sitesOf } from '../composition/setup';
import { type Example, disposeBatch, makeBatch } from './batches';

/** 256 MB: the reviews example needs ~40 MB at most (2,100 sentences × ~18 tokens × 128 floats × 2). */
export const DEFAULT_PREFIX_BUDGET_BYTES = 256 * 2 ** 20;

/**
 * Where the cached prefix ends: before layer `layer` ('input'), at the output of one of its blocks, pooled, or at the
 * base's last hidden states and the K-adapters' outputs per token ('plug-ins', under a Fuse over K-adapters).
 */
export type PrefixCut = { kind: 'layer'; layer: number; position: 'input' | AdapterPosition } | { kind: 'pooled' } | { kind: 'plug-ins' };

/** What the run record says about the cache. */
/** The options a setup may give the encoder that this module knows the meaning of; anything else disables it. */
const KNOWN_FORWARD_OPTIONS = new Set(['hook', 'linearHook', 'replicate', 'prefixHook']);

/** The cut for a run, or why the run cannot use a cache. */
export function frozenPrefixCut(model: Classifier): PrefixCut | { reason: string } {
  if (model.trainBase) return { reason: 'full fine-tuning trains the base' };
  const setup = model.setup;
  if (model.knowledge.length) {
    if (setup?.options.trainAdapters) return { reason: 'the K-adapter trains, and it reads the hidden states of every layer it plugs into' };
    if (model.knowledge.length !== setup?.modules.size) return { reason: 'K-adapters beside adapters inside the base' };
    if (model.knowledgeFusion) return { kind: 'plug-ins' };
    return model.trainHeads ? { kind: 'pooled' } : { reason: 'nothing is trained' };
  }
  if (!setup) return model.trainHeads ? { kind: 'pooled' } : { reason: 'nothing is trained' };
  if (setup.outputs > 1) return { reason: 'a Parallel setup replicates the batch inside the encoder' };
  const unknown = Object.keys(setup.forwardOptions(0, null)).filter((k) => !KNOWN_FORWARD_OPTIONS.has(k));
  if (unknown.length) return { reason: `the setup changes the encoder through ${unknown.join(', ')}` };
  // Robust AdapterDrop draws 0…L−1 skipped layers per batch: only what lies below every draw is frozen.
  const skip = alwaysDropped(setup.options.adapterDrop);
  for (let layer = skip; layer < setup.layers; layer++) {
    const first = sitesOf(layer).find((site) => setup.forward.acts(setup.tree, site));
    if (!first) continue;
    return { kind: 'layer', layer, position: first.kind === 'block' ? first.position : 'input' };
  }
  return { kind: 'pooled' };
}

export function describeCut(cut: PrefixCut): string {
  if (cut.kind === 'pooled') return 'the whole encoder and pooling (head-only)';
  if (cut.kind === 'plug-ins') return 'the whole encoder and the K-adapters beside it, per token';
  const where = cut.position === 'input' ? `the input of layer ${cut.layer}` : `the ${cut.position} block output of layer ${cut.layer}`;
  return `embeddings up to ${where}`;
}

interface Entry {
  tensors: Float32Array[]; // 'layer' cut: [tokens·d] × 1 or 2; pooled: [(1 + K)·d] per pooling; plug-ins: [tokens·(1 + K)·d]
}

export class FrozenPrefixCache {
  private readonly entries = new Map<number, Entry>();
  private readonly poolings: Pooling[];
  readonly hidden: number;
  /** Floats per pooling of a pooled cut, per token of a plug-ins cut: the base's d, and d more per K-adapter. */
  readonly pooledWidth: number;

  private constructor(
    readonly model: Classifier,
    readonly cut: PrefixCut,
    readonly examples: Example[],
    readonly padId: number,
    readonly bytes: number,
  ) {
    this.hidden = model.encoder.config.hiddenSize;
    this.pooledWidth = (1 + model.knowledge.length) * this.hidden;
    this.poolings = [...new Set(model.heads.map((h) => h.pooling))];
  }

  /** A cache for this run's training examples, or why there is none (`info` for the run record either way). */
  static forRun(
    model: Classifier,
    examples: Example[],
    padId: number,
    budgetBytes = DEFAULT_PREFIX_BUDGET_BYTES,
  ): { cache: FrozenPrefixCache | null; info: FrozenPrefixInfo } {
    const cut = frozenPrefixCut(model);
    if (!('kind' in cut)) return { cache: null, info: { used: false, reason: cut.reason } };
    const d = model.encoder.config.hiddenSize;
    const poolings = new Set(model.heads.map((h) => h.pooling)).size;
    const width = (1 + model.knowledge.length) * d;
    const perExample = (e: Example) =>
      cut.kind === 'pooled' ? poolings * width : cut.kind === 'plug-ins' ? e.ids.length * width : (cut.position === 'input' ? 1 : 2) * e.ids.length * d;
    const bytes = 4 * examples.reduce((n, e) => n + perExample(e), 0);
    if (bytes > budgetBytes) {
      return { cache: null, info: { used: false, reason: `the cache would need ${mb(bytes)}, more than its budget of ${mb(budgetBytes)}` } };
    }
    const dropoutOff =
      cut.kind === 'layer'
        ? 'the embeddings and layers below the cut'
        : model.knowledge.length
          ? 'the encoder and the K-adapters beside it'
          : 'the encoder (embeddings, attention, feed-forward)';
    const described = cut.kind === 'pooled' && model.knowledge.length ? 'the whole encoder, the K-adapters beside it and pooling' : describeCut(cut);
    return { cache: new FrozenPrefixCache(model, cut, examples, padId, bytes), info: { used: true, cut: described, dropoutOff, bytes, budgetBytes } };
  }

  /** Computes the prefix of the examples not cached yet (outside any gradient tape). */
  prepare(indices: number[]): void {
    const missing = indices.filter((i) => !this.entries.has(i));
    if (missing.length === 0) return;
    const batch = makeBatch(this.examples, missing, this.padId);
    const outputs = tf.tidy(() => this.compute(batch.input));
    const length = batch.input.ids.shape[1];
    const values = outputs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outputs);
    disposeBatch(batch);
    const w = this.pooledWidth;
    const d = this.cut.kind === 'plug-ins' ? w : this.hidden; // floats per token
    missing.forEach((exampleIndex, row) => {
      const tokens = this.examples[exampleIndex].ids.length;
      const tensors =
        this.cut.kind === 'pooled'
          ? values.map((v) => v.slice(row * w, (row + 1) * w))
          : values.map((v) => v.slice(row * length * d, (row * length + tokens) * d));
      this.entries.set(exampleIndex, { tensors });
    });
  }

  /**
   * Logits per head for a batch of these examples (prepared), as Classifier.logits computes them but starting from
   * the cache; dropoutSeed null = inference. `input` is the batch as makeBatch built it from `indices`.
   */
  logits(indices: number[], input: EncoderInput, dropoutRate: number, dropoutSeed: number | null): tf.Tensor2D[] {
    const model = this.model;
    if (this.cut.kind === 'pooled') {
      const pooled = this.poolings.map((_, p) => this.gather(indices, p, 1));
      return model.heads.map((head) => head.logits(pooled[this.poolings.indexOf(head.pooling)], dropoutRate, dropoutSeed));
    }
    const length = input.ids.shape[1];
    if (this.cut.kind === 'plug-ins') {
      // [base; K-adapter outputs] per token, split back; the fusion over them and the heads run as in the model.
      const cached = this.gather(indices, 0, length);
      const d = this.hidden;
      const [hidden, ...plugIns] = Array.from({ length: 1 + model.knowledge.length }, (_, i) => tf.slice(cached, [0, i * d], [-1, d]) as tf.Tensor2D);
      model.setup!.stepFusions(dropoutSeed);
      const features = model.headInputs(hidden, plugIns, input.mask, dropoutRate, dropoutSeed);
      return model.heads.map((head) => head.logits(features(hidden, head.pooling), dropoutRate, dropoutSeed));
    }
    const cut = this.cut;
    const hidden = this.gather(indices, 0, length);
    const resume: ResumePoint =
      cut.position === 'input'
        ? { layer: cut.layer, position: 'input', hidden }
        : { layer: cut.layer, position: cut.position, hidden, blockOutput: this.gather(indices, 1, length) };
    const encoded = model.encoder.forward(input, {
      trainBase: false,
      dropoutRate,
      dropoutSeed,
      ...model.setup?.forwardOptions(dropoutRate, dropoutSeed),
      resume,
    });
    return model.heads.map((head) => head.logits(pool(encoded, input.mask, head.pooling, this.pooler()), dropoutRate, dropoutSeed));
  }

  /** Cached arrays number `which` of the examples as [B·length, d] (pooled: [B, (1 + K)·d]), padding rows zero. */
  private gather(indices: number[], which: number, length: number): tf.Tensor2D {
    const d = this.cut.kind === 'layer' ? this.hidden : this.pooledWidth;
    const out = new Float32Array(indices.length * length * d);
    indices.forEach((exampleIndex, row) => {
      const entry = this.entries.get(exampleIndex);
      if (!entry) throw new Error(`example ${exampleIndex} has no cached prefix: call prepare() first`);
      out.set(entry.tensors[which], row * length * d);
    });
    return tf.tensor2d(out, [indices.length * length, d]);
  }

  /** The encoder's values at the cut for a batch: the tensors `prepare` stores, with dropout off. */
  private compute(input: EncoderInput): tf.Tensor2D[] {
    const encoder = this.model.encoder;
    const opts = { trainBase: false, dropoutRate: 0, dropoutSeed: null };
    if (this.cut.kind === 'pooled') return this.model.pooledFeatures(input, this.poolings, 0, null);
    if (this.cut.kind === 'plug-ins') {
      const { hidden, plugIns } = this.model.states(input, 0, null);
      return [tf.concat([hidden, ...plugIns], 1) as tf.Tensor2D];
    }
    const { layer, position } = this.cut;
    const [batch, length] = input.ids.shape;
    const additiveMask = tf.reshape(tf.mul(tf.sub(1, input.mask), -1e9), [batch, 1, 1, length]) as tf.Tensor4D;
    let h = encoder.embed(input, opts);
    for (let i = 0; i < layer; i++) h = encoder.layer(i, h, additiveMask, batch, length, opts);
    if (position === 'input') return [h];
    // Run the cut layer with a hook that records what the cut block read and produced (the rest is discarded).
    let captured: tf.Tensor2D[] = [];
    encoder.layer(layer, h, additiveMask, batch, length, {
      ...opts,
      hook: (l, p, blockOutput, blockInput) => {
        if (l === layer && p === position) captured = [blockInput, blockOutput];
        return blockOutput;
      },
    });
    return captured;
  }

  private pooler() {
    const w = this.model.encoder.weights;
    return { weight: w.get('bert.pooler.dense.weight') as tf.Tensor2D, bias: w.get('bert.pooler.dense.bias') as tf.Tensor1D, trainable: false };
  }
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
