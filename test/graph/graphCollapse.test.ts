// Semantic zoom: a collapsed layer is one row of chips, one per base block and per adapter, and the edges that
// reached inside it reach the layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseJsonc } from '../../src/core/config/parse';
import { checkConfigText } from '../../src/core/config/validate';
import { buildGraph } from '../../src/core/graph/build';
import { walkItems } from '../../src/common/graphModel';
import { runView } from '../../src/common/graphRuns';
import { collapseLayers, isCollapsedLayer, isCompact, layerIds } from '../../src/common/graphCollapse';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { labelCounts } from '../../src/core/parameters/labels';
import { ROOT } from '../helpers/workspace';

const file = path.join(ROOT, 'examples', 'reviews-methods.adapterlab.json');
const text = fs.readFileSync(file, 'utf8');
const { config } = checkConfigText(text, file);
const shape = baseShapeOf(config!.base);
const model = buildGraph(config!, parseJsonc(text), shape.config, labelCounts(config!), shape.description);
const houlsby = runView(
  model,
  model.runs.find((r) => r.name === 'adapter:houlsby'),
);

test('a collapsed layer: one chip per base block and per adapter, counted; the other layers as they were', () => {
  assert.deepEqual(layerIds(houlsby), ['L0', 'L1']);
  const view = collapseLayers(houlsby, new Set(['L0']));
  const layers = [...walkItems(view.items)].filter((i) => i.type === 'group' && i.kind === 'layer');
  assert.deepEqual(
    layers.map((l) => isCollapsedLayer(l)),
    [true, false],
  );
  const chips = layers[0].type === 'group' ? layers[0].children : [];
  assert.ok(chips.every(isCompact));
  assert.deepEqual(
    chips.map((c) => c.label),
    ['attention', 'feed-forward', 'houlsby ×2'],
  );
  const houlsbyParams = [...walkItems(houlsby.items)]
    .filter((i) => i.type === 'node' && i.layer === 0 && i.adapter === 'houlsby')
    .reduce((s, i) => s + i.params, 0);
  assert.equal(chips[2].params, houlsbyParams, 'a chip counts the parameters of what it stands for');
  assert.equal(chips[2].id, 'L0.after-attention.houlsby', 'a click on it selects the adapter, as its first node would');
});

test('edges reach a collapsed layer instead of its insides, and none loops inside it', () => {
  const view = collapseLayers(houlsby, new Set(['L0', 'L1']));
  const flows = view.edges.map((e) => `${e.from} -> ${e.to}`).sort();
  assert.deepEqual(flows, ['L0 -> L1', 'L1 -> head.sentiment', 'embeddings -> L0']);
  assert.deepEqual(collapseLayers(houlsby, new Set()), houlsby, 'nothing collapsed: unchanged');
});

test('a composition takes each adapter from its chip in a collapsed layer', () => {
  const attributesFile = path.join(ROOT, 'examples', 'reviews-attributes.adapterlab.json');
  const attributesText = fs.readFileSync(attributesFile, 'utf8');
  const attributes = checkConfigText(attributesText, attributesFile).config!;
  const g = buildGraph(attributes, parseJsonc(attributesText), shape.config, labelCounts(attributes), shape.description);
  const fuse = collapseLayers(
    runView(
      g,
      g.runs.find((r) => r.name === 'composition:fuse-sentiment'),
    ),
    new Set(['L0', 'L1']),
  );
  assert.deepEqual(
    fuse.edges
      .filter((e) => e.kind === 'combines')
      .map((e) => e.from)
      .sort(),
    ['L1.parallel.domain', 'L1.parallel.sentiment'],
  );
  const chips = new Set([...walkItems(fuse.items)].filter(isCompact).map((c) => c.id));
  assert.ok(chips.has('L1.parallel.domain') && chips.has('L1.parallel.sentiment'));
});
