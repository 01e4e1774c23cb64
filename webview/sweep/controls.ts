// The sweep panel's buttons and lists: vscode-elements, themed like VS Code's own.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { h } from '../shared/dom';

export type Button = HTMLElement & { disabled: boolean };

export function button(label: string, id: string, onClick: () => void, secondary = false): Button {
  const b = document.createElement('vscode-button') as unknown as Button;
  b.id = id;
  b.textContent = label;
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

/** A labelled vscode-single-select; made anew when its options change (simplest for a web component). */
export function selectControl(
  id: string,
  label: string,
  options: readonly { value: string; label: string }[],
  value: string,
  onChange: (value: string) => void,
): HTMLElement {
  const select = document.createElement('vscode-single-select');
  select.id = id;
  select.setAttribute('aria-label', label);
  for (const o of options) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', o.value);
    if (o.value === value) option.setAttribute('selected', '');
    option.textContent = o.label;
    select.append(option);
  }
  select.addEventListener('change', () => onChange((select as unknown as { value: string }).value));
  return h('label', {}, label, select);
}
