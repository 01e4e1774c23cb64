// End to end in a real VS Code: the composition graph of a config (from its CodeLens) with a node per adapter per
// layer and a group per composition block, clicks that select the definition in the editor, live redraws (and the
// problems instead of a stale graph), light and high-contrast themes; the parameters view of a config (the same
// numbers as `adapter-lab inspect`), of a trained run and of a damaged run folder. Screenshots: test-artifacts/e2e/3*.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { formatCount } from '../../src/cli/report';
import { checkConfigText } from '../../src/core/config/validate';
import { blocksOf } from '../../src/core/composition/tree';
import { BLOCKS } from '../../src/common/blocks';
import { makeWorkspace, runCli, tinyConfig } from '../helpers/workspace';
import type { CodeServer } from './codeServer';
import { drawnGraphFrame, graphNodes, placementsOf, showRun } from './graphView';
import {
  ARTIFACTS,
  type Workbench,
  contextMenu,
  explorerRow,
  startWorkbench,
  retry,
  runRow,
  screenshot,
  scenarioStep,
  setColorTheme,
  showSideBar,
  waitForSavedPanels,
  webviewContent,
  webviewFrame,
} from './workbench';

const UI_TIMEOUT = 60_000;
const TEST_TIMEOUT = 300_000;

let server: CodeServer;
let workbench: Workbench;
let workspace: string;
let configFile: string;
let configText: string;

/** Three layers; Houlsby (AdapterDrop on layer 0), Pfeiffer, LoRA; a Fuse, a Stack and a Parallel composition. */
const CONFIG = tinyConfig({
  base: { random: { hiddenSize: 16, layers: 3, heads: 2, intermediateSize: 32, vocabSize: 120, maxPositions: 32 } },
  tasks: { mood: { labels: ['neg', 'pos'] }, topic: { labels: ['film', 'food'] } },
  adapters: {
    mood: { method: 'houlsby', bottleneckSize: 4, adapterDrop: { mode: 'specialised', layers: 1 } },
    topic: { method: 'pfeiffer', bottleneckSize: 4, leaveOut: [2] },
    lora: { method: 'lora', task: 'topic', r: 2 },
  },
  compositions: {
    fused: { setup: 'Fuse(mood, topic)', task: 'mood' },
    both: { setup: 'Parallel(Stack(lora, mood), topic)' },
  },
  train: { batchSize: 8, maxLength: 16, logEvery: 2, epochs: 1 },
});

/** A scenario step: on failure, a screenshot and the extension's log. */
const step = scenarioStep('3x-', () => workbench && server && { page: workbench.page, userDataDir: server.userDataDir }, TEST_TIMEOUT);

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  ({ dir: workspace, configFile } = makeWorkspace(CONFIG));
  configText = fs.readFileSync(configFile, 'utf8');
  // A finished run to show the parameters of (trained with the CLI: the training UI has its own e2e) ...
  const trained = runCli(['train', configFile, '--only', 'adapter:mood'], workspace);
  assert.equal(trained.status, 0, trained.stderr);
  // ... and a damaged one: a run record without its config snapshot, no summary.json, a torn metrics.jsonl.
  const damaged = path.join(workspace, '.adapterlab', 'runs', '2020-01-01T00-00-00-tiny-damaged');
  fs.mkdirSync(damaged, { recursive: true });
  fs.writeFileSync(
    path.join(damaged, 'run.json'),
    JSON.stringify({
      id: 'damaged',
      experiment: 'tiny',
      name: 'adapter:damaged',
      type: 'adapter',
      tasks: ['mood'],
      status: 'failed',
      createdAt: '2020-01-01T00:00:00.000Z',
    }),
  );
  fs.writeFileSync(path.join(damaged, 'metrics.jsonl'), '{"kind":"progress","step":1,"totalSt');
  ({ server, workbench } = await startWorkbench(workspace, 'code-server-graph.log'));
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** Opens the config from the explorer, scrolled to its top where the CodeLenses are. */
async function openConfig(page: Page): Promise<void> {
  await showSideBar(page, 'Explorer');
  const row = explorerRow(page, 'tiny.adapterlab.json');
  await row.waitFor({ timeout: UI_TIMEOUT });
  await row.click();
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.waitFor({ timeout: UI_TIMEOUT });
  await editor.click();
  await page.keyboard.press('Control+Home');
}

