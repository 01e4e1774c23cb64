// The graph view's own styles, adopted as a constructed stylesheet (the panel's CSP allows no inline styles).
export const GRAPH_CSS = `
/* The page is the panel's height: title, one-line toolbar, one-line summary, and the canvas takes the rest. */
body { height: 100vh; box-sizing: border-box; overflow: hidden; padding: 4px 8px 8px; }
#root { height: 100%; display: flex; flex-direction: column; }
.graph-header { display: flex; gap: 6px; align-items: center; flex: none; margin-bottom: 4px; }
.graph-header h1 { margin: 0; font-size: 1.15em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; flex: 1 1 auto; }
.graph-toolbar { flex-wrap: nowrap; gap: 6px; margin: 0 0 4px; overflow: hidden; flex: none; }
.graph-toolbar select { max-width: 10em; color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border: 1px solid var(--vscode-dropdown-border, var(--al-border)); border-radius: 2px; padding: 2px 4px; font: inherit; }
.graph-toolbar select:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.graph-summary { margin: 0 0 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; flex: none; }
#problems { flex: none; }
.graph-canvas { overflow: auto; border: 1px solid var(--al-border); border-radius: 2px; flex: 1 1 0; min-height: 120px; }
.graph-canvas svg { display: block; }
.graph-canvas .item { cursor: pointer; }
.graph-canvas .item:focus { outline: none; }
.graph-canvas .item:focus-visible > rect:last-of-type, .graph-canvas .item:hover > rect:last-of-type { stroke: var(--vscode-focusBorder); }
.problem-list { margin: 6px 0 0; padding-left: 18px; }
.problem-list .mono { margin-right: 6px; }
`;
