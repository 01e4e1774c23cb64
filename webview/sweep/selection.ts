// Which runs are selected, as in a list: a click selects what was clicked (a run, or a setting's runs), Ctrl/Cmd+click
// adds it or takes it away again, Shift+click selects everything from the last click to this one in the order shown.
// Pure, so it is unit-tested.

export type SelectMode = 'replace' | 'toggle' | 'range';

export interface Selection {
  selected: string[];
  /** Where the next Shift+click's range starts. */
  anchor?: string;
}

export function modeOf(event: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): SelectMode {
  if (event.shiftKey) return 'range';
  return event.ctrlKey || event.metaKey ? 'toggle' : 'replace';
}

/**
 * The selection after a click on `clicked` (one run's key, or several: a setting's runs) in `mode`; `order` is the
 * order the runs are shown in, for a range. A range without an anchor (or outside `order`) acts as a replace.
 */
export function select(current: Selection, clicked: readonly string[], mode: SelectMode, order: readonly string[] = []): Selection {
  const anchor = clicked[0];
  if (mode === 'toggle') {
    const all = clicked.every((k) => current.selected.includes(k));
    const selected = all ? current.selected.filter((k) => !clicked.includes(k)) : [...new Set([...current.selected, ...clicked])];
    return { selected, anchor };
  }
  if (mode === 'range' && current.anchor !== undefined) {
    const from = order.indexOf(current.anchor);
    const to = order.indexOf(anchor);
    if (from >= 0 && to >= 0) {
      const range = order.slice(Math.min(from, to), Math.max(from, to) + 1);
      return { selected: [...new Set([...range, ...clicked])], anchor: current.anchor };
    }
  }
  return { selected: [...clicked], anchor };
}
