// The composition graph model: a node per adapter per layer where the config places one, blocks as nested groups,
// AdapterDrop and trainable/frozen marks, parameter counts, and the config text each item selects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseJsonc } from '../../src/core/config/parse';
import { checkConfigText } from '../../src/core/config/validate';
import { buildGraph } from '../../src/core/graph/build';
import { planRuns } from '../../src/core/run/plan';
import { type GraphGroup, type GraphItem, type GraphModel, type GraphNode, walkItems } from '../../src/common/graphModel';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { labelCounts } from '../../src/core/parameters/labels';
import { parameterReport } from '../../src/core/parameters/report';
import { ROOT, tinyConfig } from '../helpers/workspace';

function graphOf(text: string, file = path.join(ROOT, 'examples', 'test.adapterlab.json')): GraphModel {
  const { config, problems } = checkConfigText(text, file);
  assert.deepEqual(problems, []);
  const shape = baseShapeOf(config!.base);
  return buildGraph(config!, parseJsonc(text), shape.config, labelCounts(config!), shape.description);
}

const nodes = (g: GraphModel) => [...walkItems(g.items)].filter((i): i is GraphNode => i.type === 'node');
const groups = (g: GraphModel) => [...walkItems(g.items)].filter((i): i is GraphGroup => i.type === 'group');
const selected = (text: string, item: GraphItem) => text.slice(item.source!.offset, item.source!.offset + item.source!.length);

const tasks = { mood: { labels: ['neg', 'pos'] }, topic: { labels: ['film', 'food'] } };

test('layers bottom to top, with each adapter after attention / after the feed-forward block / beside it', () => {
  const text = JSON.stringify(
    tinyConfig({
      base: { random: { hiddenSize: 16, layers: 3, heads: 2, intermediateSize: 32, vocabSize: 120, maxPositions: 32 } },
      tasks,
      adapters: {
        mood: { method: 'houlsby', bottleneckSize: 4, leaveOut: [2] },
        topic: { method: 'pfeiffer', bottleneckSize: 4 },
        side: { method: 'parallel', task: 'mood', bottleneckSize: 4 },
      },
    }),
    null,
    2,
  );
  const g = graphOf(text);
  const adapters = nodes(g).filter((n) => n.kind === 'adapter');
  const at = (name: string) => adapters.filter((n) => n.adapter === name).map((n) => `${n.layer}:${n.placement}`);
  assert.deepEqual(at('mood'), ['0:after-attention', '0:after-feed-forward', '1:after-attention', '1:after-feed-forward'], 'left out of layer 2');
  assert.deepEqual(at('topic'), ['0:after-feed-forward', '1:after-feed-forward', '2:after-feed-forward']);
  assert.deepEqual(at('side'), ['0:parallel', '1:parallel', '2:parallel']);
  assert.ok(adapters.every((n) => n.trainable && !n.dropped));

  const layers = groups(g).filter((x) => x.kind === 'layer');
  assert.deepEqual(
    layers.map((l) => l.layer),
    [0, 1, 2],
  );
  assert.ok(
    nodes(g)
      .filter((n) => n.kind === 'attention' || n.kind === 'feed-forward')
      .every((n) => !n.trainable),
  );

  // The hidden states flow through layer 0's attention, its Houlsby adapter, the feed-forward block, then the
  // adapters after it (and the parallel one beside it) into layer 1.
  const flow = new Set(g.edges.filter((e) => e.kind === 'flow').map((e) => `${e.from} -> ${e.to}`));
  for (const e of [
    'embeddings -> L0.attention',
    'L0.attention -> L0.after-attention.mood',
    'L0.after-attention.mood -> L0.feed-forward',
    'L0.feed-forward -> L0.after-feed-forward.topic',
    'L0.after-feed-forward.topic -> L1.attention',
    'L0.parallel.side -> L1.attention',
    'L2.attention -> L2.feed-forward',
    'L2.after-feed-forward.topic -> head.mood',
  ]) {
    assert.ok(flow.has(e), e);
  }
  const ids = new Set(nodes(g).map((n) => n.id));
  assert.ok(
    g.edges.every((e) => ids.has(e.from) || groups(g).some((x) => x.id === e.from)),
    'edges join existing items',
  );

  // Clicking an adapter selects its definition; a head its task.
  assert.equal(
    selected(
      text,
      adapters.find((n) => n.adapter === 'topic')!,
    ),
    `"topic": ${JSON.stringify({ method: 'pfeiffer', bottleneckSize: 4 }, null, 2).replace(/\n/g, '\n    ')}`,
  );
  assert.equal(
    selected(
      text,
      nodes(g).find((n) => n.id === 'head.topic')!,
    ).split(':')[0],
    '"topic"',
  );
});

