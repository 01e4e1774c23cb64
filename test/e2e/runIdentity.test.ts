// End to end, in a real VS Code: a researcher's day — two configs each trained twice, then all twelve runs of both
// experiments compared in one panel. Every run must be told apart in the table, the run selector (the legend), the
// scatter and the exported CSV, no two runs may share a colour, and hiding a run in the selector must take its lines
// out of every chart. Screenshots in the dark, light and high-contrast themes: test-artifacts/e2e/4x-*.png.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { makeWorkspace, runCli, tinyConfig } from '../helpers/workspace';
import type { CodeServer } from './codeServer';
import {
  ARTIFACTS,
  type Workbench,
  contextMenu,
  startWorkbench,
  retry,
  runRow,
  scenarioStep,
  screenshot,
  setColorTheme,
  showSideBar,
  webviewFrame,
} from './workbench';

const UI_TIMEOUT = 60_000;
const TEST_TIMEOUT = 400_000;

let server: CodeServer;
let workbench: Workbench;
let workspace: string;
let compare: Frame;

/** A scenario step: on failure, a screenshot and the extension's log. */
const step = scenarioStep('4x-', () => workbench && server && { page: workbench.page, userDataDir: server.userDataDir }, TEST_TIMEOUT);

/** Every run the four trainings made: tiny twice (4 runs each), second twice (adapter:mood and full). */
const LABELS = [
  ...['adapter:mood', 'full'].flatMap((name) => [`second · ${name} #1`, `second · ${name} #2`]),
  ...['adapter:mood', 'adapter:topic', 'full', 'head-only'].flatMap((name) => [`tiny · ${name} #1`, `tiny · ${name} #2`]),
].sort();
const RUNS = LABELS.length;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { dir } = makeWorkspace(tinyConfig());
  workspace = dir;
  const second = tinyConfig({ name: 'second', adapters: { mood: { method: 'lora', r: 2 } }, baselines: ['full'] });
  fs.writeFileSync(path.join(dir, 'second.adapterlab.json'), JSON.stringify(second, null, 2));
  // Training from the terminal is how the runs come to be here; what is tested is how the editor shows them.
  for (const config of ['tiny.adapterlab.json', 'tiny.adapterlab.json', 'second.adapterlab.json', 'second.adapterlab.json']) {
    const r = runCli(['train', config], dir);
    assert.equal(r.status, 0, `${config}: ${r.stderr}`);
  }
  ({ server, workbench } = await startWorkbench(workspace, 'code-server-identity.log'));
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

step('the Runs tree names the second training of a config by its attempt', async () => {
  const { page } = workbench;
  await showSideBar(page, 'Adapter Lab');
  await runRow(page, 'full #2, completed').first().waitFor({ timeout: UI_TIMEOUT });
  assert.equal(await runRow(page, 'full #1, completed').count(), 2, 'each experiment trained full twice');
  assert.equal(await runRow(page, 'head-only #2, completed').count(), 1);
  await screenshot(page, '40-runs-tree-attempts');
});

