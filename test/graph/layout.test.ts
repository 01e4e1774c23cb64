// The graph view's layout (webview/graph/layout.ts, elkjs): every box is at least as wide as its header line, so a
// group's title (a K-adapter's "linguistic · K-Adapter — knowledge: pos", a layer's header) is never cut at its edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseJsonc } from '../../src/core/config/parse';
import { checkConfigText } from '../../src/core/config/validate';
import { buildGraph } from '../../src/core/graph/build';
import { baseShapeOf } from '../../src/core/parameters/baseShape';
import { labelCounts } from '../../src/core/parameters/labels';
import { runView } from '../../src/common/graphRuns';
import { PADDING, layoutGraph, nodeLines } from '../../webview/graph/layout';
import { ROOT } from '../helpers/workspace';

/** A fixed-width font: 7 px a character (8 bold), as a canvas would measure it. */
const measure = (text: string, bold: boolean) => text.length * (bold ? 8 : 7);

test('every group of the knowledge example, in every run’s view, is as wide as its header', async () => {
  const file = path.join(ROOT, 'examples', 'knowledge.adapterlab.json');
  const text = fs.readFileSync(file, 'utf8');
  const { config, problems } = checkConfigText(text, file);
  assert.deepEqual(problems, []);
  const shape = baseShapeOf(config!.base);
  const model = buildGraph(config!, parseJsonc(text), shape.config, labelCounts(config!), shape.description);
  let groups = 0;
  for (const run of model.runs) {
    const laid = await layoutGraph(runView(model, run), measure);
    for (const { item, box } of laid.items) {
      if (item.type !== 'group') continue;
      groups++;
      const header = measure(nodeLines(item)[0], true) + 2 * PADDING;
      assert.ok(box.width >= header - 0.5, `${run.name}: "${nodeLines(item)[0]}" needs ${header} px, its box is ${box.width.toFixed(1)} wide`);
    }
  }
  assert.ok(groups > model.runs.length, 'the views have groups to check');
});
