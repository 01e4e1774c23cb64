// A sequential colour scale through a few of the theme's own chart colours (readable on its background in light,
// dark and high-contrast themes), for colouring runs by a score. Pure.

type Rgba = [number, number, number, number];

/** #rgb, #rrggbb, #rrggbbaa, rgb(…) or rgba(…) as numbers; undefined for anything else (a named colour). */
export function parseColor(css: string): Rgba | undefined {
  const text = css.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(text)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    const byte = (i: number) => parseInt(full.slice(i, i + 2), 16);
    return [byte(0), byte(2), byte(4), full.length === 8 ? byte(6) / 255 : 1];
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(text);
  if (!fn) return undefined;
  const alpha = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? parseFloat(fn[4]) / 100 : parseFloat(fn[4]);
  return [Number(fn[1]), Number(fn[2]), Number(fn[3]), alpha];
}

/**
 * t in [0, 1] → a colour between the stops (evenly spaced), interpolated in RGB. Stops that cannot be parsed are
 * left out; with none left every value gets the first stop as written.
 */
export function colorScale(stops: readonly string[]): (t: number) => string {
  const parsed = stops.map(parseColor).filter((c): c is Rgba => c !== undefined);
  if (parsed.length === 0) return () => stops[0] ?? 'currentColor';
  if (parsed.length === 1) return () => css(parsed[0]);
  return (t: number) => {
    const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (parsed.length - 1);
    const i = Math.min(parsed.length - 2, Math.floor(x));
    const f = x - i;
    return css(parsed[i].map((c, k) => c + f * (parsed[i + 1][k] - c)) as Rgba);
  };
}

function css([r, g, b, a]: Rgba): string {
  const round = (c: number) => Math.round(c);
  return a >= 1 ? `rgb(${round(r)}, ${round(g)}, ${round(b)})` : `rgba(${round(r)}, ${round(g)}, ${round(b)}, ${+a.toFixed(3)})`;
}

/** The colour with its alpha set (a colour that cannot be parsed is returned as it is). */
export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  return c ? css([c[0], c[1], c[2], alpha]) : color;
}
