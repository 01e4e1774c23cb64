// The README's graph of the knowledge experiment: examples/knowledge.adapterlab.json opened in a real VS Code
// (code-server + chromium, as the e2e tests do), its graph shown on composition:both-sentiment — the two K-adapters'
// boxes beside the frozen base, fed by the hidden states they read, and the head on [base; linguistic; lexical] —
// saved as docs/screenshots/graph-knowledge.png. Nothing is trained: the graph is drawn from the config.
// Usage: npm run build && npx tsx scripts/knowledge-graph-screenshot.ts [run] [png]   (needs code-server: node
// scripts/e2e-install.mjs); e.g. `composition:fuse-sentiment docs/screenshots/graph-knowledge-fuse.png` for the
// Fuse over the two K-adapters.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startCodeServer } from '../test/e2e/codeServer';
import { drawnGraphFrame, showRun } from '../test/e2e/graphView';
import { explorerRow, openWorkbench, retry, runCommand, showSideBar } from '../test/e2e/workbench';
import { CHROMIUM, codeServerEntry } from './e2e-code-server.mjs';

const ROOT = path.resolve(__dirname, '..');
const CONFIG = 'knowledge.adapterlab.json';
const RUN = process.argv[2] ?? 'composition:both-sentiment';
const OUT = path.resolve(ROOT, process.argv[3] ?? path.join('docs', 'screenshots', 'graph-knowledge.png'));

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-knowledge-graph-'));
  fs.mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
  fs.writeFileSync(path.join(workspace, CONFIG), fs.readFileSync(path.join(ROOT, 'examples', CONFIG), 'utf8'));
  const vsix = path.join(workspace, '..', `${path.basename(workspace)}.vsix`);
  const packaged = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), vsix], { cwd: ROOT, stdio: 'inherit' });
  if (packaged.status !== 0) throw new Error(`packaging exited with ${packaged.status}`);
  const server = await startCodeServer({ entry: codeServerEntry(), vsix, workspace, logFile: path.join(ROOT, 'test-artifacts', 'code-server-knowledge.log') });
  const workbench = await openWorkbench(server.url, CHROMIUM);
  const { page } = workbench;
  try {
    await showSideBar(page, 'Explorer');
    await explorerRow(page, CONFIG).click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await retry('CodeLens "Show Graph"', () => page.locator('.codelens-decoration a', { hasText: 'Show Graph' }).first().click({ timeout: 10_000 }));
    await drawnGraphFrame(page, 60_000);
    await page.locator('.tab', { hasText: 'Graph:' }).click();
    await runCommand(page, 'Toggle Maximize Editor Group');
    await runCommand(page, 'Toggle Primary Side Bar Visibility');
    await page.waitForTimeout(1000);
    const graph = await drawnGraphFrame(page, 60_000);
    await showRun(graph, RUN);
    // A DOM click: after maximizing, the workbench's title bar can lie over the toolbar for pointer events.
    await graph.locator('#fit').evaluate((button) => (button as unknown as { click(): void }).click());
    // Fit keeps the text readable, which leaves the base's lower layers out of a 900-pixel window: zoom out once more.
    await graph.locator('#zoom-out').evaluate((button) => (button as unknown as { click(): void }).click());
    await page.waitForTimeout(1500);
    await page.screenshot({ path: OUT });
    console.log(`saved ${path.relative(ROOT, OUT)}`);
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
