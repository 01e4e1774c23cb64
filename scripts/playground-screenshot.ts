// The README's Playground screenshot, from the real example: trains examples/reviews-attributes.adapterlab.json
// (two adapters, Parallel, Fuse, Stack, a merge, head-only) with the CLI in a temporary workspace — or uses the
// workspace given, where it was trained already — opens the Playground from the config's CodeLens in a real VS Code
// (code-server + chromium, as the e2e tests do), types a sentence and saves docs/screenshots/playground.png. It
// prints each run's ms/example with no layer and with layer 0 dropped. Not a test: it checks nothing beyond what it
// waits for.
// Usage: npm run build && npx tsx scripts/playground-screenshot.ts [trained workspace]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { startCodeServer } from '../test/e2e/codeServer';
import { explorerRow, openWorkbench, retry, runCommand, showSideBar, webviewFrame } from '../test/e2e/workbench';
import { CHROMIUM, codeServerEntry } from './e2e-code-server.mjs';

const ROOT = path.resolve(__dirname, '..');
const CONFIG = 'reviews-attributes.adapterlab.json';
const SENTENCE = 'The pasta was cold and the waiter ignored us for an hour.';

function run(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
}

/** Each card's ms/example once no card waits for the newest answer. */
async function timesWhenAnswered(frame: Frame): Promise<Record<string, string>> {
  for (;;) {
    if ((await frame.locator('.run-card').count()) > 0 && (await frame.locator('.run-card.stale').count()) === 0) break;
    await frame.waitForTimeout(250);
  }
  const cards = await frame.locator('.run-card').all();
  return Object.fromEntries(await Promise.all(cards.map(async (c) => [await c.getAttribute('data-run'), await c.locator('.ms').innerText()])));
}

async function main(): Promise<void> {
  const given = process.argv[2];
  const workspace = given ? path.resolve(given) : fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-playground-'));
  if (!given) {
    // The schema comes from the extension (jsonValidation), so the relative $schema of the example is dropped.
    fs.writeFileSync(path.join(workspace, CONFIG), fs.readFileSync(path.join(ROOT, 'examples', CONFIG), 'utf8').replace(/^\s*"\$schema".*\n/m, ''));
    run([path.join(ROOT, 'bin', 'adapter-lab.js'), 'train', CONFIG, '--parallel', '1'], workspace);
  }
  const vsix = path.join(os.tmpdir(), `${path.basename(workspace)}.vsix`);
  run([path.join(ROOT, 'scripts', 'package.mjs'), vsix], ROOT);
  const server = await startCodeServer({
    entry: codeServerEntry(),
    vsix,
    workspace,
    logFile: path.join(ROOT, 'test-artifacts', 'code-server-playground-shot.log'),
  });
  const workbench = await openWorkbench(server.url, CHROMIUM);
  const { page } = workbench;
  try {
    await showSideBar(page, 'Explorer');
    await explorerRow(page, CONFIG).click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await retry('CodeLens "Playground"', () => page.locator('.codelens-decoration a', { hasText: 'Playground' }).first().click({ timeout: 10_000 }));
    await runCommand(page, 'Toggle Primary Side Bar Visibility');
    const frame = await webviewFrame(page, 'playground');
    await frame.locator('.run-card').first().waitFor({ timeout: 120_000 });
    await frame.locator('#sentence').fill(SENTENCE);
    await frame.locator('#drop').fill('1');
    console.log('layer 0 dropped:', await timesWhenAnswered(frame));
    await frame.locator('#drop').fill('0');
    console.log('no layer dropped:', await timesWhenAnswered(frame));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshots', 'playground.png') });
    console.log('saved docs/screenshots/playground.png');
  } finally {
    await workbench.close();
    await server.stop();
    fs.rmSync(vsix, { force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
