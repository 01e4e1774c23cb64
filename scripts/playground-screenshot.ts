// The README's Playground screenshots, from the real examples, opened from the config's CodeLens in a real VS Code
// (code-server + chromium, as the e2e tests do). Not a test: it checks nothing beyond what it waits for.
// - docs/screenshots/playground.png: examples/reviews-attributes.adapterlab.json (two adapters, Parallel, Fuse, Stack,
//   a merge, head-only) trained with the CLI; a typed sentence; it prints each run's ms/example with no layer and
//   with layer 0 dropped.
// - with --steer, docs/screenshots/playground-steer.png: examples/reviews-steer.adapterlab.json on builtin:lab-gpt
//   with only the two adapters it composes trained (positive, restaurant; the other runs would take an hour here),
//   writing with Stack(restaurant, positive); it prints the status line (tokens, ms/token).
// Either trains in a temporary workspace, or uses the workspace given, where it was trained already.
// Usage: npm run build && npx tsx scripts/playground-screenshot.ts [--steer] [trained workspace]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { startCodeServer } from '../test/e2e/codeServer';
import { explorerRow, openWorkbench, retry, runCommand, showSideBar, webviewFrame } from '../test/e2e/workbench';
import { CHROMIUM, codeServerEntry } from './e2e-code-server.mjs';

const ROOT = path.resolve(__dirname, '..');
const SENTENCE = 'The pasta was cold and the waiter ignored us for an hour.';
const STEER_RUNS = ['adapter:positive', 'adapter:restaurant'];

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

/** A sentence through every run, with layer 0's adapters dropped and without. */
async function encoderShot(frame: Frame): Promise<void> {
  await frame.locator('.run-card').first().waitFor({ timeout: 120_000 });
  await frame.locator('#sentence').fill(SENTENCE);
  await frame.locator('#drop').fill('1');
  console.log('layer 0 dropped:', await timesWhenAnswered(frame));
  await frame.locator('#drop').fill('0');
  console.log('no layer dropped:', await timesWhenAnswered(frame));
}

/** The causal-lm example writing with Stack(restaurant, positive). */
async function steerShot(frame: Frame): Promise<void> {
  await frame.locator('#model').waitFor({ timeout: 120_000 });
  await frame.locator('#prompt').fill('The food');
  await frame.locator('#model').selectOption('setup');
  await frame.locator('#setup').fill('Stack(restaurant, positive)');
  await frame.locator('#maxTokens').fill('30');
  await frame.locator('#maxTokens').dispatchEvent('change');
  await frame.locator('#generate').click();
  for (;;) {
    const status = await frame.locator('#gen-status').innerText();
    if (/ms\/token/.test(status)) return console.log(status);
    if ((await frame.locator('[role="alert"]').count()) > 0) throw new Error(await frame.locator('[role="alert"]').first().innerText());
    await frame.waitForTimeout(250);
  }
}

async function main(): Promise<void> {
  const steer = process.argv.includes('--steer');
  const given = process.argv.slice(2).find((a) => a !== '--steer');
  const config = steer ? 'reviews-steer.adapterlab.json' : 'reviews-attributes.adapterlab.json';
  const workspace = given ? path.resolve(given) : fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-playground-'));
  if (!given) {
    // The schema comes from the extension (jsonValidation), so the relative $schema of the example is dropped.
    fs.writeFileSync(path.join(workspace, config), fs.readFileSync(path.join(ROOT, 'examples', config), 'utf8').replace(/^\s*"\$schema".*\n/m, ''));
    run([path.join(ROOT, 'bin', 'adapter-lab.js'), 'train', config, '--parallel', '1', ...(steer ? ['--only', ...STEER_RUNS] : [])], workspace);
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
    await explorerRow(page, config).click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await retry('CodeLens "Playground"', () => page.locator('.codelens-decoration a', { hasText: 'Playground' }).first().click({ timeout: 10_000 }));
    await runCommand(page, 'Toggle Primary Side Bar Visibility');
    const frame = await webviewFrame(page, 'playground');
    await (steer ? steerShot(frame) : encoderShot(frame));
    await page.waitForTimeout(500);
    const shot = `docs/screenshots/${steer ? 'playground-steer' : 'playground'}.png`;
    await page.screenshot({ path: path.join(ROOT, shot) });
    console.log(`saved ${shot}`);
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
