// The graph view's own styles, adopted as a constructed stylesheet (the panel's CSP allows no inline styles).
export const GRAPH_CSS = `
.graph-canvas { overflow: auto; border: 1px solid var(--al-border); border-radius: 2px; height: calc(100vh - 190px); min-height: 240px; } /* sizeCanvas() fits it */
.graph-canvas svg { display: block; }
.graph-canvas .item { cursor: pointer; }
.graph-canvas .item:focus { outline: none; }
.graph-canvas .item:focus-visible > rect:last-of-type, .graph-canvas .item:hover > rect:last-of-type { stroke: var(--vscode-focusBorder); }
.graph-legend { margin: 0 0 8px; }
.problem-list { margin: 6px 0 0; padding-left: 18px; }
.problem-list .mono { margin-right: 6px; }
`;