/** Polls `check` until it passes: the host answers a webview's click asynchronously. */
async function eventually(what: string, check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function codeLens(page: Page, title: string): Promise<void> {
  await retry(`CodeLens "${title}"`, async () => {
    await page.locator('.codelens-decoration a', { hasText: title }).first().click({ timeout: 10_000 });
  });
}

/** The status bar's selection item: "Ln 12, Col 5 (87 selected)". */
async function selectionStatus(page: Page): Promise<string> {
  return (await page.locator('[id="status.editor.selection"]').innerText()).replace(/\s+/g, ' ').trim();
}

/** Where `text` ends in the config (1-based line and column after its last character) and its length. */
function expectedSelection(text: string): string {
  const start = configText.indexOf(text);
  assert.ok(start >= 0, `the config contains ${text}`);
  const before = configText.slice(0, start + text.length).split('\n');
  return `Ln ${before.length}, Col ${before[before.length - 1].length + 1} (${text.length} selected)`;
}

step('Show Graph draws each run: a node per adapter per layer, a group per composition block', async () => {
  const { page } = workbench;
  await openConfig(page);
  await codeLens(page, 'Show Graph');
  const frame = await drawnGraphFrame(page, UI_TIMEOUT);
  assert.deepEqual(await frame.locator('#graph-run option').allInnerTexts(), [
    'adapter:mood',
    'adapter:topic',
    'adapter:lora',
    'head-only',
    'composition:fused',
    'composition:both',
  ]);

  // Each adapter run draws its adapter alone, in every layer it sits in (the layers expanded).
  const placed = async (run: string, name: string) => {
    await showRun(frame, run, true);
    const adapters = await graphNodes(frame, 'svg [data-kind="adapter"]');
    assert.deepEqual([...new Set(adapters.map((n) => n['data-adapter']))], [name], `${run} draws ${name} only`);
    return { adapters, placements: placementsOf(adapters, name) };
  };
  const mood = await placed('adapter:mood', 'mood');
  assert.deepEqual(mood.placements, [
    '0:after-attention',
    '0:after-feed-forward',
    '1:after-attention',
    '1:after-feed-forward',
    '2:after-attention',
    '2:after-feed-forward',
  ]);
  assert.deepEqual(
    mood.adapters
      .filter((n) => n['data-dropped'] === 'true')
      .map((n) => n['data-id'])
      .sort(),
    ['L0.after-attention.mood', 'L0.after-feed-forward.mood'],
    'AdapterDrop drops layer 0',
  );
  assert.equal(await frame.locator('svg [data-kind="layer"]').count(), 3);
  assert.equal(await frame.locator('svg [data-kind="head"]').count(), 1, "the run's head");
  assert.deepEqual((await placed('adapter:topic', 'topic')).placements, ['0:after-feed-forward', '1:after-feed-forward'], 'left out of layer 2');
  assert.deepEqual((await placed('adapter:lora', 'lora')).placements, ['0:inside', '1:inside', '2:inside']);

  // The compositions: their blocks over the adapters' own nodes, joined by edges; no copies inside the blocks.
  const { config } = checkConfigText(configText, configFile);
  const blocks: string[] = [];
  for (const c of config!.compositions) {
    await showRun(frame, `composition:${c.name}`, true);
    const written = BLOCKS.flatMap((kind) => blocksOf(c.setup, kind).map(() => kind)).sort();
    const drawn = (await graphNodes(frame, 'svg [data-block]')).map((b) => b['data-block']!).sort();
    assert.deepEqual(drawn, written, c.name);
    blocks.push(...drawn);
    assert.equal(await frame.locator('svg [data-block] [data-adapter]').count(), 0, `${c.name}: no copies of the adapters`);
    assert.ok((await frame.locator('svg [data-edge="combines"]').count()) >= 2, `${c.name}: edges from the adapters`);
  }
  assert.deepEqual(blocks.sort(), ['Fuse', 'Parallel', 'Stack']);
  await showRun(frame, 'composition:fused', true);
  assert.equal(await frame.locator('svg [data-block="Fuse"]').getAttribute('data-trainable'), 'true');
  const layoutMs = Number(await frame.locator('svg').getAttribute('data-layout-ms'));
  assert.ok(layoutMs > 0);
  console.log(`graph layout (elkjs, in the webview): ${layoutMs} ms`);
  await screenshot(page, '30-graph');
  const zoomBefore = await frame.locator('#zoom-level').innerText();
  await frame.locator('#zoom-in').click();
  assert.notEqual(await frame.locator('#zoom-level').innerText(), zoomBefore, 'the zoom buttons zoom');
  await frame.locator('#fit').click();
});

step('clicking a node selects its definition in the config', async () => {
  const { page } = workbench;
  const frame = await webviewFrame(page, 'graph');
  await showRun(frame, 'adapter:topic', true);
  await frame.locator('[data-id="L1.after-feed-forward.topic"]').click();
  const topic = configText.slice(configText.indexOf('"topic": {\n      "method": "pfeiffer"'));
  const definition = topic.slice(0, topic.indexOf('}') + 1);
  await eventually('the selection', async () => assert.equal(await selectionStatus(page), expectedSelection(definition)));
  await screenshot(page, '31-graph-click-selects');

  await showRun(await webviewFrame(page, 'graph'), 'composition:fused');
  await (await webviewFrame(page, 'graph')).locator('[data-block="Fuse"] > text').click();
  await eventually('the block selection', async () => assert.equal(await selectionStatus(page), expectedSelection('Fuse(mood, topic)')));
});

step('editing the config redraws the graph; an invalid config shows its problems instead', async () => {
  const { page } = workbench;
  // Break it: text after the closing brace is a syntax error.
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' oops');
  const frame = await webviewFrame(page, 'graph');
  const problem = frame.locator('#problems li').first();
  await problem.waitFor({ timeout: UI_TIMEOUT });
  assert.match(await problem.innerText(), /^\d+:\d+ /);
  assert.equal(await frame.locator('svg').count(), 0, 'no stale graph');
  await screenshot(page, '32-graph-invalid-config');
  // Take the typed text back key by key and save: how much one Ctrl+Z takes back depends on Monaco's undo stops
  // (a space then a word are two), and VS Code for the Web saves after a delay, so a config left broken on disk
  // would fail every later step (the reload restores it).
  for (let i = 0; i < ' oops'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.press('Control+s');
  await webviewContent(page, 'graph', 'svg [data-kind="layer"]', UI_TIMEOUT);
  await eventually('the config saved as it was', async () => assert.equal(fs.readFileSync(configFile, 'utf8'), configText));
  assert.equal(await (await webviewFrame(page, 'graph')).locator('#problems li').count(), 0);
});

step('the graph is readable in a light and a high-contrast theme', async () => {
  const { page } = workbench;
  const graphView = () => webviewFrame(page, 'graph');
  await setColorTheme(page, 'Default Light Modern', graphView);
  await screenshot(page, '33-graph-light');
  await setColorTheme(page, 'Default High Contrast', graphView);
  await screenshot(page, '34-graph-high-contrast');
  await setColorTheme(page, 'Default Dark Modern', graphView);
});

/** `inspect`'s adapter rows: name → total trainable as it prints it; and full fine-tuning's. */
function inspectFigures(): { adapters: Map<string, string>; full: string } {
  const r = runCli(['inspect', configFile], workspace);
  assert.equal(r.status, 0, r.stderr);
  const adapters = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const cells = line
      .split('│')
      .map((c) => c.trim())
      .filter(Boolean);
    if (cells.length > 4 && cells[0] !== 'adapter') adapters.set(cells[0], `${cells[cells.length - 3]} ${cells[cells.length - 2]}`);
  }
  return { adapters, full: /Full fine-tuning trains (\S+) parameters/.exec(r.stdout)![1] };
}

