// End to end, in a real VS Code (code-server + chromium, the packaged .vsix): the Training curves and Compare runs
// panels on the tiny experiment's real runs — live while a run trains, a run folder with damaged files, the export,
// light and high-contrast themes — and the frame time of the curves with 20,000 points per series across 4 runs.
// Screenshots: test-artifacts/e2e/2x-*.png; figures: test-artifacts/e2e/curves-figures.json.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import type { RunRecord } from '../../src/common/runRecord';
import { makeWorkspace, tinyConfig } from '../helpers/workspace';
import type { CodeServer } from './codeServer';
import {
  ARTIFACTS,
  type Workbench,
  contextMenu,
  explorerRow,
  startWorkbench,
  retry,
  runCommand,
  runRow,
  screenshot,
  setColorTheme,
  scenarioStep,
  showSideBar,
  webviewContent,
  webviewFrame,
} from './workbench';

const UI_TIMEOUT = 60_000;
const TRAINING_TIMEOUT = 180_000;
const TEST_TIMEOUT = 400_000;

let server: CodeServer;
let workbench: Workbench;
let workspace: string;
const cspViolations: string[] = [];
const runsDir = () => path.join(workspace, '.adapterlab', 'runs');

/** A scenario step: on failure, a screenshot and the extension's log. */
const step = scenarioStep('2x-', () => workbench && server && { page: workbench.page, userDataDir: server.userDataDir }, TEST_TIMEOUT);

/** A run folder written the way the trainer writes one (run.json, then metrics.jsonl as it goes). */
function writeRun(experiment: string, name: string, status: RunRecord['status'], metrics = ''): string {
  const id = `2026-01-01T00-00-0${Math.floor(Math.random() * 10)}-${experiment}-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = path.join(runsDir(), id);
  fs.mkdirSync(dir, { recursive: true });
  const record: RunRecord = {
    id,
    experiment,
    name,
    type: 'full',
    tasks: ['mood', 'topic'],
    status,
    configFile: path.join(workspace, 'tiny.adapterlab.json'),
    config: {},
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'e2e', memoryGiB: 1, node: process.version },
    createdAt: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), metrics);
  return dir;
}

function setStatus(dir: string, status: RunRecord['status']): void {
  const record = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...record, status }));
}

/** Metric lines like the trainer's: a progress line per step (loss falling with noise), a validation eval every 1,000. */
function metricLines(from: number, to: number, seed: number): string {
  const lines: string[] = [];
  for (let step = from; step < to; step++) {
    const noise = Math.sin(step * 12.9898 + seed) * 0.15;
    const mood = 0.7 * Math.exp(-step / 6000) + 0.05 + noise * 0.5;
    const topic = 0.6 * Math.exp(-step / 4000) + 0.04 + noise * 0.4;
    lines.push(
      JSON.stringify({
        kind: 'progress',
        step,
        totalSteps: 20_000,
        epoch: step / 1000,
        loss: mood + topic,
        lossPerTask: { mood, topic },
        learningRate: 1e-3,
        gradNorm: 1,
        elapsedMs: step * 40,
        examplesPerSec: 200,
        tokensPerSec: 3000,
      }),
    );
    if (step % 1000 === 0) {
      const acc = (k: number) => Math.min(0.99, 0.5 + 0.45 * (1 - Math.exp(-step / k)));
      const metrics = {
        mood: { accuracy: acc(5000), macroF1: acc(5000) - 0.03, loss: mood, count: 200 },
        topic: { accuracy: acc(3000), macroF1: acc(3000) - 0.02, loss: topic, count: 200 },
      };
      lines.push(
        JSON.stringify({
          kind: 'eval',
          epoch: step / 1000,
          step,
          split: 'validation',
          metrics,
          score: (metrics.mood.accuracy + metrics.topic.accuracy) / 2,
          best: true,
          elapsedMs: step * 40,
        }),
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** The webview page's globals inside evaluate() callbacks (the project's tsconfig has no DOM types). */
interface PageGlobals {
  document: { body: { classList: { contains(name: string): boolean } } };
  getComputedStyle(el: unknown): { backgroundColor: string; backgroundImage: string };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10 : NaN;
};

/** Every chart card's title in a curves or compare frame. */
const chartTitles = (frame: Frame) => frame.locator('.chart-card h3').allTextContents();

/** Run folders written by hand (not by this window's trainers) show after a refresh of the Runs view. */
async function refreshRuns(): Promise<void> {
  await runCommand(workbench.page, 'Adapter Lab: Refresh Runs');
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { dir } = makeWorkspace(tinyConfig());
  workspace = dir;
  const slow = tinyConfig({ name: 'slow', adapters: {}, baselines: ['full'], train: { batchSize: 4, maxLength: 16, logEvery: 1, epochs: 1000 } }); // far longer than the test: it is cancelled
  fs.writeFileSync(path.join(dir, 'slow.adapterlab.json'), JSON.stringify(slow, null, 2));
  ({ server, workbench } = await startWorkbench(workspace, 'code-server-curves.log'));
  // The panels' strict Content Security Policy must not block anything they need: chromium logs what it refuses.
  workbench.page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${message.location().url}: ${message.text()}`);
  });
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

