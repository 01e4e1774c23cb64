// Builds the composition graph of a validated config (see model.ts). Parameter counts come from shapes alone
// (params.ts), so this runs in the extension host without TensorFlow.js.
import { METHODS, descriptorOf, isAdapterMethod } from '../adapters/methods/index';
import type { EncoderDims } from '../adapters/methods/descriptor';
import { kAdapterLayerParams, readLayersOf } from '../adapters/methods/kAdapter';
import { type SetupNode, adapterNames, blocksOf, isBlock } from '../composition/tree';
import type { JsoncDocument } from '../config/parse';
import type { AdapterSpec, ExperimentConfig } from '../config/types';
import type { BertConfig } from '../model/shapes';
import { adapterParamsPerLayer, adapterSharedParams, baseParamCounts, headParams, kAdapterInputs, knowledgeFusionParams } from '../parameters/counts';
import { fusionSitesPerLayer } from '../parameters/fusionSites';
import type { LabelCounts } from '../parameters/labels';
import type { AdapterPlacement, GraphEdge, GraphItem, GraphModel, GraphNode, GraphRun } from '../../common/graphModel';
import { definitionRange, setupNodeRange } from './sources';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export const methodLabel = (method: string) => (isAdapterMethod(method) ? METHODS[method].label : method);

/** Layers whose adapters AdapterDrop always skips (specialised mode); robust mode drops none at inference. */
function droppedLayers(spec: AdapterSpec): number {
  return spec.adapterDrop?.mode === 'specialised' ? spec.adapterDrop.layers : 0;
}

const insideTargets = (spec: AdapterSpec) => descriptorOf(spec.method).insideTargets?.(spec) ?? { attention: [], feedForward: [] };
const placementsOf = (spec: AdapterSpec) => descriptorOf(spec.method).placements;

function adapterDetail(spec: AdapterSpec, placement: AdapterPlacement, dims: EncoderDims): string {
  const drop = spec.adapterDrop ? ` · AdapterDrop ${spec.adapterDrop.mode === 'robust' ? 'robust' : `first ${spec.adapterDrop.layers}`}` : '';
  const size = descriptorOf(spec.method).sizeLabel(spec, dims);
  if (placement === 'inside') {
    const t = insideTargets(spec);
    return `on ${[...t.attention, ...t.feedForward].join(', ')}${size ? ` · ${size}` : ''}${drop}`;
  }
  const where = placement === 'after-attention' ? 'after attention' : placement === 'after-feed-forward' ? 'after feed-forward' : 'beside feed-forward';
  return `${where}${size ? ` · ${size}` : ''}${drop}`;
}

