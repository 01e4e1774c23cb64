// The parallel-coordinates plot, in SVG: an axis per swept value and per measure (parallelAxes.ts), a line per run
// coloured by the chosen score. Drag along an axis to brush it (the runs outside fade, and leave the runs table),
// click the axis to clear its brush; with the keyboard, focus an axis (Tab), arrows move a brush, Shift+arrows
// resize it, Escape clears it. A click on a line selects its run (Ctrl/Cmd adds).
import type { SweepRunRow } from '../../src/common/sweep';
import type { SweepBrush } from '../../src/protocol/sweep';
import { type Axis, brushBetween, brushExtent, passesBrushes, position } from './parallelAxes';
import { runLabel } from './tableModel';

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 340;
const TOP = 48; // room for the axis titles
const BOTTOM = 36; // room for the "n/a" place of runs without a value
const RIGHT = 56; // half of a two-line axis title
const CHAR_PX = 6.5; // a label character's width, roughly, at the panel's font size
const KEY_STEP = 0.05; // how far an arrow key moves a numeric brush, as a share of the axis
const CLICK_PX = 4; // a drag shorter than this is a click: it clears the brush

export interface ParallelCallbacks {
  onBrush(axisId: string, brush: SweepBrush | undefined): void;
  onPick(run: SweepRunRow, event: MouseEvent): void;
}

export interface ParallelView {
  runs: SweepRunRow[];
  axes: Axis[];
  brushes: Record<string, SweepBrush>;
  colorOf(run: SweepRunRow): string;
  selected: ReadonlySet<string>;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

const title = (text: string) => svg('title', {}, text);

export class ParallelCoordinates {
  private view?: ParallelView;
  private lines: { run: SweepRunRow; path: SVGPathElement }[] = [];
  private brushRects = new Map<string, SVGRectElement>();
  private geometry = { left: 0, width: 0, spacing: 0, top: TOP, bottom: HEIGHT - BOTTOM };

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: ParallelCallbacks,
  ) {
    new ResizeObserver(() => {
      if (this.view && Math.abs(this.container.clientWidth - this.geometry.width) > 2) this.show(this.view);
    }).observe(container);
  }

  show(view: ParallelView): void {
    const focused = (document.activeElement as Element | null)?.closest?.('[data-axis]')?.getAttribute('data-axis');
    this.view = view;
    const { axes, runs } = view;
    const width = Math.max(480, this.container.clientWidth);
    const firstLabels = axes[0] ? tickLabels(axes[0]) : [];
    const left = Math.min(150, 16 + CHAR_PX * Math.max(3, ...firstLabels.map((l) => l.text.length)));
    const spacing = axes.length > 1 ? (width - left - RIGHT) / (axes.length - 1) : 0;
    this.geometry = { left, width, spacing, top: TOP, bottom: HEIGHT - BOTTOM };

    const root = svg('svg', {
      width,
      height: HEIGHT,
      viewBox: `0 0 ${width} ${HEIGHT}`,
      class: 'pc',
      role: 'group',
      'aria-label': `Parallel coordinates: ${runs.length} runs on ${axes.length} axes`,
      'data-runs': runs.length,
    });
    const lineGroup = svg('g', { class: 'pc-lines' });
    this.lines = runs.map((run) => {
      const path = svg('path', { d: this.pathOf(run), stroke: view.colorOf(run), 'data-run': run.key }, title(runLabel(run)));
      path.addEventListener('click', (e) => this.callbacks.onPick(run, e));
      return { run, path };
    });
    this.brushRects.clear();
    const axisGroups = axes.map((axis, i) => this.axisGroup(axis, left + i * spacing));
    lineGroup.append(...this.lines.map((l) => l.path));
    root.append(lineGroup, ...axisGroups);
    this.container.replaceChildren(root);
    this.paint(view.brushes);
    if (focused) (root.querySelector(`[data-axis="${CSS.escape(focused)}"]`) as SVGGElement | null)?.focus();
  }