step('the tiny experiment trains; clicking a run opens its training curves', async () => {
  const { page } = workbench;
  const config = explorerRow(page, 'tiny.adapterlab.json');
  await config.waitFor({ timeout: UI_TIMEOUT });
  await contextMenu(page, config, 'Train Adapters');
  await showSideBar(page, 'Adapter Lab');
  await page.locator('.notification-toast', { hasText: 'tiny finished' }).waitFor({ timeout: TRAINING_TIMEOUT });
  await runRow(page, 'full, completed').waitFor({ timeout: UI_TIMEOUT });

  await runRow(page, 'full, completed').click();
  const curves = await webviewContent(page, 'curves', '.chart-card canvas', UI_TIMEOUT);
  assert.deepEqual(await chartTitles(curves), ['Training loss', 'Validation accuracy', 'Validation macro-F1', 'Validation loss']);
  assert.match((await curves.locator('.run-legend').textContent()) ?? '', /full\s+tiny · completed/);
  // A finished run's test result is in its legend row (and a triangle at the end of its validation lines).
  assert.match((await curves.locator('.run-legend').textContent()) ?? '', /test mood \d+\.\d% · topic \d+\.\d%/);
  assert.equal(await curves.locator('.notice').count(), 0, 'a complete run has nothing to complain about');
  // The run's colour is the same in the panel as in the Runs tree icon.
  const swatch = await curves
    .locator('.run-legend .swatch')
    .first()
    .evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor);
  const icon = await runRow(page, 'full, completed')
    .locator('.custom-view-tree-node-item-icon')
    .evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundImage);
  const iconIndex = /run-(\d+)-completed\.svg/.exec(icon)?.[1];
  assert.ok(iconIndex !== undefined, `the tree icon is a run colour icon: ${icon}`);
  const { RUN_PALETTE } = await import('../../src/common/runColors');
  const hex = RUN_PALETTE[Number(iconIndex)];
  const rgb = `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
  assert.equal(swatch, rgb, 'legend swatch and tree icon have the same colour');

  // Hover: the tooltip names the run and attribute.
  const canvas = curves.locator('.chart-card[data-chart="validation/accuracy"] canvas');
  const box = (await canvas.boundingBox())!;
  await canvas.hover({ position: { x: box.width * 0.6, y: box.height * 0.5 } });
  await page.waitForTimeout(300);
  await screenshot(page, '20-curves-finished-run');

  // Smoothing, x axis and log scale are kept by the webview (setState) — they come back after a reload.
  await curves.locator('#smoothing').fill('0.9');
  await curves.locator('#log-scale').click();
  assert.equal(await curves.locator('#smoothing-value').textContent(), '0.90');
});

step("a running run's curves grow while it trains (only new points are streamed)", async () => {
  const { page } = workbench;
  await showSideBar(page, 'Explorer');
  await contextMenu(page, explorerRow(page, 'slow.adapterlab.json'), 'Train Adapters');
  await showSideBar(page, 'Adapter Lab');
  const running = runRow(page, 'full, running');
  await running.first().waitFor({ timeout: UI_TIMEOUT });
  await running.first().click();
  const curves = await webviewFrame(page, 'curves', UI_TIMEOUT, '.run-legend:has-text("slow · running")');
  await curves.locator('.chart-card[data-chart="train/loss"] canvas').waitFor({ timeout: UI_TIMEOUT });
  const redraws = () => curves.evaluate(() => performance.getEntriesByName('adapterlab:curves-redraw').length);
  const before = await redraws();
  await retry('more points arriving', async () => {
    await page.waitForTimeout(3000);
    assert.ok((await redraws()) > before, 'the chart redrew with new points');
  });
  await screenshot(page, '21-curves-live');
  const notification = page.locator('.notification-toast', { hasText: 'Adapter Lab: training slow' });
  await notification.getByRole('button', { name: 'Cancel' }).click();
  await curves.locator('.run-legend', { hasText: 'slow · cancelled' }).waitFor({ timeout: UI_TIMEOUT });
});

step('Compare runs: a row per selected run, differences only, the accuracy/parameters scatter, CSV export', async () => {
  const { page } = workbench;
  await showSideBar(page, 'Adapter Lab');
  const names = ['adapter:mood', 'adapter:topic', 'full', 'head-only'];
  await runRow(page, `${names[0]}, completed`).click();
  for (const name of names.slice(1)) await runRow(page, `${name}, completed`).click({ modifiers: ['Control'] });
  await contextMenu(page, runRow(page, 'head-only, completed'), 'Compare Runs');
  const compare = await webviewContent(page, 'compare', '#metrics-table tbody tr:nth-child(4)', UI_TIMEOUT);
  assert.deepEqual((await compare.locator('#metrics-table tbody th').allTextContents()).sort(), names);
  const head = await compare.locator('#metrics-table thead th').allTextContents();
  for (const column of ['mood test acc', 'topic best val acc', 'trainable params', 'train ms/step'])
    assert.ok(head.includes(column), `metrics column ${column}: ${head.join(' | ')}`);
  const fullRow = await compare.locator('#metrics-table tbody tr', { hasText: 'full' }).locator('td').allTextContents();
  assert.match(fullRow[1], /^\d+\.\d%$/, `full fine-tuning has a test accuracy: ${fullRow.join(' | ')}`);

  // Differences only: the adapters' own settings and the types differ; the shared base does not.
  const diffHead = await compare.locator('#config-table thead th').allTextContents();
  assert.ok(diffHead.includes('type') && diffHead.includes('adapter.method') && !diffHead.includes('base.shape.layers'), diffHead.join(' | '));
  await compare.locator('#differences-only').click();
  await retry('all settings', async () => assert.ok((await compare.locator('#config-table thead th').allTextContents()).includes('seed')));
  await compare.locator('#differences-only').click();

  assert.equal(await compare.locator('#scatter canvas').count(), 1);
  assert.equal(await compare.locator('#scatter-note').textContent(), '', 'every finished run is in the scatter');
  assert.deepEqual(await chartTitles(compare), ['Training loss', 'Validation accuracy', 'Validation macro-F1', 'Validation loss']);
  await screenshot(page, '22-compare-runs');

  // Export as CSV through the save dialog (VS Code's own file dialog in code-server): the file has a row per run.
  await compare.locator('vscode-button', { hasText: 'Export CSV' }).click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT });
  // The dialog fills in its default path after it shows: typing before that mixes the two paths.
  await retry('the save dialog', async () => {
    await page.waitForTimeout(250);
    assert.match(await input.inputValue(), /\.csv$/);
  });
  const target = path.join(workspace, 'comparison.csv');
  await input.fill(target);
  assert.equal(await input.inputValue(), target);
  await page.keyboard.press('Enter');
  await retry('the exported file', async () => {
    await page.waitForTimeout(1000);
    assert.ok(fs.existsSync(target), `${target} written`);
  });
  const csv = fs.readFileSync(target, 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + names.length, csv.join('\n'));
  assert.ok(csv[0].startsWith('run,run id,experiment,attempt,status,mood test acc'), csv[0]);
  // Numbers a spreadsheet reads as numbers: no "%" and no "–" in the test accuracy column.
  for (const line of csv.slice(1)) assert.match(line.split(',')[5], /^(0(\.\d+)?|1|)$/, line);
  assert.deepEqual(
    csv
      .slice(1)
      .map((l) => l.split(',')[0])
      .sort(),
    names,
  );
});

step('light and high-contrast themes: the panels follow the theme', async () => {
  const { page } = workbench;
  await setColorTheme(workbench.page, 'Default Light Modern');
  const compare = await webviewFrame(page, 'compare');
  await retry('the light theme in the webview', async () => {
    await page.waitForTimeout(1000);
    assert.ok(await compare.evaluate(() => (globalThis as unknown as PageGlobals).document.body.classList.contains('vscode-light')));
  });
  await page.waitForTimeout(500);
  await screenshot(page, '23-compare-light');
  await setColorTheme(workbench.page, 'Default High Contrast');
  await retry('the high-contrast theme in the webview', async () => {
    await page.waitForTimeout(1000);
    assert.ok(await compare.evaluate(() => (globalThis as unknown as PageGlobals).document.body.classList.contains('vscode-high-contrast')));
  });
  await page.waitForTimeout(500);
  await screenshot(page, '24-compare-high-contrast');
  await setColorTheme(workbench.page, 'Default Dark Modern');
});

step('a run folder with a truncated metrics.jsonl and no summary.json shows what is wrong, not a blank panel', async () => {
  const { page } = workbench;
  const lines = metricLines(1, 40, 1).split('\n');
  const truncated = lines.slice(0, 20).join('\n') + '\n' + lines[20].slice(0, 25); // cut mid-line, as by a crash
  writeRun('damaged', 'full', 'completed', truncated);
  await showSideBar(page, 'Adapter Lab');
  await refreshRuns();
  const damagedRow = page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row', { hasText: 'damaged' });
  await damagedRow.waitFor({ timeout: UI_TIMEOUT });
  await retry('the damaged run', async () => {
    await page
      .locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row[aria-label^="full, completed, completed"]')
      .first()
      .click({ timeout: 5000 });
  });
  const curves = await webviewFrame(page, 'curves', UI_TIMEOUT, '.notice:has-text("cut off")');
  const text = (await curves.locator('.notices').textContent()) ?? '';
  assert.match(text, /metrics\.jsonl: line 2\d is cut off/);
  assert.match(text, /summary\.json is missing although the run completed/);
  assert.ok(await curves.locator('.chart-card[data-chart="train/loss"] canvas').count(), 'the lines before the cut are drawn');
  await screenshot(page, '25-curves-damaged-run');
});

step('a run whose process is gone (killed with its terminal) shows as failed, not running forever', async () => {
  const { page } = workbench;
  const dir = writeRun('orphaned', 'full', 'running', metricLines(1, 30, 2));
  const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
  const record = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...record, pid: gone, host: os.hostname() }));
  await showSideBar(page, 'Adapter Lab');
  await refreshRuns();
  const group = page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row', { hasText: 'orphaned' });
  await group.waitFor({ timeout: UI_TIMEOUT });
  const failed = page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row[aria-label^="full, failed"]');
  await failed.first().waitFor({ timeout: UI_TIMEOUT });
  assert.equal(await failed.count(), 1);
  assert.equal(await page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row[aria-label^="full, running"]').count(), 0);
  await screenshot(page, '25b-orphaned-run-failed');
});

step('20,000 points per series across 4 live runs: frame time while they stream in', async (t) => {
  const { page } = workbench;
  const POINTS = 20_000;
  const CHUNK = 250; // lines appended per run per tick: a fast trainer's burst
  const dirs = [0, 1, 2, 3].map((i) => writeRun('bench', `run-${i}`, 'running'));
  await showSideBar(page, 'Adapter Lab');
  await refreshRuns();
  const benchRows = page.locator('[id="workbench.view.extension.adapterLab"] .monaco-list-row[aria-label^="run-"]');
  await retry('the bench runs in the tree', async () => {
    await page.waitForTimeout(1000);
    assert.equal(await benchRows.count(), 4);
  });
  await benchRows.nth(0).click();
  for (let i = 1; i < 4; i++) await benchRows.nth(i).click({ modifiers: ['Control'] });
  await contextMenu(page, benchRows.nth(3), 'Open Training Curves');
  const compare = await webviewFrame(page, 'curves', UI_TIMEOUT, '.run-legend li:nth-child(4)');

  // Frame deltas from requestAnimationFrame inside the webview while the points stream in. (A string: functions
  // compiled by tsx carry helpers that do not exist in the page.)
  await compare.evaluate(`(() => {
    window.frameDeltas = [];
    window.stopFrames = false;
    performance.clearMeasures('adapterlab:curves-redraw');
    let last = performance.now();
    const tick = (now) => {
      window.frameDeltas.push(now - last);
      last = now;
      if (!window.stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const started = Date.now();
  for (let from = 1; from <= POINTS; from += CHUNK) {
    dirs.forEach((dir, i) => fs.appendFileSync(path.join(dir, 'metrics.jsonl'), metricLines(from, Math.min(from + CHUNK, POINTS + 1), i)));
    await page.waitForTimeout(50);
  }
  // Every point has arrived when the legend says each run is at the last step.
  await retry(
    'all points in the webview',
    async () => {
      await page.waitForTimeout(2000);
      const progress = await compare.locator('.run-legend .progress').allTextContents();
      assert.deepEqual(
        progress,
        progress.map(() => ` · step ${POINTS}`),
      );
      assert.equal(progress.length, 4);
    },
    30,
  );
  const streamSeconds = (Date.now() - started) / 1000;
  const measured = (await compare.evaluate(`(() => {
    window.stopFrames = true;
    return { frames: window.frameDeltas.slice(1), redraws: performance.getEntriesByName('adapterlab:curves-redraw').map((e) => e.duration) };
  })()`)) as { frames: number[]; redraws: number[] };
  const visibleCharts = await compare.locator('.chart-card').count();
  await screenshot(page, '26-curves-4-runs-20k-points');

  // A full redraw of all 80,000 points per chart line set: changing the smoothing recomputes and redraws everything.
  const fullRedraw = (await compare.evaluate(`(async () => {
    const slider = document.getElementById('smoothing');
    const t0 = performance.now();
    slider.value = '0.95';
    slider.dispatchEvent(new Event('input'));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  })()`)) as number;
  dirs.forEach((dir) => setStatus(dir, 'completed'));

  const figures = {
    loadAverage1m: os.loadavg()[0], // the machine is shared: context for the figures
    cpus: os.cpus().length,
    pointsPerSeries: POINTS,
    runs: 4,
    seriesPerRun: 'train loss total + 2 attributes (20,000 each), validation accuracy/F1/loss per attribute (20 each)',
    streamSeconds,
    frameMs: {
      p50: percentile(measured.frames, 50),
      p95: percentile(measured.frames, 95),
      max: percentile(measured.frames, 100),
      frames: measured.frames.length,
    },
    redrawMsPerUpdate: {
      p50: percentile(measured.redraws, 50),
      p95: percentile(measured.redraws, 95),
      max: percentile(measured.redraws, 100),
      updates: measured.redraws.length,
    },
    fullRedrawMs: Math.round(fullRedraw),
  };
  fs.writeFileSync(path.join(ARTIFACTS, 'curves-figures.json'), JSON.stringify(figures, null, 2));
  t.diagnostic(
    `load average ${figures.loadAverage1m.toFixed(1)} on ${figures.cpus} cores; curves, 4 runs × 20,000 points per series streamed in ${streamSeconds.toFixed(1)} s: frame p50 ${figures.frameMs.p50} ms, p95 ${figures.frameMs.p95} ms; redraw per streamed update p50 ${figures.redrawMsPerUpdate.p50} ms, p95 ${figures.redrawMsPerUpdate.p95} ms (${figures.redrawMsPerUpdate.updates} updates); full re-smooth + redraw ${figures.fullRedrawMs} ms`,
  );
  assert.ok(measured.redraws.length > 5, 'the chart was updated as points arrived, not once at the end');
  assert.equal(visibleCharts, 4);
});

step('the panels ran under their Content Security Policy without a refused script, style or image', async () => {
  assert.deepEqual(cspViolations, []);
});
