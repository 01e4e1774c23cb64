// End to end, in a real VS Code (code-server + chromium, the packaged .vsix): a small sweep (2 bottleneck sizes × 2
// seeds, with full fine-tuning) trained from the explorer's context menu, its sweep panel following it live, the plots
// and the runs table (regex filter, brush, differences only, sort), selected runs opened in Compare runs and the
// curves; then a synthetic sweep of 200 finished runs, where opening the panel and filtering are measured.
// Screenshots: test-artifacts/e2e/4x-*.png; figures: test-artifacts/e2e/sweep-figures.json.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { writeSyntheticSweep } from '../helpers/syntheticSweep';
import { makeWorkspace, tinyConfig } from '../helpers/workspace';
import type { CodeServer } from './codeServer';
import {
  ARTIFACTS,
  type Workbench,
  contextMenu,
  openContextMenu,
  explorerRow,
  startWorkbench,
  retry,
  runCommand,
  screenshot,
  setColorTheme,
  scenarioStep,
  showSideBar,
  webviewContent,
  webviewFrame,
} from './workbench';

const UI_TIMEOUT = 60_000;
const TRAINING_TIMEOUT = 240_000;
const TEST_TIMEOUT = 400_000;

let server: CodeServer;
let workbench: Workbench;
let workspace: string;
const cspViolations: string[] = [];

/** A scenario step: on failure, a screenshot and the extension's log. */
const step = scenarioStep('4x-', () => workbench && server && { page: workbench.page, userDataDir: server.userDataDir }, TEST_TIMEOUT);

const SWEEP = tinyConfig({
  name: 'tinysweep',
  adapters: { mood: { method: 'houlsby', bottleneckSize: 4 } },
  baselines: ['full'],
  sweep: { grid: { 'adapters.mood.bottleneckSize': [2, 8] }, seeds: [1, 2] },
});

/** The sweep panel of an experiment, once it shows that experiment. */
const sweepFrame = (experiment: string) => webviewFrame(workbench.page, 'sweep', UI_TIMEOUT, `h1:text-is("Sweep: ${experiment}")`);
const tableRows = (frame: Frame) => frame.locator('#runs-table tbody tr[data-key]');

/** The runs the table lists (only the rows in view are in the page; a short table has all of them there). */
async function rowCount(frame: Frame, expected: number): Promise<void> {
  await retry(`${expected} rows in the runs table`, async () => {
    await workbench.page.waitForTimeout(300);
    assert.equal(await frame.locator('#runs-table').getAttribute('data-rows'), String(expected));
    if (expected <= 20) assert.equal(await tableRows(frame).count(), expected);
  });
}

/** Scrolls the panel so that the element is at the top, below the sticky bar (the page's scroll-padding-top). */
async function scrollToTop(frame: Frame, selector: string): Promise<void> {
  await frame.evaluate(`document.querySelector(${JSON.stringify(selector)}).scrollIntoView({ block: 'start' })`);
  await workbench.page.waitForTimeout(200);
}

