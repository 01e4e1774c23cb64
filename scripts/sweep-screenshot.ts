// The README's sweep-panel screenshot: the sweep panel of examples/reviews-sweep.adapterlab.json in a real VS Code
// (code-server + chromium, as the e2e tests run it), from the runs `adapter-lab train` made in examples/.adapterlab.
// Usage (after `npm run build` and `node scripts/e2e-install.mjs`): node scripts/package.mjs /tmp/a.vsix &&
//   npx tsx scripts/sweep-screenshot.ts /tmp/a.vsix docs/screenshots/sweep-frontier.png
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startCodeServer } from '../test/e2e/codeServer';
import { contextMenu, explorerRow, openWorkbench, webviewFrame } from '../test/e2e/workbench';
import { CHROMIUM, codeServerEntry } from './e2e-code-server.mjs';

async function main(): Promise<void> {
  const [vsix, out] = process.argv.slice(2);
  if (!vsix || !out) throw new Error('usage: npx tsx scripts/sweep-screenshot.ts <vsix> <out.png>');
  const examples = path.resolve(__dirname, '../examples');
  const server = await startCodeServer({ entry: codeServerEntry(), vsix, workspace: examples, logFile: path.join(os.tmpdir(), 'sweep-screenshot.log') });
  const workbench = await openWorkbench(server.url, CHROMIUM);
  try {
    const { page } = workbench;
    await page.setViewportSize({ width: 1440, height: 900 });
    const config = explorerRow(page, 'reviews-sweep.adapterlab.json');
    await config.waitFor({ timeout: 60_000 });
    await contextMenu(page, config, 'Show Sweep');
    const frame = await webviewFrame(page, 'sweep', 60_000, 'h1:text-is("Sweep: reviews-sweep")');
    await frame.locator('#progress', { hasText: '30/30 runs done' }).waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+b'); // hide the side bar: the panel gets the width
    await page.waitForTimeout(1500);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await workbench.close();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