test('parameter counts per node add up to the parameters view figures', () => {
  const raw = tinyConfig({
    tasks,
    adapters: {
      mood: { method: 'houlsby', bottleneckSize: 4 },
      lora: { method: 'lora', task: 'topic', r: 2 },
      arc: { method: 'arc', task: 'topic', bottleneckSize: 3 },
    },
  });
  const text = JSON.stringify(raw);
  const g = graphOf(text);
  const { config } = checkConfigText(text, path.join(ROOT, 'examples', 'x.adapterlab.json'));
  const shape = baseShapeOf(config!.base);
  const report = parameterReport(config!, shape.config, labelCounts(config!), '');
  for (const row of report.rows.filter((r) => r.kind === 'adapter')) {
    const name = row.name.slice('adapter:'.length);
    const counted = nodes(g)
      .filter((n) => n.adapter === name && (n.kind === 'adapter' || n.kind === 'shared'))
      .reduce((s, n) => s + n.params, 0);
    assert.equal(counted + row.heads, row.trainable, name);
  }
  const baseNodes = nodes(g).filter((n) => n.kind === 'embeddings' || n.kind === 'attention' || n.kind === 'feed-forward');
  assert.equal(baseNodes.reduce((s, n) => s + n.params, 0) + 16 * 16 + 16, report.base.total, 'the base blocks plus the (unused) pooler');

  // LoRA and ARC act inside the dense layers: they modify blocks instead of sitting in the flow.
  const modifies = g.edges.filter((e) => e.kind === 'modifies').map((e) => `${e.from} -> ${e.to}`);
  assert.ok(modifies.includes('L0.inside.lora -> L0.attention'));
  assert.ok(!modifies.includes('L0.inside.lora -> L0.feed-forward'), 'LoRA defaults to q and v only');
  assert.ok(modifies.includes('L1.inside.arc -> L1.feed-forward'), 'ARC also acts on the intermediate layer');
  assert.equal(
    nodes(g)
      .filter((n) => n.kind === 'shared')
      .map((n) => n.adapter)
      .join(),
    'arc',
    "ARC's shared projections: one node",
  );
});

test('specialised AdapterDrop greys out the first layers; robust AdapterDrop drops none at inference', () => {
  const raw = tinyConfig({
    tasks,
    adapters: {
      mood: { method: 'houlsby', bottleneckSize: 4, adapterDrop: { mode: 'specialised', layers: 1 } },
      topic: { method: 'pfeiffer', bottleneckSize: 4, adapterDrop: { mode: 'robust' } },
    },
  });
  const g = graphOf(JSON.stringify(raw));
  const dropped = nodes(g)
    .filter((n) => n.dropped)
    .map((n) => n.id);
  assert.deepEqual(dropped, ['L0.after-attention.mood', 'L0.after-feed-forward.mood']);
  assert.match(nodes(g).find((n) => n.id === 'L1.after-feed-forward.topic')!.detail!, /AdapterDrop robust/);
});

