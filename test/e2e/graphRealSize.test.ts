// End to end in a real VS Code at 1280×800: the graphs of the bigger example configs (reviews-methods, five
// alternative methods for one task; reviews-attributes, compositions and a merge) at the zoom they open at, with
// every visible text at least 11 px on screen, in the dark, light and high-contrast themes; the canvas filling the
// panel under a one-line toolbar; alternatives drawn one run at a time and compositions over the adapters' own
// nodes; a problem's location that selects its text; an edit that keeps the viewport. Screenshots: 39*.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { ROOT } from '../helpers/workspace';
import type { CodeServer } from './codeServer';
import { drawnGraphFrame, graphNodes, redrawn, showRun, smallestVisibleText } from './graphView';
import {
  ARTIFACTS,
  type Workbench,
  explorerRow,
  startWorkbench,
  retry,
  runCommand,
  scenarioStep,
  screenshot,
  setColorTheme,
  showSideBar,
  webviewFrame,
} from './workbench';

const UI_TIMEOUT = 60_000;
const TEST_TIMEOUT = 300_000;
const CONFIGS = ['reviews-methods', 'reviews-attributes'];
const THEMES: [theme: string, suffix: string][] = [
  ['Default Dark Modern', 'dark'],
  ['Default Light Modern', 'light'],
  ['Default High Contrast', 'high-contrast'],
];

let server: CodeServer;
let workbench: Workbench;
let workspace: string;

/** A scenario step: on failure, a screenshot and the extension's log. */
const step = scenarioStep('39-', () => workbench && server && { page: workbench.page, userDataDir: server.userDataDir }, TEST_TIMEOUT);

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // The examples as a user copies them: the shipped base and data are built in, the graph needs nothing trained.
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-graph-'));
  for (const name of CONFIGS) fs.copyFileSync(path.join(ROOT, 'examples', `${name}.adapterlab.json`), path.join(workspace, `${name}.adapterlab.json`));
  ({ server, workbench } = await startWorkbench(workspace, 'code-server-graph-real-size.log'));
  await workbench.page.setViewportSize({ width: 1280, height: 800 });
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

async function openGraph(page: Page, name: string): Promise<Frame> {
  await runCommand(page, 'View: Close All Editors'); // one graph panel at a time: the frame found is this one
  await showSideBar(page, 'Explorer');
  const row = explorerRow(page, `${name}.adapterlab.json`);
  await row.waitFor({ timeout: UI_TIMEOUT });
  await row.click();
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.waitFor({ timeout: UI_TIMEOUT });
  await editor.click();
  await page.keyboard.press('Control+Home');
  await retry('the Show Graph CodeLens', async () => {
    await page.locator('.codelens-decoration a', { hasText: 'Show Graph' }).first().click({ timeout: 10_000 });
  });
  return retry(`the graph of ${name}`, async () => {
    const frame = await drawnGraphFrame(page, UI_TIMEOUT);
    assert.match(await frame.locator('h1').innerText(), new RegExp(`: ${name}$`));
    return frame;
  });
}

const graphView = () => webviewFrame(workbench.page, 'graph');

/** Every visible text ≥ 11 px on screen; the canvas fills the panel under a one-line toolbar. */
async function assertReadableAndFull(frame: Frame, what: string): Promise<void> {
  const text = await smallestVisibleText(frame);
  console.log(`${what}: ${text.texts} texts in view, the smallest ${text.px.toFixed(2)} px at zoom ${await frame.locator('#zoom-level').innerText()}`);
  assert.ok(text.texts > 5, `${what}: texts in view`);
  assert.ok(text.px >= 11, `${what}: the smallest text in view is ${text.px.toFixed(2)} px`);
  const box = await frame
    .locator('#graph')
    .evaluate((c) => ({ bottom: c.getBoundingClientRect().bottom, height: c.clientHeight, page: c.ownerDocument.defaultView!.innerHeight }));
  assert.ok(box.page - box.bottom < 16 && box.height > 430, `${what}: the canvas fills the panel (${JSON.stringify(box)})`);
  const toolbar = await frame.locator('.graph-toolbar').evaluate((t) => ({ height: t.getBoundingClientRect().height, cut: t.scrollWidth > t.clientWidth }));
  assert.ok(toolbar.height < 40 && !toolbar.cut, `${what}: a one-line toolbar, nothing cut off (${JSON.stringify(toolbar)})`);
}

step('reviews-methods: each method its own run, readable at the zoom it opens at, in three themes', async () => {
  const { page } = workbench;
  const frame = await openGraph(page, 'reviews-methods');
  const runs = await frame.locator('#graph-run option').allInnerTexts();
  assert.deepEqual(runs, ['adapter:houlsby', 'adapter:lora', 'adapter:ia3', 'adapter:arc', 'adapter:prefix', 'head-only']);
  // The alternatives are never drawn active at once: one method's adapters at a time.
  const adapters = async () => [...new Set((await graphNodes(frame, 'svg [data-adapter]')).map((n) => n['data-adapter']))];
  assert.deepEqual(await adapters(), ['houlsby']);
  await assertReadableAndFull(frame, 'reviews-methods, adapter:houlsby');
  for (const [theme, suffix] of THEMES) {
    if (suffix !== 'dark') await setColorTheme(page, theme, graphView);
    await assertReadableAndFull(await webviewFrame(page, 'graph'), `reviews-methods (${suffix})`);
    await screenshot(page, `39a-graph-methods-${suffix}`);
  }
  await setColorTheme(page, 'Default Dark Modern', graphView);
  const dark = await webviewFrame(page, 'graph');
  await showRun(dark, 'adapter:arc');
  assert.deepEqual(await adapters(), ['arc']);
  await assertReadableAndFull(dark, 'reviews-methods, adapter:arc');
  // A collapsed layer expands on a click on its header.
  const collapsed = dark.locator('svg [data-kind="layer"][data-collapsed="true"]');
  if ((await collapsed.count()) > 0) {
    await redrawn(dark, () => collapsed.first().locator(':scope > text').click());
    assert.equal(await dark.locator('svg [data-kind="layer"][data-collapsed="false"]').count(), 1);
  }
  await screenshot(page, '39b-graph-methods-arc');
  // Zooming out past readable collapses the layers again (semantic zoom).
  await redrawn(dark, async () => {
    while (Number((await dark.locator('#zoom-level').innerText()).replace('%', '')) >= 92) await dark.locator('#zoom-out').click();
  });
  assert.equal(await dark.locator('svg [data-kind="layer"][data-collapsed="false"]').count(), 0);
});

