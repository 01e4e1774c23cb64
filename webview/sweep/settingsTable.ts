// The settings of the sweep on the chosen attribute: the score (mean ± sd over seeds), test accuracy against the
// reference setting (paired by seed, ± standard error), the costs; the best setting on validation is marked. A click
// on a row (or Space/Enter) selects the setting's runs.
import type { SettingRow, SweepReport } from '../../src/common/sweep';
import type { SweepMetric } from '../../src/protocol/sweep';
import { h, swatch } from '../shared/dom';
import { count, metricLabel, percent, points, settingScore } from './measures';

export interface SettingsTableView {
  report: SweepReport;
  task: string;
  metric: SweepMetric;
  colorOf(setting: SettingRow): string;
  isSelected(setting: SettingRow): boolean;
}

export function settingsTable(view: SettingsTableView, onPick: (setting: SettingRow, event: MouseEvent | KeyboardEvent) => void): HTMLTableElement {
  const { report, task, metric } = view;
  const best = report.best[task]?.setting;
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'setting'),
    h('th', { scope: 'col', className: 'num' }, 'seeds'),
    h('th', { scope: 'col', className: 'num' }, `${task} ${metricLabel(metric)}`),
    h('th', { scope: 'col', className: 'num' }, report.reference ? `Δ test acc vs ${report.reference}` : 'Δ test acc (no reference)'),
    h('th', { scope: 'col', className: 'num' }, 'trainable params'),
    h('th', { scope: 'col', className: 'num' }, 'train ms/step'),
  );
  const rows = report.settings.flatMap((s) => {
    const score = settingScore(s, task, metric);
    if (!score) return [];
    const difference = s.tasks[task].difference;
    const selected = view.isSelected(s);
    const row = h(
      'tr',
      { tabindex: 0, 'aria-selected': String(selected), className: selected ? 'selected' : undefined, 'data-setting': s.setting },
      h(
        'th',
        { scope: 'row' },
        swatch(view.colorOf(s)),
        s.setting,
        s.setting === best ? h('span', { className: 'badge', title: 'highest mean validation accuracy' }, 'best on validation') : null,
        report.referenceSettings.includes(s.setting) ? h('span', { className: 'badge' }, 'reference') : null,
      ),
      h('td', { className: 'num' }, score.n),
      h('td', { className: 'num' }, `${percent(score.mean)} ± ${percent(score.sd)}`),
      h(
        'td',
        { className: 'num', title: difference ? `against ${difference.reference}` : undefined },
        difference ? `${points(difference.mean)} ± ${(100 * difference.se).toFixed(1)} (n=${difference.n})` : '–',
      ),
      h('td', { className: 'num' }, count(s.trainableParams)),
      h('td', { className: 'num' }, `${s.msPerStep.mean.toFixed(1)} ± ${s.msPerStep.sd.toFixed(1)}`),
    );
    row.addEventListener('click', (e) => onPick(s, e));
    row.addEventListener('keydown', (e) => {
      if (e.key !== ' ' && e.key !== 'Enter') return;
      e.preventDefault();
      onPick(s, e);
    });
    return [row];
  });
  return h(
    'table',
    { id: 'settings' },
    h('caption', { className: 'muted' }, 'Mean ± sd over seeds; Δ is test accuracy minus the reference’s on the same seeds, ± standard error.'),
    h('thead', {}, head),
    h('tbody', {}, ...rows),
  );
}
