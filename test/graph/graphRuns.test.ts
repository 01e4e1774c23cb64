// One run of a config in the graph: only its adapters in the layers (the flow bridged where one is left out), its
// heads, and its composition drawn over the adapters' own nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseJsonc } from '../../src/core/config/parse';
import { checkConfigText } from '../../src/core/config/validate';
import { buildGraph } from '../../src/core/graph/build';
import { type GraphModel, walkItems } from '../../src/common/graphModel';
import { runToShow, runView } from '../../src/common/graphRuns';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { labelCounts } from '../../src/core/parameters/labels';
import { ROOT, tinyConfig } from '../helpers/workspace';

function graphOf(text: string, file: string): GraphModel {
  const { config, problems } = checkConfigText(text, file);
  assert.deepEqual(problems, []);
  const shape = baseShapeOf(config!.base);
  return buildGraph(config!, parseJsonc(text), shape.config, labelCounts(config!), shape.description);
}

const example = (name: string) => {
  const file = path.join(ROOT, 'examples', `${name}.adapterlab.json`);
  return graphOf(fs.readFileSync(file, 'utf8'), file);
};
const view = (g: GraphModel, run: string) =>
  runView(
    g,
    g.runs.find((r) => r.name === run),
  );
const ids = (v: ReturnType<typeof runView>) => [...walkItems(v.items)].map((i) => i.id);
const flows = (v: ReturnType<typeof runView>) => v.edges.filter((e) => e.kind === 'flow').map((e) => `${e.from} -> ${e.to}`);

test('alternative methods for one task: each run shows its adapter alone, the others left out', () => {
  const g = example('reviews-methods');
  const lora = view(g, 'adapter:lora');
  const adapters = [...walkItems(lora.items)].filter((i) => i.type === 'node' && (i.kind === 'adapter' || i.kind === 'shared'));
  assert.deepEqual(
    adapters.map((a) => a.id),
    ['L0.inside.lora', 'L1.inside.lora'],
  );
  assert.ok(ids(lora).includes('head.sentiment'));
  // Houlsby's adapters sat between attention and the feed-forward block: without them the flow goes straight on.
  assert.ok(flows(lora).includes('L0.attention -> L0.feed-forward'));
  assert.ok(flows(lora).includes('L1.feed-forward -> head.sentiment'));
  assert.ok(!flows(lora).some((f) => f.includes('houlsby')));
  const itemIds = new Set(ids(lora));
  assert.ok(
    lora.edges.every((e) => itemIds.has(e.from) && itemIds.has(e.to)),
    'no edge to a left-out item',
  );

  const houlsby = view(g, 'adapter:houlsby');
  assert.ok(flows(houlsby).includes('L0.attention -> L0.after-attention.houlsby'));
  assert.ok(flows(houlsby).includes('L0.after-attention.houlsby -> L0.feed-forward'));
  assert.ok(!flows(houlsby).includes('L0.attention -> L0.feed-forward'));
  assert.ok(ids(view(g, 'adapter:arc')).includes('shared.arc'));
  assert.ok(!ids(view(g, 'adapter:lora')).includes('shared.arc'));
  assert.deepEqual(
    ids(view(g, 'head-only')).filter((id) => id.includes('.inside.') || id.includes('.after-')),
    [],
    'head-only: no adapters',
  );
});

test('a composition run: its adapters in the layers, its block over them, its heads; no other composition', () => {
  const g = example('reviews-attributes');
  const fuse = view(g, 'composition:fuse-sentiment');
  const shown = ids(fuse);
  assert.ok(shown.includes('composition.fuse-sentiment') && !shown.includes('composition.all') && !shown.includes('merge.sentiment-plus-domain'));
  assert.ok(!shown.includes('head.sentiment') && !shown.includes('head.domain'), "the base heads are the adapter runs'");
  assert.deepEqual(
    fuse.edges
      .filter((e) => e.kind === 'combines')
      .map((e) => e.from)
      .sort(),
    ['L1.parallel.domain', 'L1.parallel.sentiment'],
  );
  const trainable = (v: ReturnType<typeof runView>) => [...walkItems(v.items)].filter((i) => i.type === 'node' && i.kind === 'adapter').map((i) => i.trainable);
  assert.deepEqual(new Set(trainable(fuse)), new Set([false]), 'a composition loads its adapters frozen');
  const sentiment = view(g, 'adapter:sentiment');
  assert.deepEqual(new Set(trainable(sentiment)), new Set([true]), 'an adapter run trains its adapter');
  assert.ok(!ids(sentiment).some((id) => id.startsWith('composition.') || id.includes('domain')));
  // A parallel adapter beside the feed-forward block only adds to the flow: leaving one out bridges nothing.
  assert.ok(!flows(sentiment).includes('L0.attention -> L1.attention'));
  assert.ok(flows(sentiment).includes('L0.feed-forward -> L1.attention'));
});

test('knowledge: a composition on K-adapters draws them frozen, their knowledge run trainable; Fuse draws its fusion', () => {
  const g = example('knowledge');
  const plugIns = (run: string) => [...walkItems(view(g, run).items)].filter((i) => i.id.startsWith('plug-in.'));
  const both = plugIns('composition:both-sentiment');
  assert.deepEqual([...new Set(both.map((i) => i.id.split('.')[1]))].sort(), ['lexical', 'linguistic']);
  assert.ok(both.every((i) => !i.trainable));
  const lexical = plugIns('adapter:lexical');
  assert.ok(lexical.length > 0 && lexical.every((i) => i.trainable));

  // Fuse over the same K-adapters: a trainable fusion node between their last layers and the head.
  const fuse = view(g, 'composition:fuse-sentiment');
  const block = [...walkItems(fuse.items)].find((i) => i.type === 'group' && i.kind === 'block' && i.block === 'Fuse');
  assert.ok(block?.trainable, 'the fusion trains');
  assert.equal(block.params, 3 * (128 * 128 + 128), 'query, key, value: Linear(d, d) each, at the heads only');
  assert.deepEqual(
    fuse.edges
      .filter((e) => e.to === block.id)
      .map((e) => e.from)
      .sort(),
    ['L1.feed-forward', 'plug-in.lexical.1', 'plug-in.linguistic.1'],
    'the K-adapters’ last layers, and the base’s output: the query',
  );
  assert.ok(fuse.edges.some((e) => e.from === block.id && e.to === 'composition.fuse-sentiment.head.sentiment'));
  assert.ok(
    plugIns('composition:fuse-sentiment').every((i) => !i.trainable),
    'the K-adapters stay frozen',
  );
});

test('the run shown: the one picked before while the config still makes it, else the first', () => {
  const g = graphOf(
    JSON.stringify(tinyConfig({ tasks: { mood: { labels: ['neg', 'pos'] }, topic: { labels: ['film', 'food'] } } })),
    path.join(ROOT, 'examples', 'x.adapterlab.json'),
  );
  assert.equal(runToShow(g, 'adapter:topic')?.name, 'adapter:topic');
  assert.equal(runToShow(g, 'adapter:gone')?.name, 'adapter:mood');
});
