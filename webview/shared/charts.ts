// Chart.js charts that are redrawn with new data: the chart is made once and then updated in place, without
// animation, so that a redraw keeps the canvas (and its listeners) and does not flicker.
import { Chart, type ChartConfiguration, type ChartType } from 'chart.js';

export function drawChart<T extends ChartType>(chart: Chart<T> | undefined, canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> {
  if (!chart) return new Chart(canvas, config);
  chart.data = config.data;
  chart.options = config.options!;
  chart.update('none');
  return chart;
}
