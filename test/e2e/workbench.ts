// Driving the VS Code workbench in chromium: commands, context menus, views, screenshots.
import { type TestContext, test } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type BrowserContext, type Frame, type Locator, type Page, chromium } from 'playwright-core';
import { type CodeServer, requiredEnv, startCodeServer } from './codeServer';

export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/e2e');

export interface Workbench {
  page: Page;
  close(): Promise<void>;
}

/** code-server with the packaged extension on `workspace` (its log in ARTIFACTS/`logName`), and chromium on it. */
export async function startWorkbench(
  workspace: string,
  logName: string,
  opts: { restricted?: boolean } = {},
): Promise<{ server: CodeServer; workbench: Workbench }> {
  const server = await startCodeServer({
    entry: requiredEnv('ADAPTERLAB_CODE_SERVER'),
    vsix: requiredEnv('ADAPTERLAB_VSIX'),
    workspace,
    logFile: path.join(ARTIFACTS, logName),
    ...opts,
  });
  return { server, workbench: await openWorkbench(server.url, requiredEnv('ADAPTERLAB_CHROMIUM')) };
}

export async function openWorkbench(url: string, chromiumPath: string): Promise<Workbench> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-e2e-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    // Without the networking flags chromium keeps trying to reach services the closed network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    colorScheme: 'dark',
    forcedColors: 'none',
    reducedMotion: 'reduce',
    viewport: { width: 1440, height: 900 },
  });
  const close = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // A loaded machine can take longer than playwright's default 30 s to load the workbench's scripts.
    await page.goto(url, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    return { page, close };
  } catch (e) {
    // Nobody else holds the browser yet: left open, it would keep the test process alive after the failure.
    await close().catch(() => undefined);
    throw e;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * A scenario step of an e2e file: on failure it leaves a screenshot (`failed-<prefix><name>.png`) of what the
 * workbench showed and prints the end of the extension's output channel (what the host logged: warnings about
 * panels, errors), so a failure in CI can be read without rerunning it.
 */
