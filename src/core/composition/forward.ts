// The forward semantics of an adapter setup at one site of the encoder (see adapters/module.ts for sites).
// Rows of x are example-major ([B·T, d], example b's tokens at rows b·T … b·T+T−1).
//   adapter     the adapter's transform around what lies beneath (`inner`)
//   Stack       a → b → c: each child wraps the ones before it
//   Average     Σ wᵢ·childᵢ(x), weights normalised to sum 1
//   Fuse        AdapterFusion over the children's outputs (fusion.ts)
//   Split       token positions: the first splits[0] tokens of every example to child 0, the next splits[1] to child 1…
//               (tokens past the sum get no adapter)
//   BatchSplit  examples: the first batch_sizes[0] examples to child 0, … (examples past the sum get no adapter)
//   Parallel    the batch holds one copy per branch (replicated at the first layer any branch acts in): copy p goes
//               to branch p
//   Concat      K-adapters beside the encoder: nothing at its sites (the classifier concatenates their outputs)
// Prefix tuning composes keys and values instead (`prefix`, AdapterHub's PrefixTuningLayer): Stack puts each
// adapter's prefix in front of those below it; BatchSplit and Parallel give each range of examples its branch's
// prefix, padded at the front to the longest with masked positions.
import * as tf from '@tensorflow/tfjs';
import type { AdapterModule, Site } from '../adapters/modules/module';
import { isPrefix } from '../adapters/modules/index';
import type { PrefixAdapter } from '../adapters/modules/prefix';
import type { KeyValuePrefix } from '../model/ops';
import type { FusionLayer } from './fusion';
import { type Block, type SetupNode, fusionName, isBlock } from './tree';

export interface SiteContext {
  site: Site;
  batch: number; // examples in x (all copies, once replicated)
  length: number; // tokens per example in x
  blockInput: tf.Tensor2D | null; // what the block read (block sites; parallel bottleneck adapters use it)
  replicated: boolean; // x holds one copy of the batch per Parallel branch
}

export type SiteInner = (x: tf.Tensor2D, ctx: SiteContext) => tf.Tensor2D;

export interface PrefixContext {
  layer: number;
  batch: number; // examples (all copies, once replicated)
  replicated: boolean;
  /** A prefix adapter's kv for this forward pass (computed once per pass, shared by the layers). */
  keyValues: (module: PrefixAdapter) => tf.Tensor2D;
}

export class SetupForward {
  /** Dropout of the fusion scores during training; null seed = inference. */
  dropout: { rate: number; seed: number | null } = { rate: 0, seed: null };

  constructor(
    readonly modules: ReadonlyMap<string, AdapterModule>,
    readonly fusions: ReadonlyMap<string, FusionLayer> = new Map(),
  ) {}

  /** True when some adapter of `node` computes something at `site`. */
  acts(node: SetupNode, site: Site): boolean {
    if (!isBlock(node)) return this.module(node.name).acts(site);
    return node.children.some((c) => this.acts(c, site));
  }

  apply(node: SetupNode, x: tf.Tensor2D, inner: SiteInner, ctx: SiteContext): tf.Tensor2D {
    if (!this.acts(node, ctx.site)) return inner(x, ctx);
    if (!isBlock(node)) return this.module(node.name).transform(ctx.site, x, (y) => inner(y, ctx), ctx.blockInput);
    switch (node.kind) {
      case 'Stack':
        return node.children.reduce<SiteInner>((below, child) => (y, c) => this.apply(child, y, below, c), inner)(x, ctx);
      case 'Average':
        return this.average(node, x, once(inner, x, ctx), ctx);
      case 'Fuse':
        return this.fuse(node, x, once(inner, x, ctx), ctx);
      case 'Split':
        return this.split(node, x, inner, ctx);
      case 'BatchSplit':
        return this.byExamples(node, node.batchSizes!, x, inner, ctx);
      case 'Parallel': {
        if (!ctx.replicated) throw new Error(`Parallel acts at ${ctx.site.layer} before the batch was replicated`);
        const copies = node.children.length;
        return this.byExamples(node, new Array<number>(copies).fill(ctx.batch / copies), x, inner, ctx);
      }
      case 'Concat':
        return inner(x, ctx);
    }
  }