test("compositions are block groups joined to the adapters' own nodes (no copies); clicks select the block in the setup string", () => {
  const file = path.join(ROOT, 'examples', 'reviews-attributes.adapterlab.json');
  const text = fs.readFileSync(file, 'utf8');
  const g = graphOf(text, file);
  const { config } = checkConfigText(text, file);
  const blocks = groups(g).filter((x) => x.kind === 'block');
  const written = config!.compositions.flatMap((c) =>
    [...JSON.stringify(c.setup).matchAll(/"kind":"(Stack|Fuse|Split|BatchSplit|Parallel|Average)"/g)].map((m) => m[1]),
  );
  assert.deepEqual(blocks.map((b) => b.block).sort(), written.sort(), 'one group per composition block');
  const fuse = blocks.find((b) => b.block === 'Fuse')!;
  assert.equal(selected(text, fuse), 'Fuse(sentiment, domain)');
  assert.ok(fuse.trainable && fuse.params > 0, 'the fusion layers train');
  // One node per adapter per layer in the whole graph: the blocks take the adapters from their top layer's node.
  const adapterNodes = nodes(g).filter((n) => n.adapter);
  assert.deepEqual(
    adapterNodes.map((n) => n.id),
    ['L0.parallel.sentiment', 'L0.parallel.domain', 'L1.parallel.sentiment', 'L1.parallel.domain'],
  );
  const combines = (id: string) =>
    g.edges
      .filter((e) => e.kind === 'combines' && e.to === id)
      .map((e) => e.from)
      .sort();
  assert.deepEqual(combines(fuse.id), ['L1.parallel.domain', 'L1.parallel.sentiment']);
  const composition = groups(g).find((x) => x.id === 'composition.fuse-sentiment')!;
  assert.ok(selected(text, composition).startsWith('"fuse-sentiment": {'));
  assert.deepEqual(
    composition.children.map((c) => c.label),
    ['Fuse', 'head sentiment'],
  );
  assert.ok(g.edges.some((e) => e.from === fuse.id && e.to === 'composition.fuse-sentiment.head.sentiment'));

  // A Stack says its order, bottom to top; a merge its weights.
  const stack = blocks.find((b) => b.block === 'Stack')!;
  assert.equal(stack.detail, 'domain → sentiment');
  assert.deepEqual(combines(stack.id), ['L1.parallel.domain', 'L1.parallel.sentiment']);
  const merge = groups(g).find((x) => x.kind === 'merge')!;
  assert.equal(merge.detail, 'average 0.75 × sentiment + 0.25 × domain');
  assert.deepEqual(combines(merge.id), ['L1.parallel.domain', 'L1.parallel.sentiment']);
});

test('the runs of a config: each adapter alone, head-only, each composition and merge with the adapters it loads', () => {
  const file = path.join(ROOT, 'examples', 'reviews-methods.adapterlab.json');
  const g = graphOf(fs.readFileSync(file, 'utf8'), file);
  assert.deepEqual(
    g.runs.map((r) => `${r.name}: ${r.adapters.join(',')} / ${r.tasks.join(',')}`),
    [
      'adapter:houlsby: houlsby / sentiment',
      'adapter:lora: lora / sentiment',
      'adapter:ia3: ia3 / sentiment',
      'adapter:arc: arc / sentiment',
      'adapter:prefix: prefix / sentiment',
      'head-only:  / sentiment',
    ],
  );
  const attributesFile = path.join(ROOT, 'examples', 'reviews-attributes.adapterlab.json');
  const attributes = graphOf(fs.readFileSync(attributesFile, 'utf8'), attributesFile);
  assert.deepEqual(
    attributes.runs.filter((r) => r.group).map((r) => `${r.name} → ${r.group}: ${r.adapters.join(',')}`),
    [
      'composition:all → composition.all: sentiment,domain',
      'composition:fuse-sentiment → composition.fuse-sentiment: sentiment,domain',
      'composition:stack → composition.stack: domain,sentiment',
      'merge:sentiment-plus-domain → merge.sentiment-plus-domain: sentiment,domain',
    ],
  );
  // The names the runs get when they train, in the same order.
  const { config } = checkConfigText(fs.readFileSync(attributesFile, 'utf8'), attributesFile);
  assert.deepEqual(
    attributes.runs.map((r) => r.name),
    planRuns(config!)
      .filter((p) => p.type !== 'full')
      .map((p) => p.name),
  );
});

test('nested blocks written as a JSON tree select their place in the tree', () => {
  const raw = tinyConfig({
    tasks,
    compositions: { both: { setup: { Stack: ['topic', { Average: ['mood', 'topic'], weights: [0.25, 0.75] }] }, task: 'mood' } },
  });
  const text = JSON.stringify(raw, null, 2);
  const g = graphOf(text);
  const [stack, average] = groups(g).filter((x) => x.kind === 'block');
  assert.equal(stack.block, 'Stack');
  assert.equal(average.block, 'Average');
  assert.deepEqual(
    stack.children.map((c) => c.id),
    [average.id],
    'the nested block inside its parent; the adapters are edges',
  );
  assert.equal(stack.detail, 'topic → Average');
  assert.match(average.detail!, /mood, topic · weights 0.25, 0.75/);
  assert.ok(selected(text, average).startsWith('{') && selected(text, average).includes('"Average"'));
  assert.ok(g.edges.some((e) => e.kind === 'combines' && e.from === 'L1.after-feed-forward.topic' && e.to === stack.id));
});