  /** Each line's look for these brushes: faded when one leaves it out, on top and thick when selected. */
  private paint(brushes: Record<string, SweepBrush>): void {
    const { axes, selected } = this.view!;
    const order: SVGPathElement[][] = [[], [], []];
    for (const { run, path } of this.lines) {
      const kept = passesBrushes(run, axes, brushes);
      const isSelected = selected.has(run.key);
      path.setAttribute('class', `pc-line${kept ? '' : ' pc-faded'}${isSelected ? ' pc-selected' : ''}`);
      order[isSelected ? 2 : kept ? 1 : 0].push(path);
    }
    this.lines[0]?.path.parentElement?.append(...order.flat()); // SVG has no z-index: the last drawn is on top
    for (const axis of axes) {
      const rect = this.brushRects.get(axis.id)!;
      const extent = brushes[axis.id] && brushExtent(axis, brushes[axis.id]);
      rect.setAttribute('visibility', extent ? 'visible' : 'hidden');
      if (extent) {
        rect.setAttribute('y', String(this.yOf(extent[1])));
        rect.setAttribute('height', String(Math.max(2, this.yOf(extent[0]) - this.yOf(extent[1]))));
      }
    }
    this.container.firstElementChild?.setAttribute('data-kept', String(this.lines.filter((l) => !l.path.classList.contains('pc-faded')).length));
  }

  private yOf(fraction: number): number {
    const { top, bottom } = this.geometry;
    return bottom - fraction * (bottom - top);
  }

  private fractionAt(y: number): number {
    const { top, bottom } = this.geometry;
    return Math.min(1, Math.max(0, (bottom - y) / (bottom - top)));
  }

  private pathOf(run: SweepRunRow): string {
    const { left, spacing } = this.geometry;
    const missingY = HEIGHT - BOTTOM / 2;
    return this.view!.axes.map((axis, i) => {
      const at = position(axis, axis.value(run));
      return `${i === 0 ? 'M' : 'L'}${(left + i * spacing).toFixed(1)} ${(at === undefined ? missingY : this.yOf(at)).toFixed(1)}`;
    }).join(' ');
  }

  private axisGroup(axis: Axis, x: number): SVGGElement {
    const { top, bottom, spacing } = this.geometry;
    const lines = titleLines(axis.label, Math.max(6, Math.floor(Math.min(spacing || 200, 2 * RIGHT) / CHAR_PX) - 1));
    const heading = svg('text', { x, y: lines.length > 1 ? 14 : 26, class: 'pc-title', 'text-anchor': 'middle' });
    heading.append(...lines.map((line, i) => svg('tspan', { x, dy: i === 0 ? 0 : 13 }, line)));
    if (lines.join(' ') !== axis.label) heading.append(title(axis.label));
    const group = svg(
      'g',
      { class: 'pc-axis', 'data-axis': axis.id, tabindex: 0, role: 'group', 'aria-label': this.axisDescription(axis) },
      heading,
      svg('line', { x1: x, x2: x, y1: top, y2: bottom, class: 'pc-axis-line' }),
      ...tickLabels(axis).map((t) => svg('text', { x: x - 6, y: this.yOf(t.at) + 4, class: 'pc-tick', 'text-anchor': 'end' }, t.text)),
    );
    if (this.view!.runs.some((r) => axis.value(r) === undefined)) {
      group.append(svg('text', { x: x - 6, y: HEIGHT - BOTTOM / 2 + 4, class: 'pc-tick', 'text-anchor': 'end' }, 'n/a'));
    }
    const brush = svg('rect', { x: x - 7, width: 14, class: 'pc-brush', visibility: 'hidden' });
    this.brushRects.set(axis.id, brush);
    const hit = svg('rect', { x: x - 12, width: 24, y: top - 6, height: bottom - top + 12, class: 'pc-hit' });
    group.append(brush, hit);
    this.dragToBrush(axis, hit, brush);
    group.addEventListener('keydown', (e) => this.onKey(axis, e));
    return group;
  }

  private axisDescription(axis: Axis): string {
    const brush = this.view!.brushes[axis.id];
    const what = !brush
      ? 'no brush'
      : brush.kind === 'values'
        ? `brushed to ${brush.values.join(', ') || 'nothing'}`
        : `brushed from ${axis.format(brush.min)} to ${axis.format(brush.max)}`;
    return `${axis.label} axis, ${what}. Arrow keys move a brush, Shift with arrows resizes it, Escape clears it.`;
  }

