// The score per setting: a row per setting (in plan order, so a method's settings stay together) with its mean over
// seeds as a diamond, ±1 sd whiskers, and each seed's run as a dot. Rows rather than columns: settings have long
// names. A click on a diamond selects the setting's runs, on a dot that one run.
import { Chart, type ChartConfiguration, LinearScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { Stats } from '../../src/common/sweep';
import { drawChart } from '../shared/charts';
import type { ThemeColors } from '../shared/themeColors';
import { withAlpha } from './colorScale';
import { type Whisker, errorBars } from './errorBars';
import { percent } from './measures';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

export interface SettingScores {
  setting: string;
  color: string;
  score: Stats;
  seeds: { runKey: string; seed: number; value: number }[];
  selected: (runKey: string) => boolean;
}

const ROW_PX = 26;
const LABEL_CHARS = 64;

export class SettingPlot {
  private chart?: Chart<'scatter'>;
  private rows: SettingScores[] = [];

  constructor(
    private readonly box: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly onPick: (runKeys: string[], event: MouseEvent) => void,
  ) {}

  show(rows: SettingScores[], scoreLabel: string, colors: ThemeColors): void {
    this.rows = rows;
    // Every setting gets a row of its own: the plot grows with the sweep instead of squeezing its labels.
    this.box.style.height = `${Math.max(160, 70 + ROW_PX * rows.length)}px`;
    const config = this.config(scoreLabel, colors);
    this.chart = drawChart(this.chart, this.canvas, config);
    this.canvas.dataset.settings = String(rows.length);
  }

  private config(scoreLabel: string, colors: ThemeColors): ChartConfiguration<'scatter'> {
    const { rows } = this;
    const values = rows.flatMap((r) => [r.score.mean - r.score.sd, r.score.mean + r.score.sd, ...r.seeds.map((s) => s.value)]);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const pad = Math.max(0.01, (high - low) * 0.05);
    const grid = { color: colors.border };
    // Seeds a little above and below their row, so that equal scores do not hide each other.
    const jitter = (i: number, n: number) => (n > 1 ? -0.18 + (0.36 * i) / (n - 1) : 0);
    return {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'mean ± sd',
            data: rows.map((r, i) => ({ x: r.score.mean, y: i })),
            borderColor: rows.map((r) => r.color),
            backgroundColor: rows.map((r) => r.color),
            pointStyle: 'rectRot',
            pointRadius: 6,
            pointHoverRadius: 8,
            clip: 10, // a score of 100% is drawn whole
          },
          {
            label: 'seeds',
            data: rows.flatMap((r, i) => r.seeds.map((s, k) => ({ x: s.value, y: i + jitter(k, r.seeds.length) }))),
            borderColor: rows.flatMap((r) => r.seeds.map((s) => (r.selected(s.runKey) ? colors.focus : r.color))),
            backgroundColor: rows.flatMap((r) => r.seeds.map(() => withAlpha(r.color, 0.5))),
            pointRadius: rows.flatMap((r) => r.seeds.map((s) => (r.selected(s.runKey) ? 5 : 3))),
            pointBorderWidth: rows.flatMap((r) => r.seeds.map((s) => (r.selected(s.runKey) ? 2 : 1))),
            pointHoverRadius: 6,
            clip: 10,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        color: colors.foreground,
        font: { family: colors.font },
        onClick: (event, elements) => {
          const hit = elements[0];
          if (!hit || !(event.native instanceof MouseEvent)) return;
          this.onPick(hit.datasetIndex === 0 ? this.rows[hit.index].seeds.map((s) => s.runKey) : [this.seedAt(hit.index).runKey], event.native);
        },
        onHover: (event, elements) => {
          const target = event.native?.target;
          if (target instanceof HTMLElement) target.style.cursor = elements.length ? 'pointer' : 'default';
        },
        scales: {
          x: {
            type: 'linear',
            // A little beyond the whiskers and seeds, rounded by chart.js to its ticks; never past 0% or 100%.
            suggestedMin: low - pad,
            suggestedMax: high + pad,
            min: low - pad <= 0 ? 0 : undefined,
            max: high + pad >= 1 ? 1 : undefined,
            position: 'top',
            grid,
            ticks: { color: colors.description, callback: (v) => percent(Number(v)) },
          },
          y: {
            type: 'linear',
            reverse: true,
            min: -0.6,
            max: rows.length - 0.4,
            grid: { color: colors.border, drawTicks: false },
            afterBuildTicks: (axis) => {
              axis.ticks = rows.map((_, i) => ({ value: i }));
            },
            ticks: {
              color: colors.foreground,
              autoSkip: false,
              callback: (v) => shorten(rows[Number(v)]?.setting ?? ''),
            },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            backgroundColor: colors.background,
            titleColor: colors.foreground,
            bodyColor: colors.foreground,
            borderColor: colors.border,
            borderWidth: 1,
            callbacks: {
              title: (items) => (items[0] ? this.settingOf(items[0].datasetIndex, items[0].dataIndex).setting : ''),
              label: (item) => {
                if (item.datasetIndex === 0) {
                  const { score } = this.rows[item.dataIndex];
                  return `${scoreLabel} ${percent(score.mean)} ± ${percent(score.sd)} (${score.n} seed${score.n === 1 ? '' : 's'})`;
                }
                const seed = this.seedAt(item.dataIndex);
                return `seed ${seed.seed}: ${percent(seed.value)}`;
              },
            },
          },
        },
      },
      plugins: [errorBars('x', () => this.whiskers())],
    };
  }

  private seedAt(index: number): SettingScores['seeds'][number] {
    return this.rows.flatMap((r) => r.seeds)[index];
  }

  private settingOf(datasetIndex: number, index: number): SettingScores {
    if (datasetIndex === 0) return this.rows[index];
    const key = this.seedAt(index).runKey;
    return this.rows.find((r) => r.seeds.some((s) => s.runKey === key))!;
  }

  private whiskers(): Whisker[] {
    return this.rows.flatMap((r, index) =>
      r.score.sd > 0 ? [{ datasetIndex: 0, index, low: r.score.mean - r.score.sd, high: r.score.mean + r.score.sd }] : [],
    );
  }

  dispose(): void {
    this.chart?.destroy();
  }
}

function shorten(text: string): string {
  return text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
}