/** Durations of a performance measure the webview recorded (webview/sweep/main.ts). */
async function measures(frame: Frame, name: string): Promise<number[]> {
  return (await frame.evaluate(`performance.getEntriesByName(${JSON.stringify(name)}).map((e) => e.duration)`)) as number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor(s.length / 2)] * 10) / 10 : NaN;
};

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { dir } = makeWorkspace(tinyConfig());
  workspace = dir;
  fs.writeFileSync(path.join(dir, 'sweep.adapterlab.json'), JSON.stringify(SWEEP, null, 2));
  ({ server, workbench } = await startWorkbench(workspace, 'code-server-sweep.log'));
  workbench.page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${message.location().url}: ${message.text()}`);
  });
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

step('Show Sweep is offered on a config with a sweep, not on one without', async () => {
  const { page } = workbench;
  const sweepRow = explorerRow(page, 'sweep.adapterlab.json');
  await sweepRow.waitFor({ timeout: UI_TIMEOUT });
  await openContextMenu(page, sweepRow, 'Show Sweep');
  await screenshot(page, '40-sweep-context-menu');
  await page.keyboard.press('Escape');
  await openContextMenu(page, explorerRow(page, 'tiny.adapterlab.json'), 'Train Adapters');
  assert.equal(await page.getByRole('menuitem', { name: 'Show Sweep' }).count(), 0, 'a config without a sweep has no Show Sweep');
  await page.keyboard.press('Escape');
});

step('a sweep trained from the explorer: its panel follows the runs live until all are done', async (t) => {
  const { page } = workbench;
  const config = explorerRow(page, 'sweep.adapterlab.json');
  await contextMenu(page, config, 'Train Adapters');
  await contextMenu(page, config, 'Show Sweep');
  const frame = await sweepFrame('tinysweep');
  const progress = frame.locator('#progress');
  const seen: string[] = [];
  const deadline = Date.now() + TRAINING_TIMEOUT;
  while (Date.now() < deadline) {
    const text = ((await progress.textContent()) ?? '').split(' · ')[0];
    if (seen.at(-1) !== text) seen.push(text);
    if (text === '6/6 runs done') break;
    await page.waitForTimeout(500);
  }
  t.diagnostic(`progress seen in the panel: ${seen.join(' → ')}`);
  assert.equal(seen.at(-1), '6/6 runs done', `the panel reached the end: ${seen.join(' → ')}`);
  assert.ok(seen.length > 1, `the panel showed the sweep before it was done and updated by itself: ${seen.join(' → ')}`);
  await page.locator('.notification-toast', { hasText: 'tinysweep finished' }).waitFor({ timeout: UI_TIMEOUT });
  await runCommand(page, 'Notifications: Clear All Notifications'); // the toast would cover the panel's screenshots
});

step('the Runs view’s sweep node opens the same panel', async () => {
  const { page } = workbench;
  await runCommand(page, 'View: Close All Editors');
  await showSideBar(page, 'Adapter Lab');
  const sweepNode = page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row', { hasText: /^sweep/ }).first();
  await sweepNode.waitFor({ timeout: UI_TIMEOUT });
  await contextMenu(page, sweepNode, 'Show Sweep');
  const frame = await sweepFrame('tinysweep');
  await rowCount(frame, 6);
  await page.mouse.move(900, 500); // off the tree, whose tooltip would cover the panel
  await screenshot(page, '40b-sweep-from-runs-view');
  await showSideBar(page, 'Explorer');
});

step('the frontier scatter, parallel coordinates and the score per setting draw every setting and run', async () => {
  const { page } = workbench;
  const frame = await sweepFrame('tinysweep');
  // Attribute mood: 2 adapter settings and full; 6 runs (4 adapter runs, 2 of full).
  await retry('the plots', async () => {
    await page.waitForTimeout(300);
    assert.equal(await frame.locator('#frontier-canvas').getAttribute('data-points'), '3');
    assert.equal(await frame.locator('#per-setting-canvas').getAttribute('data-settings'), '3');
    assert.equal(await frame.locator('svg.pc path.pc-line').count(), 6);
  });
  const frontier = Number(await frame.locator('#frontier-canvas').getAttribute('data-frontier'));
  assert.ok(frontier >= 1 && frontier <= 3, `frontier settings: ${frontier}`);
  const axes = await frame.locator('svg.pc .pc-axis').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-axis')));
  assert.deepEqual(axes, [
    'run',
    'value:adapters.mood.bottleneckSize',
    'seed',
    'metric:test',
    'metric:validation',
    'metric:testF1',
    'trainableParams',
    'msPerStep',
  ]);
  await rowCount(frame, 6);
  assert.match((await frame.locator('#settings tbody').textContent()) ?? '', /reference/);
  await screenshot(page, '41-sweep-panel');

  // Hover: the tooltip names the setting nearest the pointer.
  const canvas = frame.locator('#frontier-canvas');
  const box = (await canvas.boundingBox())!;
  await canvas.hover({ position: { x: box.width * 0.3, y: box.height * 0.5 } });
  await page.waitForTimeout(300);
  await screenshot(page, '41b-sweep-scatter-hover');
  assert.ok(box.height > 200, 'the scatter has room');
  await scrollToTop(frame, '#parallel-h');
  await screenshot(page, '42-sweep-parallel-coordinates');
});

step('the runs table: a regex filter shrinks it, a broken one is an error; brush, sort, differences only', async () => {
  const { page } = workbench;
  const frame = await sweepFrame('tinysweep');
  await scrollToTop(frame, '#runs-h');
  const filter = frame.locator('#run-filter');
  await filter.fill('bottleneckSize=2');
  await rowCount(frame, 2);
  await filter.fill('seed 1$|^full');
  await rowCount(frame, 4); // the two adapter settings' seed 1, and both full runs
  await filter.fill('(unclosed');
  await retry('the filter error', async () =>
    assert.match((await frame.locator('#filter-error').textContent()) ?? '', /Not a regular expression: Unterminated group/),
  );
  await rowCount(frame, 6);
  await screenshot(page, '43-sweep-filter-error');
  await filter.fill('');

  // Brush the seed axis's top half (seed 2): the other runs fade and leave the table; a click clears it.
  await scrollToTop(frame, '#parallel-h');
  const seedAxis = frame.locator('svg.pc .pc-axis[data-axis="seed"] .pc-hit');
  const hit = (await seedAxis.boundingBox())!;
  await page.mouse.move(hit.x + hit.width / 2, hit.y + 4);
  await page.mouse.down();
  await page.mouse.move(hit.x + hit.width / 2, hit.y + hit.height * 0.3, { steps: 5 });
  await page.mouse.up();
  await retry('the brush', async () => assert.equal(await frame.locator('svg.pc').getAttribute('data-kept'), '3'));
  await rowCount(frame, 3);
  await screenshot(page, '44-sweep-brushed');
  await seedAxis.click();
  await rowCount(frame, 6);
  // The keyboard brushes too: focus an axis, an arrow makes a brush.
  await frame.locator('svg.pc .pc-axis[data-axis="seed"]').focus();
  await page.keyboard.press('ArrowUp');
  await retry('the keyboard brush', async () => assert.equal(await frame.locator('svg.pc').getAttribute('data-kept'), '3'));
  await page.keyboard.press('Escape');
  await rowCount(frame, 6);

  const heads = () => frame.locator('#runs-table thead th').allTextContents();
  const all = await heads();
  await frame.locator('#differences-only').click();
  await retry('differences only', async () => {
    const shown = await heads();
    assert.ok(shown.length < all.length && !shown.includes('status'), `every run completed, so status is the same: ${shown.join(' | ')}`);
    assert.ok(shown[0] === 'run' && shown.includes('mood test acc'), shown.join(' | '));
  });
  await frame.locator('#differences-only').click();

  await frame.locator('#runs-table thead th[data-col="task:mood:test"] button').click();
  await frame.locator('#runs-table thead th[data-col="task:mood:test"] button').click();
  assert.equal(await frame.locator('#runs-table thead th[data-col="task:mood:test"]').getAttribute('aria-sort'), 'descending');
  const column = await frame.locator('#runs-table thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-col')));
  const index = column.indexOf('task:mood:test');
  const values = await frame.locator(`#runs-table tbody tr > :nth-child(${index + 1})`).allTextContents();
  const numbers = values.map((v) => parseFloat(v));
  assert.deepEqual(
    numbers,
    [...numbers].sort((a, b) => b - a),
    `sorted by mood test accuracy, highest first: ${values.join(', ')}`,
  );

  // The column chooser hides a column.
  await frame.locator('#column-chooser summary').click();
  await frame.locator('#column-chooser input[data-col="msPerStep"]').click();
  await retry('the column hidden', async () => assert.ok(!(await heads()).includes('train ms/step')));
  await screenshot(page, '45-sweep-table-sorted-columns');
  await frame.locator('#column-chooser input[data-col="msPerStep"]').click();
  await frame.locator('#column-chooser summary').click();
});