  /**
   * The keys and values `node` puts in front of `below` (the prefixes of adapters before it) at one layer, or null
   * when there are none. Rows are examples: [B, P, d].
   */
  prefix(node: SetupNode, below: KeyValuePrefix | null, ctx: PrefixContext): KeyValuePrefix | null {
    const site: Site = { kind: 'prefix', layer: ctx.layer };
    if (!this.acts(node, site)) return below;
    if (!isBlock(node)) {
      const module = this.module(node.name);
      if (!isPrefix(module)) return below;
      const { keys, values } = module.layerPrefix(ctx.keyValues(module), ctx.layer);
      const rows = (t: tf.Tensor2D) => tf.tile(tf.expandDims(t, 0), [ctx.batch, 1, 1]) as tf.Tensor3D;
      const own: KeyValuePrefix = { keys: rows(keys), values: rows(values), additiveMask: tf.zeros([ctx.batch, keys.shape[0]]) };
      return below ? concatPrefixes([own, below], 1) : own;
    }
    switch (node.kind) {
      case 'Stack':
        return node.children.reduce<KeyValuePrefix | null>((state, child) => this.prefix(child, state, ctx), below);
      case 'BatchSplit':
        return this.prefixByExamples(node, node.batchSizes!, below, ctx);
      case 'Parallel': {
        if (!ctx.replicated) throw new Error(`Parallel acts at ${ctx.layer} before the batch was replicated`);
        const copies = node.children.length;
        return this.prefixByExamples(node, new Array<number>(copies).fill(ctx.batch / copies), below, ctx);
      }
      default:
        throw new Error(`${node.kind} cannot hold prefix tuning adapters (AdapterHub: Stack, Parallel, BatchSplit)`);
    }
  }

  private prefixByExamples(node: Block, sizes: number[], below: KeyValuePrefix | null, ctx: PrefixContext): KeyValuePrefix | null {
    const cut = (p: KeyValuePrefix | null, start: number, size: number): KeyValuePrefix | null =>
      p && {
        keys: tf.slice(p.keys, [start, 0, 0], [size, -1, -1]),
        values: tf.slice(p.values, [start, 0, 0], [size, -1, -1]),
        additiveMask: tf.slice(p.additiveMask, [start, 0], [size, -1]),
      };
    const parts = ranges(sizes, ctx.batch).map(({ start, size, child }) => {
      const part = { ...ctx, batch: size, replicated: node.kind === 'Parallel' ? false : ctx.replicated };
      return { size, state: child === undefined ? cut(below, start, size) : this.prefix(node.children[child], cut(below, start, size), part) };
    });
    const longest = Math.max(...parts.map((p) => p.state?.keys.shape[1] ?? 0));
    if (longest === 0) return null;
    const d = parts.find((p) => p.state)!.state!.keys.shape[2];
    // Shorter prefixes are padded in front with positions nobody attends to (AdapterHub's pad_and_concat).
    const padded = parts.map(({ size, state }) => {
      const missing = longest - (state?.keys.shape[1] ?? 0);
      if (missing === 0) return state!;
      const pad: KeyValuePrefix = { keys: tf.zeros([size, missing, d]), values: tf.zeros([size, missing, d]), additiveMask: tf.fill([size, missing], -1e9) };
      return state ? concatPrefixes([pad, state], 1) : pad;
    });
    return concatPrefixes(padded, 0);
  }

  private module(name: string): AdapterModule {
    const m = this.modules.get(name);
    if (!m) throw new Error(`the setup uses adapter "${name}", which is not loaded`);
    return m;
  }

  private average(node: Block, x: tf.Tensor2D, inner: SiteInner, ctx: SiteContext): tf.Tensor2D {
    const weights = normalisedWeights(node);
    const outputs = node.children.map((child, i) => tf.mul(this.apply(child, x, inner, ctx), weights[i]));
    return tf.addN(outputs) as tf.Tensor2D;
  }

  private fuse(node: Block, x: tf.Tensor2D, inner: SiteInner, ctx: SiteContext): tf.Tensor2D {
    const site = ctx.site;
    const hidden = inner(x, ctx);
    const fusion = this.fusions.get(fusionName(node));
    if (site.kind !== 'block' || !fusion?.has(site.layer, site.position)) {
      throw new Error(`no fusion layer "${fusionName(node)}" at layer ${site.layer}`);
    }
    const deltas = node.children.map((child) => tf.sub(this.apply(child, x, inner, ctx), hidden) as tf.Tensor2D);
    return fusion.forward(site.layer, site.position, hidden, deltas, this.dropout);
  }

