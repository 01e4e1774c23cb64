// Reading the composition graph webview in the e2e tests: its SVG nodes carry what they stand for as data-*
// attributes (render.ts), so the tests assert on the drawing's content, not on pixels.
import type { Frame, Page } from 'playwright-core';
import { webviewContent } from './workbench';

/** The data-* attributes of every element `selector` matches in the graph's frame. */
export async function graphNodes(frame: Frame, selector: string): Promise<Record<string, string | null>[]> {
  return frame
    .locator(selector)
    .evaluateAll((els) =>
      els.map((e) =>
        Object.fromEntries(
          ['data-id', 'data-adapter', 'data-layer', 'data-placement', 'data-dropped', 'data-block', 'data-trainable'].map((a) => [a, e.getAttribute(a)]),
        ),
      ),
    );
}

/** Where an adapter sits: its nodes' `layer:placement`, sorted (e.g. `0:after-feed-forward`). */
export function placementsOf(adapterNodes: Record<string, string | null>[], adapter: string): string[] {
  return adapterNodes
    .filter((n) => n['data-adapter'] === adapter)
    .map((n) => `${n['data-layer']}:${n['data-placement']}`)
    .sort();
}

/** The graph panel's frame once its drawing has adapter nodes (the layout runs in the webview, after the page). */
export async function drawnGraphFrame(page: Page, timeoutMs: number): Promise<Frame> {
  return webviewContent(page, 'graph', 'svg [data-kind="adapter"]', timeoutMs);
}

/**
 * Picks a run in the graph's run picker and waits for its drawing; `expanded` then expands every layer (the view
 * opens with them collapsed when the expanded graph would not be readable in the panel).
 */
export async function showRun(frame: Frame, run: string, expanded = false): Promise<void> {
  await redrawn(frame, () => frame.locator('#graph-run').selectOption(run));
  if (expanded && (await frame.locator('svg [data-collapsed="true"]').count()) > 0) await redrawn(frame, () => frame.locator('#toggle-layers').click());
}

/** Does `action` and waits until the graph has been drawn again (a new SVG replaces the marked one). */
export async function redrawn(frame: Frame, action: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  await frame.locator('#graph svg').evaluate((svg) => svg.setAttribute('data-stale', 'true'));
  await action();
  await frame.locator('#graph svg:not([data-stale])').waitFor({ timeout: timeoutMs });
}

/**
 * The smallest on-screen font size of the graph's text in view: each text's computed size times the SVG's scale
 * (its drawn width over its viewBox width), for the texts inside the canvas's visible box.
 */
export async function smallestVisibleText(frame: Frame): Promise<{ px: number; texts: number }> {
  return frame.locator('#graph').evaluate((canvas) => {
    const svg = canvas.querySelector('svg')!;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const view = canvas.getBoundingClientRect();
    const visible = [...svg.querySelectorAll('text')].filter((t) => {
      const r = t.getBoundingClientRect();
      return r.width > 0 && r.right > view.left && r.left < view.right && r.bottom > view.top && r.top < view.bottom;
    });
    return { px: Math.min(...visible.map((t) => parseFloat(t.ownerDocument.defaultView!.getComputedStyle(t).fontSize) * scale)), texts: visible.length };
  });
}