step('twelve runs of two experiments compared: each told apart in the table and the run selector, each its own colour', async () => {
  const { page } = workbench;
  const rows = page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row[aria-label*=", completed"]');
  await retry('all the runs in the tree', async () => {
    await page.waitForTimeout(500);
    assert.equal(await rows.count(), RUNS);
  });
  await rows.nth(0).click();
  for (let i = 1; i < RUNS; i++) await rows.nth(i).click({ modifiers: ['Control'] });
  await contextMenu(page, rows.nth(RUNS - 1), 'Compare Runs');
  compare = await webviewFrame(page, 'compare', UI_TIMEOUT, `.run-legend li:nth-child(${RUNS})`);
  await compare
    .locator('#metrics-table tbody tr')
    .nth(RUNS - 1)
    .waitFor({ timeout: UI_TIMEOUT });

  assert.deepEqual((await compare.locator('#metrics-table tbody th').allTextContents()).sort(), LABELS);
  assert.deepEqual((await compare.locator('.run-legend .run-name').allTextContents()).sort(), LABELS);
  // Each legend row also has the attempt, a short time and id: "#2 · 12-05 21:04 · k3x9q1".
  for (const detail of await compare.locator('.run-legend .detail').allTextContents()) assert.match(detail, /#\d · \d\d-\d\d \d\d:\d\d · [0-9a-z]{6}/);

  // No two runs of the panel share a colour: the selector's rows, the table's swatches and the lines agree.
  const colors = await compare
    .locator('.run-legend li')
    .evaluateAll((items) => items.map((li) => (li as unknown as { dataset: Record<string, string> }).dataset.color));
  assert.equal(new Set(colors).size, RUNS, colors.join(' '));
  const swatches = await compare
    .locator('#metrics-table tbody .swatch')
    .evaluateAll((dots) =>
      dots.map((d) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(d).backgroundColor),
    );
  assert.equal(new Set(swatches).size, RUNS, swatches.join(' '));

  // Short numbers, headers on one line, the best value of each column marked without colour.
  const params = await compare.locator('#metrics-table tbody tr', { hasText: 'tiny · full #1' }).locator('td').allTextContents();
  assert.ok(
    params.some((cell) => /^\d+(\.\d+)?k$/.test(cell)),
    `trainable params as 12.3k: ${params.join(' | ')}`,
  );
  assert.ok((await compare.locator('#metrics-table td.best').count()) > 0);
  assert.match((await compare.locator('#metrics-table td.best').first().textContent()) ?? '', /★/);
  const headHeights = await compare
    .locator('#metrics-table thead th')
    .evaluateAll((ths) => ths.map((th) => (th as unknown as { offsetHeight: number }).offsetHeight));
  assert.ok(Math.max(...headHeights) < 40, `one line of header: ${headHeights.join(' ')}`);
  await page.waitForTimeout(500);
  await screenshot(page, '41-compare-two-experiments');
});

step('the table sorts by a clicked header and filters its rows', async () => {
  const { page } = workbench;
  await compare.locator('#metrics-table thead button', { hasText: 'mood test acc' }).click();
  const column = (await compare.locator('#metrics-table thead th').allTextContents()).findIndex((h) => h.startsWith('mood test acc'));
  const values = async () =>
    (
      await compare
        .locator('#metrics-table tbody tr')
        .evaluateAll((trs, i) => trs.map((tr) => (tr as unknown as { children: { textContent: string }[] }).children[i].textContent), column)
    ).map((t) => parseFloat(t));
  const descending = (await values()).filter((v) => !Number.isNaN(v));
  assert.deepEqual(
    descending,
    [...descending].sort((a, b) => b - a),
    'accuracy: best first',
  );
  // The keyboard does it too: Enter on the focused header turns the order round.
  await compare.locator('#metrics-table thead button', { hasText: 'mood test acc' }).press('Enter');
  const ascending = (await values()).filter((v) => !Number.isNaN(v));
  assert.deepEqual(
    ascending,
    [...ascending].sort((a, b) => a - b),
  );
  await compare.locator('#table-filter').fill('^second');
  await retry('the filtered table', async () => assert.equal(await compare.locator('#metrics-table tbody tr').count(), 4));
  await compare.locator('#table-filter').fill('');
  await page.waitForTimeout(200);
  assert.equal(await compare.locator('#metrics-table tbody tr').count(), RUNS);
});

step('the scatter plots each run on each attribute, says which accuracy, and counts the adapters together', async () => {
  const { page } = workbench;
  const points = compare.locator('#scatter-points li');
  // tiny: 2 adapters (1 attribute each) + full and head-only (2 each), twice; second: its adapter (mood) + full, twice.
  assert.equal(await points.count(), 2 * (2 + 4) + 2 * (1 + 2));
  const texts = await points.allTextContents();
  assert.equal(new Set(texts).size, texts.length, 'every point is a different run and attribute');
  for (const text of texts) assert.match(text, /: (mood|topic) test accuracy \d+\.\d% with [\d.]+k? trainable parameters$/);
  assert.ok(texts.some((t) => t.startsWith('tiny · full #2 · topic:')));
  assert.equal(await compare.locator('#scatter-note').textContent(), '', 'every finished run is in the scatter');
  await compare.locator('#scatter').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await screenshot(page, '42-compare-scatter-each-attribute');

  await compare.locator('#scatter-view').selectOption('all');
  await retry('the all-attributes view', async () => assert.match((await points.first().textContent()) ?? '', /mean test accuracy over/));
  const all = await points.allTextContents();
  assert.ok(
    all.some((t) => /^tiny · 2 adapters \(mood, topic\): mean test accuracy over mood, topic, each adapter on its own; parameters summed/.test(t)),
    all.join('\n'),
  );
  await page.waitForTimeout(300);
  await screenshot(page, '43-compare-scatter-all-attributes');
  await compare.locator('#scatter-view').selectOption('each');
});

step('hiding a run in the selector takes its lines out of every chart and its points out of the scatter', async () => {
  const { page } = workbench;
  const hiddenId = await compare.locator('.run-legend li', { hasText: 'tiny · full #1' }).getAttribute('data-run');
  assert.ok(hiddenId);
  const cards = compare.locator('.chart-card');
  await retry('every run drawn', async () => {
    const shown = await cards.evaluateAll((els) => els.map((el) => (el as unknown as { dataset: Record<string, string> }).dataset.shownRuns ?? ''));
    assert.equal(shown.length, 4);
    assert.ok(
      shown.every((ids) => ids.split(' ').includes(hiddenId)),
      'the run is in every chart before',
    );
  });
  await compare.locator('.run-legend li', { hasText: 'tiny · full #1' }).locator('input[type="checkbox"]').click();
  await retry('the run gone from every chart', async () => {
    const shown = await cards.evaluateAll((els) => els.map((el) => (el as unknown as { dataset: Record<string, string> }).dataset.shownRuns ?? ''));
    assert.ok(
      shown.every((ids) => !ids.split(' ').includes(hiddenId)),
      shown.join(' | '),
    );
    assert.ok(shown.every((ids) => ids.split(' ').length === RUNS - 1));
  });
  const pointRuns = await compare
    .locator('#scatter-points li')
    .evaluateAll((lis) => lis.map((li) => (li as unknown as { dataset: Record<string, string> }).dataset.runs));
  assert.ok(!pointRuns.some((ids) => ids.split(' ').includes(hiddenId)));
  assert.equal(await compare.locator('#run-count').textContent(), `${RUNS - 1} of ${RUNS} runs shown`);
  await compare.locator('#charts').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await screenshot(page, '44-compare-curves-one-hidden');
  // The filter box hides what it does not match, in every chart too.
  await compare.locator('#run-filter').fill('second');
  await retry('the filter', async () => assert.equal(await compare.locator('#run-count').textContent(), `4 of ${RUNS} runs shown`));
  await compare.locator('#run-filter').fill('');
  await compare.locator('#show-all-runs').click();
  await retry('all shown again', async () => assert.equal(await compare.locator('#run-count').textContent(), `${RUNS} of ${RUNS} runs shown`));
});

step('the exported CSV tells every run apart: label, run id, experiment and attempt columns, numbers as numbers', async () => {
  const { page } = workbench;
  await compare.locator('vscode-button', { hasText: 'Export CSV' }).click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT });
  await retry('the save dialog', async () => {
    await page.waitForTimeout(250);
    assert.match(await input.inputValue(), /\.csv$/);
  });
  const target = path.join(workspace, 'two-experiments.csv');
  await input.fill(target);
  await page.keyboard.press('Enter');
  await retry('the exported file', async () => {
    await page.waitForTimeout(1000);
    assert.ok(fs.existsSync(target), `${target} written`);
  });
  const [head, ...lines] = fs.readFileSync(target, 'utf8').trim().split('\n');
  assert.ok(head.startsWith('run,run id,experiment,attempt,status,'), head);
  const cells = lines.map((l) => l.split(','));
  assert.deepEqual(cells.map((c) => c[0]).sort(), LABELS);
  assert.equal(new Set(cells.map((c) => c[1])).size, RUNS, 'a run id each');
  assert.deepEqual([...new Set(cells.map((c) => c[2]))].sort(), ['second', 'tiny']);
  assert.deepEqual(
    cells
      .filter((c) => c[0].startsWith('tiny · full'))
      .map((c) => c[3])
      .sort(),
    ['1', '2'],
  );
  const params = head.split(',').indexOf('trainable params');
  for (const c of cells) assert.match(c[params], /^\d+$/, 'a whole count, not 1.2k');
});

