// The frontier scatter: one point per setting — its cost on x (trainable parameters on a log axis, or ms/step, or
// bytes per attribute) and its mean score over seeds on y with ±1 sd whiskers — coloured by run name, and the
// trade-off frontier drawn as a line through its settings in order of cost. Hover names the setting; a click selects
// its runs (Ctrl/Cmd or Shift adds).
import {
  Chart,
  type ChartConfiguration,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import type { PairedDifference, Stats } from '../../src/common/sweep';
import { logAxisTicks } from '../shared/logTicks';
import { drawChart } from '../shared/charts';
import type { ThemeColors } from '../shared/themeColors';
import { type Whisker, errorBars } from './errorBars';
import { percent, points as differencePoints } from './measures';

Chart.register(ScatterController, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

export interface SettingPoint {
  setting: string;
  group: string; // the run name: one colour and legend entry each
  color: string;
  cost: number;
  score: Stats;
  runKeys: string[];
  selected: boolean;
  best: boolean; // the best setting on validation for the attribute
  difference?: PairedDifference;
}

export interface ScatterAxes {
  costLabel: string;
  costLog: boolean;
  formatCost(value: number): string;
  scoreLabel: string;
}

export const FRONTIER_LABEL = 'frontier';

export class FrontierScatter {
  private chart?: Chart<'scatter'>;
  private groups: SettingPoint[][] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onPick: (point: SettingPoint, event: MouseEvent) => void,
  ) {}

  /** `frontier`: the settings on the frontier, in any order. */
  show(shown: SettingPoint[], frontier: readonly string[], axes: ScatterAxes, colors: ThemeColors): void {
    const names = [...new Set(shown.map((p) => p.group))];
    this.groups = names.map((name) => shown.filter((p) => p.group === name));
    const line = shown.filter((p) => frontier.includes(p.setting)).sort((a, b) => a.cost - b.cost || b.score.mean - a.score.mean);
    const config = this.config(line, axes, colors);
    this.chart = drawChart(this.chart, this.canvas, config);
    this.canvas.dataset.points = String(shown.length);
    this.canvas.dataset.frontier = String(line.length);
  }

  private config(line: SettingPoint[], axes: ScatterAxes, colors: ThemeColors): ChartConfiguration<'scatter'> {
    const all = this.groups.flat();
    const low = Math.min(...all.map((p) => p.score.mean - p.score.sd));
    const high = Math.max(...all.map((p) => p.score.mean + p.score.sd));
    const pad = Math.max(0.01, (high - low) * 0.05);
    const grid = { color: colors.border };
    const ticks = { color: colors.description };
    const style = (pick: (p: SettingPoint) => string | number, group: SettingPoint[]) => group.map(pick);
    return {
      type: 'scatter',
      data: {
        datasets: [
          ...this.groups.map((group) => ({
            label: group[0].group,
            data: group.map((p) => ({ x: p.cost, y: p.score.mean })),
            borderColor: group[0].color,
            backgroundColor: group[0].color,
            pointStyle: style((p) => (p.best ? 'rectRot' : 'circle'), group) as ('rectRot' | 'circle')[],
            pointRadius: style((p) => (p.best ? 8 : p.selected ? 7 : 5), group) as number[],
            pointHoverRadius: style((p) => (p.best ? 10 : 8), group) as number[],
            pointBorderColor: style((p) => (p.selected ? colors.focus : p.color), group) as string[],
            pointBorderWidth: style((p) => (p.selected ? 3 : 1), group) as number[],
            clip: 10, // a point on the edge of the plot is drawn whole
          })),
          {
            label: FRONTIER_LABEL,
            type: 'line' as const,
            data: line.map((p) => ({ x: p.cost, y: p.score.mean })),
            borderColor: colors.description,
            backgroundColor: colors.description,
            borderDash: [6, 4],
            borderWidth: 1.5,
            pointStyle: 'line', // its legend entry is a line too
            pointRadius: 0,
            pointHitRadius: 0,
            order: 1, // drawn under the points
          } as never,
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        color: colors.foreground,
        font: { family: colors.font },
        // The tooltip names the setting nearest the pointer; a click must hit the point to select it.
        interaction: { mode: 'nearest', intersect: false },
        onClick: (event, _elements, chart) => {
          if (!(event.native instanceof MouseEvent)) return;
          const hit = this.hitPoint(chart, event.native);
          if (hit) this.onPick(hit, event.native);
        },
        onHover: (event, _elements, chart) => {
          if (event.native instanceof MouseEvent) this.canvas.style.cursor = this.hitPoint(chart, event.native) ? 'pointer' : 'default';
        },
        scales: {
          x: {
            type: axes.costLog ? 'logarithmic' : 'linear',
            ...paddedRange(
              all.map((p) => p.cost),
              axes.costLog,
            ),
            grid,
            ticks: { ...ticks, callback: (v) => axes.formatCost(Number(v)) },
            afterBuildTicks: axes.costLog ? logAxisTicks : undefined,
            title: { display: true, text: `${axes.costLabel}${axes.costLog ? ' (log)' : ''}`, color: colors.description },
          },
          y: {
            type: 'linear',
            // A little beyond the whiskers, rounded by chart.js to its ticks; never past 0% or 100%.
            suggestedMin: Number.isFinite(low) ? low - pad : undefined,
            suggestedMax: Number.isFinite(high) ? high + pad : undefined,
            min: low - pad <= 0 ? 0 : undefined,
            max: high + pad >= 1 ? 1 : undefined,
            grid,
            ticks: { ...ticks, callback: (v) => percent(Number(v)) },
            title: { display: true, text: `${axes.scoreLabel} (mean ± sd over seeds)`, color: colors.description },
          },
        },
        plugins: {
          legend: { labels: { color: colors.foreground, usePointStyle: true } },
          tooltip: {
            backgroundColor: colors.background,
            titleColor: colors.foreground,
            bodyColor: colors.foreground,
            borderColor: colors.border,
            borderWidth: 1,
            filter: (item) => item.datasetIndex < this.groups.length,
            callbacks: {
              title: (items) => (items[0] ? this.groups[items[0].datasetIndex][items[0].dataIndex].setting : ''),
              label: (item) => this.describe(this.groups[item.datasetIndex][item.dataIndex], axes),
            },
          },
        },
      },
      plugins: [errorBars('y', () => this.whiskers())],
    };
  }

  private hitPoint(chart: Chart, event: MouseEvent): SettingPoint | undefined {
    const hit = chart.getElementsAtEventForMode(event, 'nearest', { intersect: true }, false).find((e) => e.datasetIndex < this.groups.length);
    return hit && this.groups[hit.datasetIndex][hit.index];
  }

  private describe(p: SettingPoint, axes: ScatterAxes): string[] {
    const lines = [
      `${axes.scoreLabel} ${percent(p.score.mean)} ± ${percent(p.score.sd)} (${p.score.n} seed${p.score.n === 1 ? '' : 's'})`,
      `${axes.costLabel}: ${axes.formatCost(p.cost)}`,
    ];
    if (p.difference) lines.push(`test acc vs ${p.difference.reference}: ${differencePoints(p.difference.mean)} ± ${(100 * p.difference.se).toFixed(1)}`);
    if (p.best) lines.push('best on validation');
    return lines;
  }

  private whiskers(): Whisker[] {
    return this.groups.flatMap((group, datasetIndex) =>
      group.flatMap((p, index) => (p.score.sd > 0 ? [{ datasetIndex, index, low: p.score.mean - p.score.sd, high: p.score.mean + p.score.sd }] : [])),
    );
  }

  dispose(): void {
    this.chart?.destroy();
  }
}

/** Room beyond the outermost points: a point on the axis's end would be cut in half. */
function paddedRange(values: number[], log: boolean): { min?: number; max?: number } {
  const usable = log ? values.filter((v) => v > 0) : values;
  if (usable.length === 0) return {};
  const min = Math.min(...usable);
  const max = Math.max(...usable);
  if (log) return { min: min / 1.4, max: max * 1.4 };
  const pad = (max - min) * 0.08 || Math.abs(max) * 0.1 || 1;
  return { min: Math.max(0, min - pad), max: max + pad };
}
