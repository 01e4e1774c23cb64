// The runs table of the sweep panel, in the DOM: the run column pinned while the others scroll under it, headers
// that sort (buttons, so the keyboard reaches them), rows that select like a list (click, Ctrl/Cmd+click, Shift+click;
// Space or Enter on a focused row), and the column chooser. tableModel.ts decides what it shows.
// Only the rows in view (and a few around them) are in the page: laying out every row of a sweep of hundreds of runs
// on each keystroke in the filter is what made it slow. The columns get fixed widths from all the rows' text, so
// they do not change as other rows scroll in.
import type { SweepPanelRun, SweepSort } from '../../src/protocol/sweep';
import { h, swatch } from '../shared/dom';
import { type Column, RUN_COLUMN, columnWidths, rowWindow } from './tableModel';

export interface RunsTableView {
  runs: SweepPanelRun[]; // filtered and sorted
  columns: Column[]; // shown
  sort?: SweepSort;
  selected: ReadonlySet<string>;
}

export interface RunsTableCallbacks {
  onSort(columnId: string): void;
  onPick(run: SweepPanelRun, event: MouseEvent | KeyboardEvent, order: string[]): void;
}

/** A row's height until one is measured (the theme's font decides). */
const DEFAULT_ROW_PX = 27;

export class RunsTable {
  private readonly scroll = h('div', { className: 'table-scroll runs-scroll' });
  private readonly table = h('table', { role: 'grid', 'aria-multiselectable': 'true' });
  private readonly colgroup = h('colgroup');
  private readonly thead = h('thead');
  private readonly tbody = h('tbody');
  private view: RunsTableView = { runs: [], columns: [], selected: new Set() };
  private shown = { start: 0, end: 0 };
  private rowPx = DEFAULT_ROW_PX;
  private measured = false;
  private scrollFrame?: number;

  constructor(box: HTMLElement, callbacks: RunsTableCallbacks) {
    this.table.append(this.colgroup, this.thead, this.tbody);
    this.scroll.append(this.table);
    box.replaceChildren(this.scroll);
    const runOf = (e: Event) => {
      const key = (e.target as Element).closest('tr[data-key]')?.getAttribute('data-key');
      return this.view.runs.find((r) => r.key === key);
    };
    const order = () => this.view.runs.map((r) => r.key);
    // One listener for all rows, whichever are in the page.
    this.tbody.addEventListener('click', (e) => {
      const run = runOf(e);
      if (run) callbacks.onPick(run, e, order());
    });
    this.tbody.addEventListener('keydown', (e) => {
      const run = runOf(e);
      if (!run || (e.key !== ' ' && e.key !== 'Enter')) return;
      e.preventDefault();
      callbacks.onPick(run, e, order());
    });
    this.thead.addEventListener('click', (e) => {
      const column = (e.target as Element).closest('th[data-col]')?.getAttribute('data-col');
      if (column) callbacks.onSort(column);
    });
    this.scroll.addEventListener('scroll', () => {
      this.scrollFrame ??= requestAnimationFrame(() => {
        this.scrollFrame = undefined;
        this.renderRows(false);
      });
    });
  }

