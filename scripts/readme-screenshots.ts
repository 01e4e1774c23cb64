// The README's panel screenshots, from the real examples: trains examples/reviews.adapterlab.json with the CLI in a
// temporary workspace and opens its runs' curves and comparison, then the graph and parameters of
// examples/reviews-attributes.adapterlab.json (its compositions), in a real VS Code (code-server + chromium, as the
// e2e tests do), and saves docs/screenshots/{curves,compare-runs,graph,parameters}.png. Not a test: it checks
// nothing beyond what it waits for.
// Usage: npm run build && npx tsx scripts/readme-screenshots.ts   (needs code-server: node scripts/e2e-install.mjs)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { startCodeServer } from '../test/e2e/codeServer';
import { drawnGraphFrame, showRun } from '../test/e2e/graphView';
import { contextMenu, explorerRow, openWorkbench, retry, runCommand, runRow, showSideBar, webviewFrame } from '../test/e2e/workbench';
import { CHROMIUM, codeServerEntry } from './e2e-code-server.mjs';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const CONFIG = 'reviews.adapterlab.json';
const ATTRIBUTES = 'reviews-attributes.adapterlab.json';
const RUNS = ['adapter:sentiment', 'adapter:domain', 'full', 'head-only'];

function run(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
}

async function save(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(1500); // charts animate in
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`saved docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-screenshots-'));
  // The schema comes from the extension (jsonValidation), so the relative $schema of the example is dropped.
  for (const file of [CONFIG, ATTRIBUTES]) {
    fs.writeFileSync(path.join(workspace, file), fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8').replace(/^\s*"\$schema".*\n/m, ''));
  }
  run([path.join(ROOT, 'bin', 'adapter-lab.js'), 'train', CONFIG], workspace);
  const vsix = path.join(workspace, '..', `${path.basename(workspace)}.vsix`);
  run([path.join(ROOT, 'scripts', 'package.mjs'), vsix], ROOT);

  const server = await startCodeServer({
    entry: codeServerEntry(),
    vsix,
    workspace,
    logFile: path.join(ROOT, 'test-artifacts', 'code-server-screenshots.log'),
  });
  const workbench = await openWorkbench(server.url, CHROMIUM);
  const { page } = workbench;
  try {
    fs.mkdirSync(OUT, { recursive: true });
    await showSideBar(page, 'Adapter Lab');
    await runRow(page, 'adapter:sentiment, completed').waitFor({ timeout: 60_000 });
    await runRow(page, 'adapter:sentiment, completed').click();
    const curves = await webviewFrame(page, 'curves');
    await curves.locator('.chart-card canvas').first().waitFor({ timeout: 60_000 });
    await save(page, 'curves');

    await runRow(page, `${RUNS[0]}, completed`).click();
    for (const name of RUNS.slice(1)) await runRow(page, `${name}, completed`).click({ modifiers: ['Control'] });
    await contextMenu(page, runRow(page, 'head-only, completed'), 'Compare Runs');
    const compare = await webviewFrame(page, 'compare');
    await compare
      .locator('#metrics-table tbody tr')
      .nth(RUNS.length - 1)
      .waitFor({ timeout: 60_000 });
    await save(page, 'compare-runs');

    await showSideBar(page, 'Explorer');
    await explorerRow(page, ATTRIBUTES).click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    const codeLens = (title: string) =>
      retry(`CodeLens "${title}"`, () => page.locator('.codelens-decoration a', { hasText: title }).first().click({ timeout: 10_000 }));
    await codeLens('Show Graph');
    await drawnGraphFrame(page, 60_000);
    await codeLens('Parameters');
    const parameters = await webviewFrame(page, 'parameters');
    await parameters.locator('#run-types tbody tr').first().waitFor({ timeout: 60_000 });
    await save(page, 'parameters');
    // The graph alone in the window, on the Fuse run: its block over both adapters' own nodes, fitted.
    await page.locator('.tab', { hasText: 'Graph:' }).click();
    await runCommand(page, 'Toggle Maximize Editor Group');
    await runCommand(page, 'Toggle Primary Side Bar Visibility');
    await page.waitForTimeout(1000);
    const graph = await drawnGraphFrame(page, 60_000);
    await showRun(graph, 'composition:fuse-sentiment');
    await graph.locator('#fit').click();
    await save(page, 'graph');
  } finally {
    await workbench.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(vsix, { force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
