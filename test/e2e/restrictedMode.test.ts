// Restricted Mode in a real VS Code: a workspace that is not trusted opens with configs checked and graphs drawn,
// but nothing offers to train — no Train CodeLens, no Train Adapters in the menus — and the Runs view says why and
// how to trust the workspace. Screenshots in test-artifacts/e2e/restricted-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/core/config/validate';
import { finishRun } from '../../src/core/run/lifecycle';
import { planRuns } from '../../src/core/run/plan';
import { createRuns } from '../../src/runner/runExperiment';
import { makeWorkspace, tinyConfig } from '../helpers/workspace';
import type { CodeServer } from './codeServer';
import { ARTIFACTS, type Workbench, explorerRow, openContextMenu, retry, startWorkbench, runCommand, screenshot, showSideBar } from './workbench';

const UI_TIMEOUT = 60_000;

let server: CodeServer;
let workbench: Workbench;
let workspace: string;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  workspace = makeWorkspace(tinyConfig()).dir;
  ({ server, workbench } = await startWorkbench(workspace, 'code-server-restricted.log', { restricted: true }));
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

test('in Restricted Mode the Runs view says why training is off, and neither the CodeLens nor the menus offer it', { timeout: 300_000 }, async () => {
  const { page } = workbench;
  await showSideBar(page, 'Adapter Lab');
  const view = page.locator('[id="workbench.view.extension.adapterLab"]');
  await view.getByText('Restricted Mode: Adapter Lab checks configs and lists runs, but trains only in a trusted workspace').waitFor({ timeout: UI_TIMEOUT });
  // The welcome view's link drawn as a button. Found by its class and text, not its ARIA role: in two fresh-clone CI
  // runs the text was there but no element with that role (never reproduced; a screenshot is left if it happens).
  await view
    .locator('.monaco-button', { hasText: 'Manage Workspace Trust' })
    .waitFor({ timeout: UI_TIMEOUT })
    .catch(async (e: unknown) => {
      await screenshot(page, 'failed-restricted-runs-view');
      throw e;
    });
  assert.equal(await view.getByRole('button', { name: 'Train Adapters' }).count(), 0);
  await screenshot(page, 'restricted-runs-view');

  await showSideBar(page, 'Explorer');
  const config = explorerRow(page, 'tiny.adapterlab.json');
  await config.click();
  const lenses = page.locator('.contentWidgets .codelens-decoration a');
  await lenses.filter({ hasText: 'Show Graph' }).first().waitFor({ timeout: UI_TIMEOUT });
  // The lenses are drawn again whenever the providers answer anew: read them until they stay put.
  const expected = ['Show Graph', 'Parameters', 'Compare Runs'];
  let shown: string[] = [];
  for (const deadline = Date.now() + UI_TIMEOUT; Date.now() < deadline; await page.waitForTimeout(250)) {
    shown = (await lenses.allInnerTexts()).map((t) => t.trim());
    if (shown.length >= expected.length) break;
  }
  assert.deepEqual(shown, expected);
  await openContextMenu(page, config, 'Show Graph');
  assert.equal(await page.getByRole('menuitem', { name: 'Train Adapters' }).count(), 0);
  await screenshot(page, 'restricted-config');
  await page.keyboard.press('Escape');

  // The extension is active now (its CodeLenses are drawn) and has no run to list: the view still shows the welcome
  // text, not a message above an empty list (VS Code hides a view's welcome content while its tree has a message).
  await showSideBar(page, 'Adapter Lab');
  await view.getByText('Restricted Mode: Adapter Lab checks configs and lists runs, but trains only in a trusted workspace').waitFor({ timeout: UI_TIMEOUT });
  assert.equal(await view.getByText('Restricted Mode: runs are listed').count(), 0);

  // With a run to list (trained before the folder was opened here), the view says it above the runs.
  const { config: tiny } = loadConfig(path.join(workspace, 'tiny.adapterlab.json'));
  const [run] = createRuns(tiny!, planRuns(tiny!).slice(0, 1));
  finishRun(run.dir, 'failed', 'trained elsewhere');
  await showSideBar(page, 'Adapter Lab');
  await retry('the run listed after Refresh Runs', async () => {
    await runCommand(page, 'Adapter Lab: Refresh Runs');
    await view.locator('.monaco-list-row', { hasText: run.plan.name }).waitFor({ timeout: 5000 });
  });
  await view.getByText('Restricted Mode: runs are listed and configs checked, but training is off until you trust this workspace').waitFor();
  await screenshot(page, 'restricted-runs-listed');
});
