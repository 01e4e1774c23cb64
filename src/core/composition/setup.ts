// An active adapter setup on an encoder: the tree, the adapter modules and fusion layers it uses, AdapterDrop, and
// the hooks and replication that BertEncoder.forward needs to run it in one pass.
import type * as tf from '@tensorflow/tfjs';
import type { AdapterDropSpec } from '../config/types';
import { droppedLayers, inferenceDrop } from './adapterDrop';
import { MergedLinears } from '../adapters/foldedInference';
import { type AdapterModule, LINEAR_NAMES, type LinearName, type Site } from '../adapters/modules/module';
import { isPrefix } from '../adapters/modules/index';
import type { PrefixAdapter } from '../adapters/modules/prefix';
import type { ForwardOptions } from '../model/bert';
import { dense } from '../model/ops';
import type { Weights } from '../model/weights';
import { seedFor } from '../model/init';
import { SetupForward, type SiteContext } from './forward';
import type { FusionLayer } from './fusion';
import { type SetupNode, isBlock, parallelBlock } from './tree';

/** Every site of a layer, in the order the forward pass meets them. */
export function sitesOf(layer: number): Site[] {
  return [
    ...LINEAR_NAMES.slice(0, 3).map((name): Site => ({ kind: 'linear', layer, name })),
    { kind: 'prefix', layer },
    { kind: 'linear', layer, name: LINEAR_NAMES[3] },
    { kind: 'block', layer, position: 'attention' },
    ...LINEAR_NAMES.slice(4).map((name): Site => ({ kind: 'linear', layer, name })),
    { kind: 'block', layer, position: 'output' },
  ];
}

export class AdapterSetup {
  readonly forward: SetupForward;
  /** AdapterDrop at inference: the adapters of the first n layers are skipped. Set by `adapter-lab drop`. */
  inferenceSkip: number;
  /** The adapter merged into the dense layers it adapts, during an inference pass (`inferencePass`). */
  private merged: MergedLinears | null = null;

  constructor(
    readonly tree: SetupNode,
    readonly modules: ReadonlyMap<string, AdapterModule>,
    readonly fusions: ReadonlyMap<string, FusionLayer>,
    readonly layers: number,
    readonly options: { trainAdapters: boolean; adapterDrop?: AdapterDropSpec },
  ) {
    this.forward = new SetupForward(modules, fusions);
    this.inferenceSkip = inferenceDrop(options.adapterDrop);
  }

  /** A single adapter, trained (an adapter run). */
  static single(module: AdapterModule, layers: number, adapterDrop?: AdapterDropSpec): AdapterSetup {
    return new AdapterSetup({ kind: 'adapter', name: module.name, source: { path: [] } }, new Map([[module.name, module]]), new Map(), layers, {
      trainAdapters: true,
      adapterDrop,
    });
  }

  /** Outputs of a forward pass: one per Parallel branch, else one. */
  get outputs(): number {
    return parallelBlock(this.tree)?.children.length ?? 1;
  }

  /** Weights that get gradients: the adapters (adapter runs) or the fusion layers (composition runs). */
  trainable(): [string, tf.Variable][] {
    const adapters = this.options.trainAdapters ? [...this.modules.values()].flatMap((m) => m.weights.entries()) : [];
    return [...adapters, ...[...this.fusions.values()].flatMap((f) => f.weights.entries())];
  }

  /** Layers whose adapters are skipped in this pass: AdapterDrop's n (robust: drawn per training batch). */
  skippedLayers(dropoutSeed: number | null): number {
    return droppedLayers(this.options.adapterDrop, this.layers, dropoutSeed, this.inferenceSkip);
  }

  /** The first layer (≥ skip) in which a Parallel branch acts: the batch is replicated just before it. */
  replicationLayer(skip: number): number {
    const parallel = parallelBlock(this.tree);
    if (!parallel) return this.layers;
    for (let layer = skip; layer < this.layers; layer++) {
      if (sitesOf(layer).some((site) => this.forward.acts(parallel, site))) return layer;
    }
    return this.layers;
  }