  /** Token ranges along each example: child i gets tokens [Σ splits[<i], Σ splits[≤i]), the rest no adapter. */
  private split(node: Block, x: tf.Tensor2D, inner: SiteInner, ctx: SiteContext): tf.Tensor2D {
    const { batch, length } = ctx;
    const pieces = ranges(node.splits!, length);
    const cut = (t: tf.Tensor2D, start: number, size: number) =>
      tf.reshape(tf.slice(tf.reshape(t, [batch, length, -1]), [0, start, 0], [batch, size, -1]), [batch * size, -1]) as tf.Tensor2D;
    const outputs = pieces.map(({ start, size, child }) => {
      const part = withBlockInput({ ...ctx, length: size }, ctx, (t) => cut(t, start, size));
      const y = child === undefined ? inner(cut(x, start, size), part) : this.apply(node.children[child], cut(x, start, size), inner, part);
      return tf.reshape(y, [batch, size, -1]);
    });
    return tf.reshape(outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1), [batch * length, -1]) as tf.Tensor2D;
  }

  /** Example ranges: child i gets examples [Σ sizes[<i], Σ sizes[≤i]), the rest no adapter. */
  private byExamples(node: Block, sizes: number[], x: tf.Tensor2D, inner: SiteInner, ctx: SiteContext): tf.Tensor2D {
    const { length } = ctx;
    const cut = (t: tf.Tensor2D, start: number, size: number) => tf.slice(t, [start * length, 0], [size * length, -1]) as tf.Tensor2D;
    const outputs = ranges(sizes, ctx.batch).map(({ start, size, child }) => {
      const part = withBlockInput({ ...ctx, batch: size, replicated: node.kind === 'Parallel' ? false : ctx.replicated }, ctx, (t) => cut(t, start, size));
      return child === undefined ? inner(cut(x, start, size), part) : this.apply(node.children[child], cut(x, start, size), inner, part);
    });
    return (outputs.length === 1 ? outputs[0] : tf.concat(outputs, 0)) as tf.Tensor2D;
  }
}

export function normalisedWeights(node: Block): number[] {
  const raw = node.weights ?? node.children.map(() => 1);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / sum);
}

/** Consecutive ranges of `total` items: one per size (clipped to what is there), then the rest for no child. */
function ranges(sizes: number[], total: number): { start: number; size: number; child?: number }[] {
  const out: { start: number; size: number; child?: number }[] = [];
  let start = 0;
  sizes.forEach((s, child) => {
    const size = Math.min(s, total - start);
    if (size > 0) out.push({ start, size, child });
    start += size;
  });
  if (start < total) out.push({ start, size: total - start });
  return out;
}

/** `inner` evaluated once for this x (children of Fuse and Average share it). */
function once(inner: SiteInner, x: tf.Tensor2D, ctx: SiteContext): SiteInner {
  let cached: tf.Tensor2D | undefined;
  return (y, c) => {
    if (y !== x || c !== ctx) return inner(y, c);
    cached ??= inner(x, ctx);
    return cached;
  };
}

/** Prefixes joined along positions (axis 1: the first in front) or examples (axis 0). */
function concatPrefixes(parts: KeyValuePrefix[], axis: 0 | 1): KeyValuePrefix {
  if (parts.length === 1) return parts[0];
  return {
    keys: tf.concat(
      parts.map((p) => p.keys),
      axis,
    ),
    values: tf.concat(
      parts.map((p) => p.values),
      axis,
    ),
    additiveMask: tf.concat(
      parts.map((p) => p.additiveMask),
      axis,
    ),
  };
}

/** A child's context whose block input is cut from the parent's only when read (only parallel bottlenecks read it). */
function withBlockInput(part: SiteContext, parent: SiteContext, cut: (t: tf.Tensor2D) => tf.Tensor2D): SiteContext {
  let cached: tf.Tensor2D | null | undefined;
  return Object.defineProperty(part, 'blockInput', { get: () => (cached ??= parent.blockInput && cut(parent.blockInput)), enumerable: true });
}