export function scenarioStep(
  prefix: string,
  current: () => { page: Page; userDataDir: string } | undefined,
  timeoutMs: number,
): (name: string, fn: (t: TestContext) => Promise<void>) => void {
  return (name, fn) =>
    test(name, { timeout: timeoutMs }, async (t) => {
      try {
        await fn(t);
      } catch (e) {
        const open = current();
        if (open) {
          await screenshot(open.page, `failed-${prefix}${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
          const log = extensionLogTail(open.userDataDir);
          if (log) t.diagnostic(`the Adapter Lab output channel ended with:\n${log}`);
        }
        throw e;
      }
    });
}

/** The last lines the extension wrote to its output channel (code-server keeps it under the user data's logs). */
function extensionLogTail(userDataDir: string, lines = 30): string | undefined {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/Adapter Lab\.log$/.test(entry.name)) found.push(file);
    }
  };
  try {
    walk(path.join(userDataDir, 'logs'));
  } catch {
    return undefined;
  }
  const text = found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  return text.trim() ? text.trim().split('\n').slice(-lines).join('\n') : undefined;
}

/** Retries `attempt` until it succeeds: contributions register a few seconds after the workbench shows. */
export async function retry<T>(what: string, attempt: (retrying: boolean) => Promise<T>, tries = 5): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await attempt(i > 0);
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`${what} failed after ${tries} tries: ${last instanceof Error ? last.message : String(last)}`);
}

/** The class VS Code gives a webview's body in each of the default themes the tests use. */
const THEME_BODY_CLASS: Record<string, string> = {
  'Default Dark Modern': 'vscode-dark',
  'Default Light Modern': 'vscode-light',
  'Default High Contrast': 'vscode-high-contrast',
};

/**
 * Switches the colour theme the way a user does (Preferences: Color Theme, then its name); with `view`, waits until
 * that webview's page wears the theme and has redrawn in its colours.
 */
export async function setColorTheme(page: Page, theme: string, view?: () => Promise<Frame>): Promise<void> {
  await retry(`the ${theme} theme`, async () => {
    await runCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill(theme);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click({ timeout: 5000 });
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
  });
  if (!view) return;
  await retry(`a webview in the ${theme} theme`, async () => {
    await (await view()).locator(`body.${THEME_BODY_CLASS[theme]}`).waitFor({ timeout: 10_000 });
  });
  await page.waitForTimeout(500); // the redraw with the new colours
}

/** Runs a command from the palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await retry(`command "${title}"`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 5000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 5000 });
    await row.click();
  });
}

export function explorerRow(page: Page, fileName: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName });
}

/**
 * Moves the mouse off every list and waits until no hover is shown: the explorer's path hover of one row covers the
 * row below it and swallows a click meant for that row.
 */
export async function dismissHover(page: Page): Promise<void> {
  await page.mouse.move(1, 1);
  await page
    .locator('.context-view .hover-contents, .monaco-hover:not(.hidden)')
    .first()
    .waitFor({ state: 'hidden', timeout: 5000 })
    .catch(() => undefined);
}

/** Right-clicks `target` until its context menu shows `expected`, and leaves the menu open. */
export async function openContextMenu(page: Page, target: Locator, expected: string): Promise<void> {
  await retry(`the context menu with "${expected}"`, async () => {
    await page.keyboard.press('Escape');
    await dismissHover(page);
    await target.click({ button: 'right', timeout: 5000 });
    await page.getByRole('menuitem', { name: expected }).first().waitFor({ timeout: 3000 });
  });
}

/** Right-clicks `target` and chooses `item` from its context menu. */
export async function contextMenu(page: Page, target: Locator, item: string): Promise<void> {
  await retry(`context menu item "${item}"`, async (retrying) => {
    if (retrying) await page.keyboard.press('Escape'); // closes a stray menu, but would also clear a tree's selection
    await dismissHover(page);
    await target.click({ button: 'right' });
    await page.waitForTimeout(500);
    await page.getByRole('menuitem', { name: item }).first().click({ timeout: 3000 });
  });
}

/** A row of the Runs view whose accessibility label (`adapter:mood, completed, mood 87.5%`) has every part. */
export function runRow(page: Page, ...labelParts: string[]): Locator {
  const attributes = labelParts.map((part) => `[aria-label*="${part}"]`).join('');
  return page.locator(`[id="workbench.view.extension.adapterLab"] .monaco-list-row${attributes}`);
}

/** Shows a view container of the activity bar (clicking the one already shown would hide the side bar). */
export async function showSideBar(page: Page, label: string): Promise<void> {
  const item = page.locator(`.activitybar [aria-label^="${label}"]`).first();
  const shown = await item.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false);
  if (!shown) await item.click();
}

/**
 * The frame of an Adapter Lab webview panel (`view` as in media/webview/<view>.js): VS Code nests each webview in
 * two iframes; ours is the one whose page has <main id="root" data-view="<view>">. Waits until it is there.
 */
export async function webviewFrame(page: Page, view: string, timeoutMs = 60_000, showing?: string): Promise<Frame> {
  // `showing`: a selector the frame must match, for when a panel of the same view is being replaced (its old frame
  // still answers until it is detached).
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await frame
        .locator(`main#root[data-view="${view}"]`)
        .count()
        .catch(() => 0);
      if (
        found &&
        (!showing ||
          (await frame
            .locator(showing)
            .count()
            .catch(() => 0)))
      )
        return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no "${view}" webview${showing ? ` showing ${showing}` : ''} appeared within ${timeoutMs / 1000} s`);
}

/**
 * The frame of a `view` webview once `selector` shows in it. The frame is looked up again while waiting: the host
 * may load a page again (its frame is then replaced), and a locator on the old frame would wait forever.
 */
export async function webviewContent(page: Page, view: string, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const frame = await webviewFrame(page, view, Math.max(1000, deadline - Date.now()));
      await frame
        .locator(selector)
        .first()
        .waitFor({ timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) });
      return frame;
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`"${selector}" did not show in the "${view}" webview within ${timeoutMs / 1000} s: ${last instanceof Error ? last.message : String(last)}`);
}

/**
 * Waits until VS Code for the web has saved these webview panels (by title) with the state their page set: it writes
 * its editors to IndexedDB a few seconds after they change, and a reload before that forgets a panel just opened, or
 * restores it without its state (which closes it) — a race in the test, not a bug to test. `stateHas`: text a
 * panel's saved state must contain (by title), for a state the page changed after the panel opened — VS Code saves
 * that on its next periodic flush, and a reload before it restores the older state.
 */
export async function waitForSavedPanels(page: Page, titles: string[], stateHas: Record<string, string> = {}, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing = titles;
  while (Date.now() < deadline) {
    const saved = await page.evaluate<{ title: string; state?: string }[]>(SAVED_PANELS);
    missing = titles.filter((t) => !saved.some((p) => p.title === t && p.state !== undefined && p.state.includes(stateHas[t] ?? '')));
    if (!missing.length) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`VS Code did not save the panels ${missing.join(', ')} with their state within ${timeoutMs / 1000} s`);
}

/**
 * In the page (a string: this file is checked without the DOM's types): the webview panels in the workbench's saved
 * editors — objects with a providedId (the view type) and a title, nested as JSON strings in JSON — and the
 * state saved with them.
 */
const SAVED_PANELS = `(async () => {
  const panels = [];
  const walk = (v) => {
    if (typeof v === 'string') {
      if (/^[\\[{]/.test(v)) try { walk(JSON.parse(v)); } catch {}
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (typeof v.providedId === 'string' && typeof v.title === 'string') panels.push({ title: v.title, state: typeof v.state === 'string' ? v.state : undefined });
    Object.values(v).forEach(walk);
  };
  for (const { name } of await indexedDB.databases()) {
    if (!name || !name.startsWith('vscode-web-state-db-')) continue;
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    if (db.objectStoreNames.contains('ItemTable')) {
      walk(await new Promise((resolve) => {
        const get = db.transaction('ItemTable').objectStore('ItemTable').get('memento/workbench.parts.editor');
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => resolve(undefined);
      }));
    }
    db.close();
  }
  return panels;
})()`;

/** The first file called `name` under `dir` (e.g. host-timings.json in code-server's user data), depth first. */
export function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (entry.name === name) return p;
  }
  return undefined;
}