step('Parameters of a config: a row per run type with the numbers `inspect` prints', async () => {
  const { page } = workbench;
  await openConfig(page);
  await codeLens(page, 'Parameters');
  const frame = await webviewContent(page, 'parameters', '#run-types tbody tr', UI_TIMEOUT);
  const rows = await frame.locator('#run-types tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      run: tr.getAttribute('data-run')!,
      trainable: Number(tr.querySelector('[data-col="trainable"]')!.getAttribute('data-value')),
      percent: tr.querySelector('[data-col="percent"]')!.textContent!,
    })),
  );
  assert.deepEqual(
    rows.map((r) => r.run),
    ['full', 'head-only', 'adapter:mood', 'adapter:topic', 'adapter:lora', 'composition:fused', 'composition:both'],
  );
  const printed = inspectFigures();
  for (const row of rows.filter((r) => r.run.startsWith('adapter:')))
    assert.equal(`${formatCount(row.trainable)} ${row.percent}`, printed.adapters.get(row.run.slice('adapter:'.length)), row.run);
  assert.equal(formatCount(rows[0].trainable), printed.full);
  assert.equal(await frame.locator('#per-layer tbody tr[data-part^="layer-"]').count(), 3);
  assert.ok((await frame.locator('#projection tbody tr').count()) >= 3);
  await frame.locator('canvas').first().waitFor();
  await screenshot(page, '35-parameters-config');
});

