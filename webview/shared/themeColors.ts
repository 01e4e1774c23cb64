// Colours for canvases (charts, graphs) from VS Code's theme: CSS can use var(--vscode-*) directly, but a canvas
// needs concrete values. VS Code swaps the variables and the body class (vscode-light / vscode-dark /
// vscode-high-contrast / vscode-high-contrast-light) when the theme changes, so readers re-read on that.

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ThemeColors {
  kind: ThemeKind;
  foreground: string;
  /** secondary text: axis labels, legends */
  description: string;
  background: string;
  /** grid lines and borders */
  border: string;
  focus: string;
  font: string;
  /** a few charts.* colours (the theme's own, readable on its background) */
  charts: { red: string; blue: string; yellow: string; orange: string; green: string; purple: string; lines: string };
}

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

/** A --vscode-* variable's value, or `fallback` when the theme does not define it. */
export function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(`--vscode-${name}`).trim();
  return value || fallback;
}

export function readThemeColors(): ThemeColors {
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const foreground = cssVar('editor-foreground', cssVar('foreground', light ? '#333333' : '#cccccc'));
  const contrast = kind.startsWith('high-contrast');
  return {
    kind,
    foreground,
    description: contrast ? foreground : cssVar('descriptionForeground', foreground),
    background: cssVar('editor-background', light ? '#ffffff' : '#1e1e1e'),
    border: contrast ? cssVar('contrastBorder', foreground) : cssVar('editorWidget-border', cssVar('panel-border', light ? '#d4d4d4' : '#454545')),
    focus: cssVar('focusBorder', '#007fd4'),
    font: cssVar('font-family', 'sans-serif'),
    charts: {
      red: cssVar('charts-red', '#f14c4c'),
      blue: cssVar('charts-blue', '#3794ff'),
      yellow: cssVar('charts-yellow', '#cca700'),
      orange: cssVar('charts-orange', '#d18616'),
      green: cssVar('charts-green', '#89d185'),
      purple: cssVar('charts-purple', '#b180d7'),
      lines: cssVar('charts-lines', light ? 'rgba(0,0,0,0.3)' : 'rgba(255,255,255,0.3)'),
    },
  };
}

/**
 * Calls `onChange` with fresh colours whenever VS Code switches the theme: it changes the body's class (light, dark,
 * high contrast) and theme id, and rewrites the variables on <html> (also between two themes of the same kind).
 */
export function onThemeChange(onChange: (colors: ThemeColors) => void): () => void {
  const signature = () => `${document.body.className}|${document.body.dataset.vscodeThemeId ?? ''}|${document.documentElement.getAttribute('style') ?? ''}`;
  let last = signature();
  const observer = new MutationObserver(() => {
    const now = signature();
    if (now === last) return;
    last = now;
    onChange(readThemeColors());
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