step('the smoothing slider shows where the keyboard focus is', async () => {
  const { page } = workbench;
  const slider = compare.locator('#smoothing');
  await slider.scrollIntoViewIfNeeded();
  await slider.focus();
  await slider.press('ArrowRight'); // a keyboard user's focus: :focus-visible
  const outline = await slider.evaluate((el) => {
    const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
    return `${style.outlineStyle} ${style.outlineWidth}`;
  });
  assert.equal(outline, 'solid 1px');
  await page.waitForTimeout(200);
  await screenshot(page, '44b-smoothing-focus-ring');
});

step('light and high-contrast themes: the selector, table, scatter and curves stay readable', async () => {
  const { page } = workbench;
  await compare.locator('#root').evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
  for (const [theme, name] of [
    ['Default Light Modern', 'light'],
    ['Default High Contrast', 'high-contrast'],
  ] as const) {
    await setColorTheme(page, theme, async () => compare);
    await compare.locator('h1').scrollIntoViewIfNeeded();
    await screenshot(page, `45-compare-${name}`);
    await compare.locator('#scatter').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, `46-compare-scatter-${name}`);
    await compare.locator('#charts').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, `47-compare-curves-${name}`);
  }
  await setColorTheme(page, 'Default Dark Modern', async () => compare);
});