step('Show Parameters on a trained run and on a damaged run folder', async () => {
  const { page } = workbench;
  await showSideBar(page, 'Adapter Lab');
  const run = runRow(page, 'adapter:mood, completed');
  await run.waitFor({ timeout: UI_TIMEOUT });
  await contextMenu(page, run, 'Show Parameters');
  await retry('the run parameters', async () => {
    const frame = await webviewFrame(page, 'parameters');
    await frame.locator('tr.this-run[data-run="adapter:mood"]').waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('tr.this-run').innerText(), /trainable of [\d,]+ \([\d.]+%\)\s+[\d.]+ [KMG]?B on disk/);
  });
  await screenshot(page, '36-parameters-run');

  const damaged = runRow(page, 'adapter:damaged');
  await damaged.waitFor({ timeout: UI_TIMEOUT });
  await contextMenu(page, damaged, 'Show Parameters');
  await retry('the damaged run message', async () => {
    const frame = await webviewFrame(page, 'parameters');
    const error = frame.locator('#parameters-error');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.innerText(), /no config snapshot/);
    assert.match(await frame.locator('#root').innerText(), /summary\.json is missing/);
  });
  await screenshot(page, '37-parameters-damaged-run');
});

step('the graph and the parameters panels come back after a reload, with their content', async () => {
  const { page } = workbench;
  const heading = await (await webviewFrame(page, 'parameters')).locator('h1').innerText();
  const graph = await drawnGraphFrame(page, UI_TIMEOUT);
  const title = await graph.locator('h1').innerText();
  await showRun(graph, 'adapter:mood', true);
  await graph.locator('#zoom-in').click();
  await graph.locator('#graph').evaluate((c) => c.scrollTo(0, 40));
  const nodes = (await graphNodes(graph, 'svg [data-kind="adapter"]')).map((n) => n['data-id']).sort();
  assert.equal(nodes.length, 6, 'mood in 3 layers × 2 places');
  const viewport = async (frame: Frame) => ({
    zoom: await frame.locator('#zoom-level').innerText(),
    run: await frame.locator('#graph-run').inputValue(),
    top: await frame.locator('#graph').evaluate((c) => c.scrollTop),
  });
  const before = await viewport(graph);
  const panels = (await page.locator('.tab').allInnerTexts()).map((t) => t.trim()).filter((t) => /^(Graph|Parameters): /.test(t));
  assert.ok(panels.includes('Graph: tiny') && panels.length >= 2, `the panels open: ${panels.join(', ')}`);
  await waitForSavedPanels(page, panels, { 'Graph: tiny': '"top":40' }); // the scroll, after the zoom
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
  // Both are visible at once (side by side), so VS Code restores both together, the case where a page can miss its
  // files (see LoadFailedMessage) and the host must load it again.
  await eventually(
    'the restored parameters panel',
    async () => assert.equal(await (await webviewFrame(page, 'parameters', 5000)).locator('h1').innerText(), heading),
    UI_TIMEOUT,
  );
  await eventually(
    'the restored graph panel',
    async () => {
      const restored = await drawnGraphFrame(page, 5000);
      assert.equal(await restored.locator('h1').innerText(), title);
      assert.deepEqual((await graphNodes(restored, 'svg [data-kind="adapter"]')).map((n) => n['data-id']).sort(), nodes);
      assert.deepEqual(await viewport(restored), before, 'the run, zoom and scroll position come back');
    },
    UI_TIMEOUT,
  );
  await screenshot(page, '38-after-reload');
});
