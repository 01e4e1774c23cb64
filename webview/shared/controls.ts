// The curve controls both curve views share: EMA smoothing slider, x axis, log scale. vscode-elements for the
// select and checkbox (themed like VS Code's own), a native range input for the slider (vscode-elements has none).
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { XAxis } from '../../src/common/curves';
import { h } from './dom';

export interface CurveControlValues {
  smoothing: number;
  xAxis: XAxis;
  logScale: boolean;
}

const AXES: { value: XAxis; label: string }[] = [
  { value: 'step', label: 'Step' },
  { value: 'epoch', label: 'Epoch' },
  { value: 'wallMs', label: 'Wall time' },
];

/** Builds the controls into `toolbar`; `onChange` gets each change. */
export function curveControls(toolbar: HTMLElement, initial: CurveControlValues, onChange: (change: Partial<CurveControlValues>) => void): void {
  const slider = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: initial.smoothing, id: 'smoothing', 'aria-label': 'Smoothing' });
  const shown = h('output', { for: 'smoothing', className: 'mono', id: 'smoothing-value' }, initial.smoothing.toFixed(2));
  slider.addEventListener('input', () => {
    const smoothing = Math.min(0.99, Math.max(0, Number(slider.value)));
    shown.textContent = smoothing.toFixed(2);
    onChange({ smoothing });
  });

  const select = document.createElement('vscode-single-select');
  select.id = 'x-axis';
  select.setAttribute('aria-label', 'X axis');
  for (const axis of AXES) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', axis.value);
    if (axis.value === initial.xAxis) option.setAttribute('selected', '');
    option.textContent = axis.label;
    select.append(option);
  }
  select.addEventListener('change', () => {
    const value = (select as unknown as { value: string }).value as XAxis;
    if (AXES.some((a) => a.value === value)) onChange({ xAxis: value });
  });

  const log = document.createElement('vscode-checkbox');
  log.id = 'log-scale';
  log.setAttribute('label', 'Log scale');
  if (initial.logScale) log.setAttribute('checked', '');
  log.addEventListener('change', () => onChange({ logScale: (log as unknown as { checked: boolean }).checked }));

  toolbar.append(h('label', {}, 'Smoothing', slider, shown), h('label', {}, 'X axis', select), log);
}
