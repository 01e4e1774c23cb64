// Accuracy vs trainable parameters, one point per run in its colour, parameters on a log axis: the adapter
// trade-off at a glance (adapters far left at nearly the accuracy of full fine-tuning on the right).
import { Chart, Legend, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import { logAxisTicks } from '../shared/logTicks';
import type { ThemeColors } from '../shared/themeColors';

Chart.register(ScatterController, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

export interface ScatterPoint {
  label: string;
  color: string;
  params: number;
  accuracy: number;
}

export class TradeOffScatter {
  private chart?: Chart<'scatter'>;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  show(points: ScatterPoint[], colors: ThemeColors): void {
    this.chart?.destroy();
    const grid = { color: colors.border };
    const ticks = { color: colors.description };
    this.chart = new Chart(this.canvas, {
      type: 'scatter',
      data: {
        datasets: points.map((p) => ({
          label: p.label,
          data: [{ x: p.params, y: p.accuracy }],
          borderColor: p.color,
          backgroundColor: p.color,
          pointRadius: 6,
          pointHoverRadius: 8,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        color: colors.foreground,
        font: { family: colors.font },
        scales: {
          // Some room beyond the outermost runs: a point on the axis's end would be cut in half.
          x: {
            type: 'logarithmic',
            ...paddedRange(points.map((p) => p.params)),
            grid,
            ticks: { ...ticks, callback: (v) => formatParams(Number(v)) },
            afterBuildTicks: logAxisTicks,
            title: { display: true, text: 'trainable parameters (log)', color: colors.description },
          },
          y: {
            type: 'linear',
            grace: '10%',
            grid,
            ticks: { ...ticks, callback: (v) => `${(100 * Number(v)).toFixed(0)}%` },
            title: { display: true, text: 'mean test accuracy', color: colors.description },
          },
        },
        plugins: {
          legend: { labels: { color: colors.foreground } },
          tooltip: {
            backgroundColor: colors.background,
            titleColor: colors.foreground,
            bodyColor: colors.foreground,
            borderColor: colors.border,
            borderWidth: 1,
            callbacks: {
              label: (item) =>
                `${item.dataset.label}: ${(100 * (item.parsed.y ?? 0)).toFixed(1)}% with ${formatParams(item.parsed.x ?? 0)} trainable parameters`,
            },
          },
        },
      },
    });
  }

  dispose(): void {
    this.chart?.destroy();
  }
}

function paddedRange(values: number[]): { min?: number; max?: number } {
  const positive = values.filter((v) => v > 0);
  return positive.length ? { min: Math.min(...positive) / 1.25, max: Math.max(...positive) * 1.25 } : {};
}

function formatParams(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(n);
}