  show(view: RunsTableView): void {
    this.view = view;
    const { columns, runs, sort } = view;
    const widths = columnWidths(columns, runs, this.measurer());
    this.colgroup.replaceChildren(
      ...widths.map((w) => {
        const col = h('col');
        col.style.width = `${w}px`;
        return col;
      }),
    );
    this.table.style.width = `${widths.reduce((a, b) => a + b, 0)}px`;
    this.table.setAttribute('aria-rowcount', String(runs.length + 1));
    this.thead.replaceChildren(
      h(
        'tr',
        { 'aria-rowindex': 1 },
        ...columns.map((c) => {
          const sorted = sort?.column === c.id;
          return h(
            'th',
            {
              scope: 'col',
              className: c.numeric ? 'num' : undefined,
              'data-col': c.id,
              'aria-sort': sorted ? (sort!.descending ? 'descending' : 'ascending') : undefined,
            },
            h(
              'button',
              { className: 'sort', type: 'button', title: `Sort by ${c.label}` },
              c.label,
              h('span', { className: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (sort!.descending ? ' ▼' : ' ▲') : ''),
            ),
          );
        }),
      ),
    );
    this.renderRows(true);
  }

  /** Text widths in the table's own font, from a canvas (no layout needed). */
  private measurer(): (text: string, bold: boolean) => number {
    const context = document.createElement('canvas').getContext('2d')!;
    const style = getComputedStyle(this.table);
    const font = (weight: string) => `${weight} ${style.fontSize} ${style.fontFamily}`;
    return (text, bold) => {
      context.font = font(bold ? '600' : style.fontWeight);
      return context.measureText(text).width;
    };
  }

  /** Puts the rows in view into the page (all of them again with `always`, else only when the window moved). */
  private renderRows(always: boolean): void {
    const { runs, columns, selected } = this.view;
    const window = rowWindow(this.scroll.scrollTop, this.scroll.clientHeight || 600, this.rowPx, runs.length);
    if (!always && window.start === this.shown.start && window.end === this.shown.end) return;
    this.shown = window;
    const focusedKey = (document.activeElement as HTMLElement | null)?.closest?.('tr[data-key]')?.getAttribute('data-key');
    const spacer = (rows: number) => {
      const cell = h('td', { colspan: columns.length });
      cell.style.height = `${rows * this.rowPx}px`;
      return h('tr', { className: 'spacer', 'aria-hidden': 'true' }, cell);
    };
    const rows = runs.slice(window.start, window.end).map((run, i) => {
      const isSelected = selected.has(run.key);
      return h(
        'tr',
        {
          'data-key': run.key,
          'aria-rowindex': window.start + i + 2,
          'aria-selected': String(isSelected),
          className: isSelected ? 'selected' : undefined,
          tabindex: 0,
        },
        ...columns.map((c) => {
          const text = c.text(run);
          if (c.id === RUN_COLUMN) {
            const dot = run.color ? swatch(run.color) : h('span', { className: 'swatch empty', 'aria-hidden': 'true' });
            return h('th', { scope: 'row', title: text }, dot, text);
          }
          const status = c.id === 'status' ? `status ${run.status.replace(' ', '-')}` : '';
          return h('td', { className: `${c.numeric ? 'num' : ''} ${status}`.trim() || undefined, title: text.length > 24 ? text : undefined }, text);
        }),
      );
    });
    this.tbody.replaceChildren(
      ...(window.start > 0 ? [spacer(window.start)] : []),
      ...rows,
      ...(window.end < runs.length ? [spacer(runs.length - window.end)] : []),
    );
    // A row's height depends on the theme's font: measured once, from the first rows laid out.
    if (!this.measured && rows[0]?.offsetHeight) {
      this.measured = true;
      if (rows[0].offsetHeight !== this.rowPx) {
        this.rowPx = rows[0].offsetHeight;
        return this.renderRows(true);
      }
    }
    if (focusedKey) (this.tbody.querySelector(`tr[data-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus({ preventScroll: true });
  }
}

/** The column chooser: a checkbox per column but the run (always shown), in a disclosure. */
export function columnChooser(columns: readonly Column[], hidden: readonly string[], onChange: (hidden: string[]) => void): HTMLDetailsElement {
  const choosable = columns.filter((c) => c.id !== RUN_COLUMN);
  const summary = h('summary', {});
  const boxes = choosable.map((c) => h('input', { type: 'checkbox', 'data-col': c.id, checked: !hidden.includes(c.id) }));
  const count = () => (summary.textContent = `Columns (${boxes.filter((b) => b.checked).length + 1} of ${columns.length})`);
  for (const box of boxes) {
    box.addEventListener('change', () => {
      count();
      onChange(boxes.filter((b) => !b.checked).map((b) => b.dataset.col!));
    });
  }
  count();
  const list = h(
    'div',
    { className: 'chooser-list', role: 'group', 'aria-label': 'Columns shown' },
    ...choosable.map((c, i) => h('label', {}, boxes[i], c.label)),
  );
  return h('details', { className: 'column-chooser', id: 'column-chooser' }, summary, list);
}