  private dragToBrush(axis: Axis, hit: SVGRectElement, brush: SVGRectElement): void {
    hit.addEventListener('pointerdown', (down) => {
      down.preventDefault();
      hit.setPointerCapture(down.pointerId);
      const origin = this.localY(down);
      let current = origin;
      const move = (e: PointerEvent) => {
        current = this.localY(e);
        const [a, b] = [this.fractionAt(origin), this.fractionAt(current)];
        brush.setAttribute('visibility', 'visible');
        brush.setAttribute('y', String(this.yOf(Math.max(a, b))));
        brush.setAttribute('height', String(Math.abs(this.yOf(a) - this.yOf(b))));
        this.paint({ ...this.view!.brushes, [axis.id]: brushBetween(axis, a, b) });
      };
      const up = () => {
        hit.removeEventListener('pointermove', move);
        hit.removeEventListener('pointerup', up);
        hit.removeEventListener('pointercancel', up);
        const dragged = Math.abs(current - origin) >= CLICK_PX;
        this.callbacks.onBrush(axis.id, dragged ? brushBetween(axis, this.fractionAt(origin), this.fractionAt(current)) : undefined);
      };
      hit.addEventListener('pointermove', move);
      hit.addEventListener('pointerup', up);
      hit.addEventListener('pointercancel', up);
    });
  }

  private localY(e: PointerEvent): number {
    const box = this.container.firstElementChild!.getBoundingClientRect();
    return e.clientY - box.top;
  }

  private onKey(axis: Axis, e: KeyboardEvent): void {
    if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') {
      if (!this.view!.brushes[axis.id]) return;
      e.preventDefault();
      return this.callbacks.onBrush(axis.id, undefined);
    }
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const step = axis.kind === 'category' ? 1 / Math.max(1, axis.categories.length - 1) : KEY_STEP;
    const current = this.view!.brushes[axis.id];
    let [lo, hi] = (current && brushExtent(axis, current)) ?? [0.5 - step / 2, 0.5 + step / 2];
    const up = e.key === 'ArrowUp' ? 1 : -1;
    // The first key press makes a brush in the middle; the next ones move or resize it.
    if (current && e.shiftKey) {
      lo -= (up * step) / 2;
      hi += (up * step) / 2;
      if (hi - lo < step / 2) [lo, hi] = [(lo + hi) / 2 - step / 4, (lo + hi) / 2 + step / 4];
    } else if (current) {
      const shift = up > 0 ? Math.min(step, 1 - hi) : -Math.min(step, lo);
      lo += shift;
      hi += shift;
    }
    const inset = axis.kind === 'category' ? step / 4 : 0; // inside the values the extent surrounds
    this.callbacks.onBrush(axis.id, brushBetween(axis, Math.max(0, lo) + inset, Math.min(1, hi) - inset));
  }
}

/** The labels along an axis: every category (every few when they crowd), or round values of a numeric axis. */
function tickLabels(axis: Axis): { at: number; text: string }[] {
  if (axis.kind === 'category') {
    const every = Math.ceil(axis.categories.length / 12);
    return axis.categories.filter((_, i) => i % every === 0).map((c) => ({ at: position(axis, c)!, text: c.length > 18 ? `${c.slice(0, 17)}…` : c }));
  }
  return axis.ticks.map((v) => ({ at: position(axis, v)!, text: axis.format(v) }));
}

/** An axis title in at most two lines of `width` characters, broken between words; what does not fit ends in "…". */
function titleLines(label: string, width: number): string[] {
  if (label.length <= width) return [label];
  const words = label.split(' ');
  let first = '';
  while (words.length && (first ? `${first} ${words[0]}` : words[0]).length <= width) first = first ? `${first} ${words.shift()}` : words.shift()!;
  const rest = words.join(' ');
  if (!first) return [`${label.slice(0, width - 1)}…`];
  return rest ? [first, rest.length > width ? `${rest.slice(0, width - 1)}…` : rest] : [first];
}