step("reviews-attributes: compositions over the adapters' own nodes, readable, in three themes", async () => {
  const { page } = workbench;
  const frame = await openGraph(page, 'reviews-attributes');
  await showRun(frame, 'composition:fuse-sentiment');
  // One node (or chip) per adapter per layer; the Fuse block takes them by edges, it has no copies inside.
  const adapterIds = (await graphNodes(frame, 'svg [data-adapter]')).map((n) => n['data-id']);
  assert.equal(new Set(adapterIds).size, adapterIds.length);
  assert.equal(await frame.locator('svg [data-block="Fuse"] [data-adapter]').count(), 0);
  assert.equal(await frame.locator('svg [data-edge="combines"]').count(), 2);
  for (const [theme, suffix] of THEMES) {
    if (suffix !== 'dark') await setColorTheme(page, theme, graphView);
    await assertReadableAndFull(await webviewFrame(page, 'graph'), `reviews-attributes, composition:fuse-sentiment (${suffix})`);
    await screenshot(page, `39c-graph-attributes-${suffix}`);
  }
  await setColorTheme(page, 'Default Dark Modern', graphView);
  const dark = await webviewFrame(page, 'graph');
  await showRun(dark, 'adapter:sentiment');
  await assertReadableAndFull(dark, 'reviews-attributes, adapter:sentiment');
  await screenshot(page, '39d-graph-attributes-sentiment');
});

/** The status bar's cursor position: "Ln 12, Col 5". */
async function cursorStatus(page: Page): Promise<string> {
  return (await page.locator('[id="status.editor.selection"]').innerText()).replace(/\s+/g, ' ').trim();
}

step("an edit keeps the viewport; a problem's location selects its text in the editor", async () => {
  const { page } = workbench;
  let frame = await webviewFrame(page, 'graph');
  // Zoomed in until the graph scrolls, and scrolled into it.
  for (let i = 0; i < 8 && (await frame.locator('#graph').evaluate((c) => c.scrollHeight <= c.clientHeight)); i++) await frame.locator('#zoom-in').click();
  await frame.locator('#graph').evaluate((c) => c.scrollTo(c.scrollWidth / 3, c.scrollHeight / 3));
  await page.waitForTimeout(300); // the scroll position saved
  const before = await frame.locator('#graph').evaluate((c) => ({ left: c.scrollLeft, top: c.scrollTop }));
  const zoom = await frame.locator('#zoom-level').innerText();
  assert.ok(before.top > 0, 'scrolled down');

  // A comment after the config: valid, so the graph is drawn again, where the user was.
  const editor = page.locator('.monaco-editor .view-lines').first();
  await redrawn(frame, async () => {
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n// edited');
  });
  const after = await frame.locator('#graph').evaluate((c) => ({ left: c.scrollLeft, top: c.scrollTop }));
  assert.deepEqual(after, before, 'the scroll position after the redraw');
  assert.equal(await frame.locator('#zoom-level').innerText(), zoom);

  // Break it (a word on a line of its own after the config), go to the top, then follow the problem's location.
  await page.keyboard.press('Enter');
  await page.keyboard.type('oops');
  frame = await webviewFrame(page, 'graph');
  const location = frame.locator('#problems a.problem-location').first();
  await location.waitFor({ timeout: UI_TIMEOUT });
  const [line, column] = (await location.innerText()).split(':').map(Number);
  await editor.click();
  await page.keyboard.press('Control+Home');
  await retry('the cursor at the top', async () => {
    await page.waitForTimeout(300);
    assert.match(await cursorStatus(page), /^Ln 1, Col 1/);
  });
  await screenshot(page, '39e-graph-problem-location');
  // Clicked again on a retry: a click can land while the list is drawn anew (each keystroke of the edit posts the
  // problems again, later under load), on a link about to be replaced.
  await retry('the problem selected', async () => {
    await location.click();
    await page.waitForTimeout(500);
    assert.match(await cursorStatus(page), new RegExp(`^Ln ${line}, Col \\d+`));
  });
  assert.ok(line > 1 && column >= 1);
  // Fixed again, the graph comes back where it was. Undone until it is back: the typing of "oops" is not always one
  // undo step (in a fresh-clone CI run the cursor stood at Ln 42, Col 4 after one Ctrl+Z and the problem stayed);
  // undoing into "// edited", the only edit before it, changes nothing the graph draws.
  await retry(
    'the graph drawn again after undoing the break',
    async () => {
      await page.keyboard.press('Control+z');
      await (await webviewFrame(page, 'graph')).locator('svg [data-kind="layer"]').first().waitFor({ timeout: 10_000 });
    },
    8,
  );
  const back = await (await webviewFrame(page, 'graph')).locator('#graph').evaluate((c) => ({ left: c.scrollLeft, top: c.scrollTop }));
  assert.deepEqual(back, before, 'the scroll position after the problems');
});