step('selected runs open in Compare runs and in the training curves', async () => {
  const { page } = workbench;
  let frame = await sweepFrame('tinysweep');
  await frame.locator('#run-filter').fill('bottleneckSize=8');
  await rowCount(frame, 2);
  await tableRows(frame).nth(0).click();
  await tableRows(frame)
    .nth(1)
    .click({ modifiers: ['Control'] });
  await retry('the selection', async () => assert.match((await frame.locator('#selection-count').textContent()) ?? '', /^2 runs selected/));
  await frame.locator('#compare-runs').click();
  const compare = await webviewContent(page, 'compare', '#metrics-table tbody tr:nth-child(2)', UI_TIMEOUT);
  assert.equal(await compare.locator('#metrics-table tbody tr').count(), 2);
  await screenshot(page, '46-sweep-compare-selected');

  await page.locator('.tab', { hasText: 'Sweep: tinysweep' }).click();
  frame = await sweepFrame('tinysweep');
  // The page was hidden and is back: its filter and selection were kept (setState).
  await retry('the state kept', async () => {
    assert.equal(await frame.locator('#run-filter').inputValue(), 'bottleneckSize=8');
    assert.match((await frame.locator('#selection-count').textContent()) ?? '', /^2 runs selected/);
  });
  await rowCount(frame, 2);
  await frame.locator('#open-curves').click();
  const curves = await webviewFrame(page, 'curves', UI_TIMEOUT, '.run-legend li:nth-child(2)');
  assert.equal(await curves.locator('.run-legend li').count(), 2);
  await page.locator('.tab', { hasText: 'Sweep: tinysweep' }).click();
  frame = await sweepFrame('tinysweep');
  await frame.locator('#run-filter').fill('');
  await frame.locator('#clear-selection').click();
});

