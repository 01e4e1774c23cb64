// Accuracy vs trainable parameters (src/common/tradeOff.ts decides the points), parameters on a log axis: the
// adapter trade-off at a glance. A point has its run's colour and, when several attributes are plotted, a shape per
// attribute; the axis and each tooltip say which accuracy it is. The points are listed for screen readers too.
import { Chart, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import { formatCount } from '../../src/common/format';
import type { TradeOff, TradeOffPoint } from '../../src/common/tradeOff';
import { drawChart } from '../shared/charts';
import { h } from '../shared/dom';
import { logAxisTicks } from '../shared/logTicks';
import type { ThemeColors } from '../shared/themeColors';

Chart.register(ScatterController, PointElement, LinearScale, LogarithmicScale, Tooltip);

/** The shape of an attribute's points: its place among the plotted attributes (a mean over attributes is a diamond). */
const SHAPES = ['circle', 'triangle', 'rect', 'star', 'crossRot', 'rectRounded'] as const;
type Shape = (typeof SHAPES)[number] | 'rectRot';
const GLYPHS: Record<Shape, string> = { circle: '●', triangle: '▲', rect: '■', star: '★', crossRot: '✕', rectRounded: '▢', rectRot: '◆' };

export class TradeOffScatter {
  private chart?: Chart<'scatter'>;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** the points as a list: what a screen reader (and the e2e) reads instead of the canvas */
    private readonly list: HTMLElement,
  ) {}

  show(tradeOff: TradeOff, colors: ThemeColors): void {
    const { points } = tradeOff;
    const attributes = [...new Set(points.flatMap((p) => (p.attribute ? [p.attribute] : [])))].sort();
    const shape = (p: TradeOffPoint): Shape => (p.attribute ? SHAPES[attributes.indexOf(p.attribute) % SHAPES.length] : 'rectRot');
    const grid = { color: colors.border };
    const ticks = { color: colors.description };
    this.chart = drawChart(this.chart, this.canvas, {
      type: 'scatter',
      data: {
        datasets: points.map((p) => ({
          label: p.label,
          data: [{ x: p.params, y: p.accuracy }],
          borderColor: p.color,
          backgroundColor: p.color,
          pointStyle: shape(p),
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
            ticks: { ...ticks, callback: (v) => formatCount(Number(v)) },
            afterBuildTicks: logAxisTicks,
            title: { display: true, text: 'trainable parameters (log)', color: colors.description },
          },
          y: {
            type: 'linear',
            grace: '10%',
            grid,
            ticks: { ...ticks, callback: (v) => `${(100 * Number(v)).toFixed(0)}%` },
            title: { display: true, text: tradeOff.axis, color: colors.description },
          },
        },
        plugins: {
          legend: { display: false }, // the run selector above and the shape key below say which point is which
          tooltip: {
            backgroundColor: colors.background,
            titleColor: colors.foreground,
            bodyColor: colors.foreground,
            borderColor: colors.border,
            borderWidth: 1,
            callbacks: { label: (item) => pointText(points[item.datasetIndex]) },
          },
        },
      },
    });
    this.list.replaceChildren(
      ...points.map((p) =>
        h('li', { 'data-runs': p.runIds.join(' '), 'data-color': p.color, 'data-attribute': p.attribute, 'data-shape': shape(p) }, pointText(p)),
      ),
    );
  }
}

/** Which shape is which attribute, when the points are of several. */
export function shapeKey(tradeOff: TradeOff): string {
  const attributes = [...new Set(tradeOff.points.flatMap((p) => (p.attribute ? [p.attribute] : [])))].sort();
  if (attributes.length < 2) return '';
  return `Shapes: ${attributes.map((a, i) => `${GLYPHS[SHAPES[i % SHAPES.length]]} ${a}`).join(', ')}.`;
}

function pointText(p: TradeOffPoint): string {
  return `${p.label}: ${p.measure} ${(100 * p.accuracy).toFixed(1)}% with ${formatCount(p.params)} trainable parameters`;
}

function paddedRange(values: number[]): { min?: number; max?: number } {
  const positive = values.filter((v) => v > 0);
  return positive.length ? { min: Math.min(...positive) / 1.25, max: Math.max(...positive) * 1.25 } : {};
}
