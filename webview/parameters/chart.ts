// Trainable vs total parameters per run type as a bar chart (chart.js; only the parts it needs are registered),
// with a logarithmic axis on request: adapters train 1–5% of what full fine-tuning trains, too small to see linearly.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LogarithmicScale, Tooltip } from 'chart.js';
import type { RunTypeParameters } from '../../src/common/parameterReport';
import { logAxisTicks } from '../shared/logTicks';
import type { ThemeColors } from '../shared/themeColors';
import { count } from './format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, Legend, Tooltip);

export class ParametersChart {
  private chart?: Chart<'bar'>;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  show(rows: readonly RunTypeParameters[], logScale: boolean, colors: ThemeColors): void {
    this.chart?.destroy();
    Chart.defaults.color = colors.foreground;
    Chart.defaults.font.family = colors.font;
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.name),
        datasets: [
          { label: 'trainable', data: rows.map((r) => r.trainable), backgroundColor: colors.charts.blue, borderColor: colors.charts.blue, borderWidth: 1 },
          {
            label: 'total at inference',
            data: rows.map((r) => r.total),
            backgroundColor: 'transparent',
            borderColor: colors.description,
            borderWidth: 1.5,
            borderDash: [4, 3],
          } as never,
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { grid: { color: colors.border }, ticks: { color: colors.foreground } },
          y: {
            type: logScale ? 'logarithmic' : 'linear',
            grid: { color: colors.border },
            ticks: { color: colors.foreground, callback: (v) => count(Number(v)) },
            afterBuildTicks: logScale ? logAxisTicks : undefined,
            title: { display: true, text: 'parameters', color: colors.description },
          },
        },
        plugins: {
          legend: { labels: { color: colors.foreground } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${count(Number(c.raw))}` } },
        },
      },
    });
  }
}
