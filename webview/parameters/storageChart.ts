// Storage for N attributes as lines, one per run type that is stored per attribute, N = 1 … the slider's maximum:
// full fine-tuning grows by a whole model per attribute, adapters by a small adapter over one shared base. The axis
// is logarithmic: linear, the adapters' lines would lie flat on zero beside full fine-tuning's. The point at the
// chosen N is marked; the table below has the figures.
import { CategoryScale, Chart, Legend, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import { type StorageModel, projectedBytes } from '../../src/common/parameterReport';
import { logAxisTicks } from '../shared/logTicks';
import type { ThemeColors } from '../shared/themeColors';
import { bytes } from './format';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LogarithmicScale, Legend, Tooltip);

/** The axis counts MB (1024², as the table): its round ticks (1, 10, 100 MB) then read as round sizes. */
const MB = 1024 ** 2;

export interface StorageLine {
  name: string;
  storage: StorageModel;
  /** Counted from shapes for comparison, not a run type of the config: drawn dashed. */
  reference?: boolean;
}

export class StorageChart {
  private chart?: Chart<'line'>;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly maxAttributes: number,
  ) {}

  show(lines: readonly StorageLine[], attributes: number, colors: ThemeColors): void {
    this.chart?.destroy();
    const palette = [colors.charts.blue, colors.charts.orange, colors.charts.green, colors.charts.purple, colors.charts.yellow];
    const ns = Array.from({ length: this.maxAttributes }, (_, i) => i + 1);
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: {
        labels: ns,
        datasets: lines.map((line, i) => {
          const color = line.reference || line.name === 'full' ? colors.charts.red : palette[i % palette.length];
          return {
            label: line.reference ? `${line.name} (from shapes)` : line.name,
            data: ns.map((n) => projectedBytes(line.storage, n) / MB),
            borderColor: color,
            backgroundColor: color,
            borderWidth: 2,
            borderDash: line.reference ? [6, 4] : [],
            pointRadius: (c: { dataIndex: number }) => (c.dataIndex === this.markedIndex ? 4 : 0),
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: {
            grid: { color: colors.border },
            ticks: { color: colors.foreground, maxTicksLimit: 11 },
            title: { display: true, text: 'attributes N', color: colors.description },
          },
          y: {
            type: 'logarithmic',
            afterBuildTicks: logAxisTicks,
            grid: { color: colors.border },
            ticks: { color: colors.foreground, callback: (v) => `${Number(v).toLocaleString('en-US', { maximumSignificantDigits: 3 })} MB` },
            title: { display: true, text: 'on disk (log scale)', color: colors.description },
          },
        },
        plugins: {
          legend: { labels: { color: colors.foreground } },
          tooltip: { callbacks: { title: (items) => `N = ${items[0]?.label}`, label: (c) => `${c.dataset.label}: ${bytes(Number(c.raw) * MB)}` } },
        },
      },
    });
    this.mark(attributes);
  }

  /** Marks the chosen N on every line. */
  mark(attributes: number): void {
    this.markedIndex = attributes - 1;
    this.chart?.update();
  }

  private markedIndex = 0;
}
