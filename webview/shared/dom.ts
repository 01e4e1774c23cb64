// A tiny element builder: views build their DOM with it instead of innerHTML, so no text from a run folder is ever
// parsed as HTML.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key === 'className') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(typeof child === 'number' ? String(child) : child);
  return el;
}

/** A coloured dot: a run's colour beside its name. Set through CSSOM (the CSP forbids inline style attributes). */
export function swatch(color: string): HTMLSpanElement {
  const dot = h('span', { className: 'swatch', 'aria-hidden': 'true' });
  dot.style.background = color;
  return dot;
}