export function buildGraph(config: ExperimentConfig, doc: JsoncDocument, bert: BertConfig, labels: LabelCounts, baseDescription: string): GraphModel {
  const d = bert.hiddenSize;
  const base = baseParamCounts(bert);
  const edges: GraphEdge[] = [];
  const edge = (from: string, to: string, kind: GraphEdge['kind'] = 'flow') => edges.push({ id: `e${edges.length}:${from}->${to}`, from, to, kind });
  const baseRange = definitionRange(doc, ['base']);
  const adapterRange = (name: string) => definitionRange(doc, ['adapters', name]);
  const perLayerOf = new Map(config.adapters.map((a) => [a.name, adapterParamsPerLayer(a, d, bert.layers, bert.intermediateSize)]));
  // Each adapter's node in the highest layer it sits in: where compositions and merges take it from.
  const topNodeOf = new Map<string, string>();

  // Frozen base blocks; hidden states flow from `previous` through each layer's blocks and the adapters after them.
  const embeddings: GraphNode = {
    type: 'node',
    id: 'embeddings',
    kind: 'embeddings',
    label: 'embeddings',
    detail: `vocabulary ${bert.vocabSize} · ${bert.maxPositions} positions`,
    params: base.embeddings,
    trainable: false,
    source: baseRange,
  };
  const baseItems: GraphItem[] = [embeddings];
  let previous = [embeddings.id];
  /** The nodes whose output is hidden state i (Hugging Face's hidden_states: 0 = embeddings, i = layer i's output). */
  const hiddenStateNodes: string[][] = [previous];
  /** The base's own output, before any adapter after its last block: what heads on K-adapters read beside theirs. */
  let baseOutput = embeddings.id;
  const flowInto = (target: string) => {
    for (const p of previous) edge(p, target);
  };

  for (let layer = 0; layer < bert.layers; layer++) {
    const attention: GraphNode = {
      type: 'node',
      id: `L${layer}.attention`,
      kind: 'attention',
      label: 'attention',
      detail: `${bert.heads} heads`,
      params: 4 * (d * d + d) + 2 * d,
      trainable: false,
      layer,
      source: baseRange,
    };
    const feedForward: GraphNode = {
      type: 'node',
      id: `L${layer}.feed-forward`,
      kind: 'feed-forward',
      label: 'feed-forward',
      detail: `${d} → ${bert.intermediateSize} → ${d}`,
      params: base.perLayer[layer] - attention.params,
      trainable: false,
      layer,
      source: baseRange,
    };
    const children: GraphItem[] = [attention, feedForward];
    const at = (placement: AdapterPlacement) =>
      config.adapters
        .filter((a) => !a.leaveOut.includes(layer) && placementsOf(a).includes(placement))
        .map((a): GraphNode => {
          const positions = placementsOf(a).length;
          return {
            type: 'node',
            id: `L${layer}.${placement}.${a.name}`,
            kind: 'adapter',
            label: `${a.name} · ${methodLabel(a.method)}`,
            detail: adapterDetail(a, placement, bert),
            params: perLayerOf.get(a.name)![layer] / positions,
            trainable: true,
            dropped: layer < droppedLayers(a),
            layer,
            adapter: a.name,
            method: a.method,
            placement,
            task: a.task,
            source: adapterRange(a.name),
          };
        });
    const afterAttention = at('after-attention');
    const afterFeedForward = at('after-feed-forward');
    const parallel = at('parallel');
    const inside = at('inside');
    children.push(...afterAttention, ...afterFeedForward, ...parallel, ...inside);
    for (const n of [...inside, ...afterAttention, ...parallel, ...afterFeedForward]) topNodeOf.set(n.adapter!, n.id);

    flowInto(attention.id);
    const intoFeedForward = afterAttention.length ? afterAttention.map((n) => n.id) : [attention.id];
    for (const a of afterAttention) edge(attention.id, a.id);
    for (const p of intoFeedForward) edge(p, feedForward.id);
    for (const a of afterFeedForward) edge(feedForward.id, a.id);
    baseOutput = feedForward.id;
    for (const p of parallel) for (const i of intoFeedForward) edge(i, p.id);
    for (const n of inside) {
      const targets = insideTargets(config.adapters.find((a) => a.name === n.adapter)!);
      if (targets.attention.length || !targets.feedForward.length) edge(n.id, attention.id, 'modifies');
      if (targets.feedForward.length) edge(n.id, feedForward.id, 'modifies');
    }
    previous = [...(afterFeedForward.length ? afterFeedForward.map((n) => n.id) : [feedForward.id]), ...parallel.map((n) => n.id)];
    hiddenStateNodes.push(previous);
    baseItems.push({
      type: 'group',
      id: `L${layer}`,
      kind: 'layer',
      label: `layer ${layer}`,
      layer,
      trainable: false,
      params: base.perLayer[layer],
      children,
      source: baseRange,
    });
  }

  // K-adapters plug in beside the base: one node per adapter layer, fed by the hidden state it reads and by the
  // adapter layer below; the last one feeds the heads.
  const plugInEnds: string[] = [];
  for (const a of config.adapters) {
    if (a.method !== 'k-adapter') continue;
    const nodes = readLayersOf(a, bert.layers).map((state, j): GraphNode => ({
      type: 'node',
      id: `plug-in.${a.name}.${j}`,
      kind: 'adapter',
      label: `${a.name} · ${methodLabel(a.method)} ${j}`,
      detail: `reads ${state === 0 ? 'the embeddings' : `layer ${state - 1}`} · ${a.transformerLayers} × m ${a.adapterSize}`,
      params: kAdapterLayerParams(a, d),
      trainable: true,
      adapter: a.name,
      method: a.method,
      placement: 'plug-in',
      task: a.task,
      source: adapterRange(a.name),
    }));
    nodes.forEach((n, j) => {
      for (const from of hiddenStateNodes[readLayersOf(a, bert.layers)[j]] ?? []) edge(from, n.id);
      if (j > 0) edge(nodes[j - 1].id, n.id);
    });
    // A box around its layers: one K-adapter, trained apart from the base (its knowledge run).
    baseItems.push({
      type: 'group',
      id: `plug-in.${a.name}`,
      kind: 'plug-in',
      label: `${a.name} · ${methodLabel(a.method)}`,
      detail: a.knowledge ? `knowledge: ${a.knowledge}` : 'beside the base',
      trainable: true,
      params: 0,
      children: nodes,
      source: adapterRange(a.name),
    });
    if (nodes.length) {
      plugInEnds.push(nodes[nodes.length - 1].id);
      topNodeOf.set(a.name, nodes[nodes.length - 1].id);
    }
  }

  // ARC's projections are shared by all layers: one node per ARC adapter, outside the layers.
  for (const a of config.adapters) {
    if (a.method === 'k-adapter') continue; // drawn above, beside the base
    const shared = adapterSharedParams(a, d, bert.layers);
    if (shared > 0)
      baseItems.push({
        type: 'node',
        id: `shared.${a.name}`,
        kind: 'shared',
        label: `${a.name} · shared projections`,
        detail: `${methodLabel(a.method)} · used by every layer`,
        params: shared,
        trainable: true,
        adapter: a.name,
        method: a.method,
        source: adapterRange(a.name),
      });
  }

  for (const task of config.tasks) {
    const head: GraphNode = {
      type: 'node',
      id: `head.${task.name}`,
      kind: 'head',
      label: `head ${task.name}`,
      detail: `${labels.get(task.name) ?? 2} labels · ${task.pooling} pooling`,
      params: headParams(d, labels.get(task.name) ?? 2),
      trainable: true,
      task: task.name,
      source: definitionRange(doc, ['tasks', task.name]),
    };
    flowInto(head.id);
    for (const end of plugInEnds) edge(end, head.id);
    baseItems.push(head);
  }

  const items: GraphItem[] = [
    {
      type: 'group',
      id: 'base',
      kind: 'base',
      label: `base: ${baseDescription}`,
      detail: 'frozen',
      trainable: false,
      params: base.total,
      children: baseItems,
      source: baseRange,
    },
  ];

  const adapterTotal = (name: string) =>
    sum(perLayerOf.get(name) ?? []) +
    adapterSharedParams(
      config.adapters.find((a) => a.name === name)!,
      d,
      bert.layers,
    );
  for (const c of config.compositions) {
    const prefix = `composition.${c.name}`;
    let count = 0;
    const trainsHeads = blocksOf(c.setup, 'Fuse').length > 0 || c.trainHeads;
    // Blocks are drawn once, above the base, joined to the adapters' own nodes: the layers hold the only copy.
    const toItem = (node: SetupNode): GraphItem | undefined => {
      if (!isBlock(node)) return undefined;
      const id = `${prefix}.${count++}`;
      const source = setupNodeRange(doc, node.source);
      for (const child of node.children) {
        const top = isBlock(child) ? undefined : topNodeOf.get(child.name);
        if (top) edge(top, id, 'combines');
      }
      // Nested blocks are drawn inside their parent block.
      const children = node.children.map(toItem).filter((c) => c !== undefined);
      // AdapterFusion: 3(d² + d) at every site its adapters act at; over K-adapters, one at the heads.
      const fusion =
        node.kind === 'Fuse'
          ? sum(fusionSitesPerLayer(node, config.adapters, bert.layers)) * 3 * (d * d + d) + knowledgeFusionParams(node, config.adapters, d)
          : 0;
      const names = node.children.map((c) => (isBlock(c) ? c.kind : c.name));
      const args = node.splits
        ? `splits ${node.splits.join(', ')}`
        : node.batchSizes
          ? `batch sizes ${node.batchSizes.join(', ')}`
          : node.weights
            ? `weights ${node.weights.map((w) => Number(w.toFixed(3))).join(', ')}`
            : undefined;
      return {
        type: 'group',
        id,
        kind: 'block',
        block: node.kind,
        label: node.kind,
        // A Stack runs its children bottom to top; the other blocks run them side by side.
        detail:
          node.kind === 'Stack'
            ? names.join(' → ')
            : [names.join(', '), args, knowledgeFusionParams(node, config.adapters, d) > 0 ? 'at the heads, query: the base output' : undefined]
                .filter(Boolean)
                .join(' · '),
        trainable: fusion > 0,
        params: fusion,
        children,
        source,
      };
    };
    const setup = toItem(c.setup);
    // A setup of one adapter (no block) feeds the heads from that adapter's node.
    const output = setup?.id ?? (isBlock(c.setup) ? undefined : topNodeOf.get(c.setup.name));
    const heads = c.tasks.map((task): GraphNode => {
      const head: GraphNode = {
        type: 'node',
        id: `${prefix}.head.${task}`,
        kind: 'head',
        label: `head ${task}`,
        detail: trainsHeads ? 'trained' : "the adapter run's",
        params: headParams(d, labels.get(task) ?? 2, kAdapterInputs(c.setup, config.adapters, d)), // [base; K-adapters]
        trainable: trainsHeads,
        task,
        source: definitionRange(doc, ['compositions', c.name]),
      };
      if (output) edge(output, head.id);
      return head;
    });
    // Heads on K-adapters read the base's output beside theirs (under a Fuse over them, as the fusion's query).
    if (kAdapterInputs(c.setup, config.adapters, d) > 0) for (const to of setup ? [setup.id] : heads.map((h) => h.id)) edge(baseOutput, to, 'combines');
    const drop = c.adapterDrop
      ? c.adapterDrop.mode === 'robust'
        ? 'AdapterDrop robust'
        : `AdapterDrop: layers 0–${c.adapterDrop.layers - 1} skipped`
      : undefined;
    items.push({
      type: 'group',
      id: prefix,
      kind: 'composition',
      label: `composition: ${c.name}`,
      detail: drop,
      trainable: false,
      params: 0,
      children: setup ? [setup, ...heads] : heads,
      source: definitionRange(doc, ['compositions', c.name]),
    });
  }

  for (const m of config.merges) {
    const id = `merge.${m.name}`;
    m.adapters.forEach((name) => {
      const top = topNodeOf.get(name);
      if (top) edge(top, id, 'combines');
    });
    items.push({
      type: 'group',
      id,
      kind: 'merge',
      label: `merge: ${m.name}`,
      detail: `average ${m.adapters.map((name, i) => `${Number(m.weights[i].toFixed(3))} × ${name}`).join(' + ')}`,
      trainable: false,
      params: 0,
      children: [],
      source: definitionRange(doc, ['merges', m.name]),
    });
  }

  return {
    experiment: config.name,
    base: `${baseDescription} · ${bert.layers} layers × ${d}`,
    items,
    edges,
    runs: runsOf(config),
    totals: { base: base.total, adapters: sum(config.adapters.map((a) => adapterTotal(a.name))) },
  };
}

/**
 * The runs `adapter-lab train` makes of this config (run/plan.ts, which this layer may not import; a test keeps the
 * two in step), but full fine-tuning: nothing in the drawing would be frozen there.
 */
function runsOf(config: ExperimentConfig): GraphRun[] {
  const allTasks = config.tasks.map((t) => t.name);
  return [
    ...config.adapters.map((a): GraphRun => ({ name: `adapter:${a.name}`, adapters: [a.name], tasks: [a.task] })),
    ...config.baselines.filter((b) => b === 'head-only').map((b): GraphRun => ({ name: b, adapters: [], tasks: allTasks })),
    ...config.compositions.map((c): GraphRun => ({
      name: `composition:${c.name}`,
      adapters: adapterNames(c.setup),
      tasks: [],
      group: `composition.${c.name}`,
    })),
    ...config.merges.map((m): GraphRun => ({ name: `merge:${m.name}`, adapters: m.adapters, tasks: [], group: `merge.${m.name}` })),
  ];
}