step('200 runs: opening the panel and filtering the table, measured', async (t) => {
  const { page } = workbench;
  writeSyntheticSweep(workspace, 'big');
  await showSideBar(page, 'Explorer');
  const config = explorerRow(page, 'big.adapterlab.json');
  await config.waitFor({ timeout: UI_TIMEOUT });
  await contextMenu(page, config, 'Show Sweep');
  const opened = Date.now();
  const frame = await sweepFrame('big');
  await rowCount(frame, 200);
  const openSeconds = (Date.now() - opened) / 1000;
  await retry('the first render recorded', async () => {
    await page.waitForTimeout(200);
    assert.ok(await frame.locator('#root').getAttribute('data-first-render-ms'));
  });
  const firstRenderMs = Number(await frame.locator('#root').getAttribute('data-first-render-ms'));
  const markAt = async (name: string) => Math.round((await frame.evaluate(`performance.getEntriesByName(${JSON.stringify(name)})[0].startTime`)) as number);
  const scriptAtMs = await markAt('adapterlab:sweep-script');
  const messageAtMs = await markAt('adapterlab:sweep-first-message');
  const renders = await measures(frame, 'adapterlab:sweep-render');
  const parts: Record<string, number> = {};
  for (const part of ['header', 'plots', 'parallel', 'settings', 'table']) parts[part] = Math.round((await measures(frame, `adapterlab:sweep-${part}`))[0]);
  assert.equal(await frame.locator('svg.pc path.pc-line').count(), 200);
  assert.equal(await frame.locator('#frontier-canvas').getAttribute('data-points'), '25');
  await screenshot(page, '47-sweep-200-runs');
  await scrollToTop(frame, '#parallel-h');
  await screenshot(page, '47b-sweep-200-runs-parallel');

  const filters = ['lora', 'r=16', 'seed [1-4]$', 'learningRate=0\\.01', 'houlsby.*seed 8', 'full'];
  const expected = [96, 24, 100, 64, 12, 8];
  for (const [i, text] of filters.entries()) {
    await frame.locator('#run-filter').fill(text);
    await rowCount(frame, expected[i]);
  }
  const filterMs = await measures(frame, 'adapterlab:sweep-filter');
  await scrollToTop(frame, '#runs-h');
  await screenshot(page, '48-sweep-200-runs-filtered');
  await frame.locator('#run-filter').fill('');
  await rowCount(frame, 200);

  const figures = {
    loadAverage1m: os.loadavg()[0],
    cpus: os.cpus().length,
    runs: 200,
    openSeconds, // context menu click → 200 rows in the table, as the test sees it
    scriptAtMs, // in the webview: page start → its script runs
    messageAtMs, // page start → the host's first message arrives
    firstRenderMs, // page start → first full render painted
    renderMs: renders.map((d) => Math.round(d * 10) / 10), // each message → render painted
    firstRenderScriptMs: parts, // the first render's parts, script time (before layout and paint)
    filterMs: { median: median(filterMs), max: Math.round(Math.max(...filterMs) * 10) / 10, samples: filterMs.length }, // keystroke → table painted
  };
  fs.writeFileSync(path.join(ARTIFACTS, 'sweep-figures.json'), JSON.stringify(figures, null, 2));
  t.diagnostic(
    `load average ${figures.loadAverage1m.toFixed(1)} on ${figures.cpus} cores; sweep panel with 200 runs: opened in ${openSeconds.toFixed(1)} s (menu click → table), ` +
      `in the page: script running at ${scriptAtMs} ms, the host's message at ${messageAtMs} ms, rendered at ${firstRenderMs} ms; render of the host's message ${figures.renderMs.join(', ')} ms (script: ${Object.entries(
        parts,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} ms); ` +
      `regex filter → table painted: median ${figures.filterMs.median} ms, max ${figures.filterMs.max} ms over ${filterMs.length} filters`,
  );
});

step('light and high-contrast themes: the sweep panel follows the theme', async () => {
  const { page } = workbench;
  const frame = await sweepFrame('big');
  await frame.evaluate('window.scrollTo(0, 0)');
  for (const [theme, bodyClass, shot] of [
    ['Default Light Modern', 'vscode-light', '49-sweep-light'],
    ['Default High Contrast', 'vscode-high-contrast', '49b-sweep-high-contrast'],
  ]) {
    await setColorTheme(workbench.page, theme);
    await retry(`the ${theme} theme in the webview`, async () => {
      await page.waitForTimeout(1000);
      assert.ok(await frame.evaluate(`document.body.classList.contains(${JSON.stringify(bodyClass)})`));
    });
    await page.waitForTimeout(500);
    await screenshot(page, shot);
    await scrollToTop(frame, '#parallel-h');
    await screenshot(page, `${shot}-parallel`);
    await frame.evaluate('window.scrollTo(0, 0)');
  }
  await setColorTheme(workbench.page, 'Default Dark Modern');
});

step('the sweep panel ran under its Content Security Policy without a refused script, style or image', async () => {
  assert.deepEqual(cspViolations, []);
});
