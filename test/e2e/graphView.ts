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
