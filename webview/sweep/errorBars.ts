// A small chart.js plugin that draws ±1 sd whiskers (a line with end caps) through points of a chart, in their
// dataset's colour, after the datasets are drawn: chart.js has no error bars of its own.
import type { Chart, Plugin } from 'chart.js';

export interface Whisker {
  datasetIndex: number;
  index: number;
  low: number;
  high: number;
}

const CAP = 4; // half the width of an end cap, px

/** Whiskers along `axis` ('y': vertical, through a point's x) for the points `whiskers()` lists when the chart draws. */
export function errorBars(axis: 'x' | 'y', whiskers: () => readonly Whisker[]): Plugin {
  return {
    id: `errorBars-${axis}`,
    afterDatasetsDraw(chart: Chart) {
      const scale = chart.scales[axis];
      if (!scale) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
      ctx.clip();
      ctx.lineWidth = 1.5;
      for (const w of whiskers()) {
        if (!chart.isDatasetVisible(w.datasetIndex)) continue;
        const point = chart.getDatasetMeta(w.datasetIndex).data[w.index];
        if (!point) continue;
        const { x, y } = point.getProps(['x', 'y'], true) as { x: number; y: number };
        const a = scale.getPixelForValue(w.low);
        const b = scale.getPixelForValue(w.high);
        const color = chart.data.datasets[w.datasetIndex].borderColor;
        ctx.strokeStyle = Array.isArray(color) ? String(color[w.index]) : typeof color === 'string' ? color : '#888';
        ctx.beginPath();
        if (axis === 'y') {
          ctx.moveTo(x, a);
          ctx.lineTo(x, b);
          for (const end of [a, b]) {
            ctx.moveTo(x - CAP, end);
            ctx.lineTo(x + CAP, end);
          }
        } else {
          ctx.moveTo(a, y);
          ctx.lineTo(b, y);
          for (const end of [a, b]) {
            ctx.moveTo(end, y - CAP);
            ctx.lineTo(end, y + CAP);
          }
        }
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}