  /** Hooks and replication for one forward pass; a training pass (seed set) also anneals fusion temperatures. */
  forwardOptions(dropoutRate: number, dropoutSeed: number | null): Pick<ForwardOptions, 'hook' | 'linearHook' | 'replicate' | 'prefixHook'> {
    const skip = this.skippedLayers(dropoutSeed);
    const copies = this.outputs;
    const replicateAt = this.replicationLayer(skip);
    this.forward.dropout = this.fusionDropout(dropoutRate, dropoutSeed);
    this.stepFusions(dropoutSeed);
    const context = (site: Site, shape: { batch: number; length: number }, blockInput: tf.Tensor2D | null): SiteContext => ({
      site,
      ...shape,
      blockInput,
      replicated: copies > 1 && site.layer >= replicateAt,
    });
    // Each prefix adapter's MLP runs once per pass, for all layers.
    const keyValues = new Map<PrefixAdapter, tf.Tensor2D>();
    const prefixKeyValues = (module: PrefixAdapter) => keyValues.get(module) ?? keyValues.set(module, module.keyValues(dropoutSeed)).get(module)!;
    const hasPrefix = [...this.modules.values()].some(isPrefix);
    return {
      ...(copies > 1 && { replicate: { atLayer: replicateAt, copies } }),
      ...(hasPrefix && {
        prefixHook: (layer: number, shape: { batch: number }) =>
          layer < skip
            ? null
            : this.forward.prefix(this.tree, null, { layer, batch: shape.batch, replicated: copies > 1 && layer >= replicateAt, keyValues: prefixKeyValues }),
      }),
      hook: (layer, position, hidden, blockInput, shape) => {
        if (layer < skip) return hidden;
        return this.forward.apply(this.tree, hidden, (x) => x, context({ kind: 'block', layer, position }, shape, blockInput));
      },
      linearHook: (layer, name, input, base, shape) => {
        if (layer < skip) return base(input);
        const merged = dropoutSeed === null ? this.merged?.get(layer, name) : undefined;
        if (merged) return dense(input, merged.weight, merged.bias, false);
        return this.forward.apply(this.tree, input, (x) => base(x), context({ kind: 'linear', layer, name: name as LinearName }, shape, null));
      },
    };
  }

  /** Dropout of the fusion scores in a pass (dropoutSeed null = inference: none). */
  fusionDropout(dropoutRate: number, dropoutSeed: number | null): { rate: number; seed: number | null } {
    return { rate: dropoutRate, seed: dropoutSeed === null ? null : seedFor(dropoutSeed, 'fusion') };
  }

  /** A training pass (seed set) anneals the fusion temperatures; every pass through the setup calls this once. */
  stepFusions(dropoutSeed: number | null): void {
    if (dropoutSeed !== null) for (const f of this.fusions.values()) f.step();
  }

  /**
   * Runs `pass` (inference: forward passes without dropout) with a single mergeable adapter (LoRA, IA³, ARC) merged
   * into the dense layers it adapts, built from the current weights and disposed afterwards. Compositions run
   * unmerged. Training passes inside keep the unmerged path, so gradients still reach the adapter.
   */
  inferencePass<T>(base: Weights, pass: () => T): T {
    const end = this.beginInference(base);
    try {
      return pass();
    } finally {
      end();
    }
  }

  /** Starts what `inferencePass` runs in and returns its end; for callers whose passes are not one function. */
  beginInference(base: Weights): () => void {
    if (this.merged || isBlock(this.tree)) return () => undefined;
    this.merged = MergedLinears.build(this.modules.get(this.tree.name)!, base, this.layers);
    return () => {
      this.merged?.dispose();
      this.merged = null;
    };
  }

  /** Extra training loss: the fusion layers' regularisation toward identity values. */
  regularization(): tf.Scalar[] {
    return [...this.fusions.values()].flatMap((f) => f.regularization() ?? []);
  }
}
