// The curves of one or more runs: one chart per metric (training loss, validation accuracy, macro-F1, loss), one
// line per run and attribute — the run's colour, a dash pattern per attribute (or the run's own, when the panel has
// more runs than colours). Points stream in: append() adds them to the arrays the charts already hold (smoothing is
// incremental) and the charts redraw at most once per animation frame, without animation. Each line is min-max
// downsampled as it grows (MinMaxDownsampler: only the new points are looked at), so a 20,000-point series costs the
// chart ~1,200 points. Training loss is smoothed with its raw values drawn faint behind; validation series (a point
// per evaluation) are drawn as they are. The best point of each line is marked, and a finished run's test result is
// a triangle at its end. The legend is the panel's run selector (runSelector.ts): hidden runs lose every line.
import { Chart, type ChartDataset, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Tooltip, type TooltipItem } from 'chart.js';
import { CHARTS, type ChartSpec, type SeriesColumns, type CurveBatch, type XAxis, emptyColumns, parseSeriesKey } from '../../src/common/curves';
import { MinMaxDownsampler, type XY } from '../../src/common/downsample';
import { type BestPoint, EmaSmoother, bestPoint } from '../../src/common/series';
import { RUN_DASHES } from '../../src/common/runColors';
import type { RunSummary } from '../../src/common/runRecord';
import type { CurveRun } from '../../src/protocol/curves';
import { logAxisTicks } from '../shared/logTicks';
import type { ThemeColors } from '../shared/themeColors';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

export interface CurveOptions {
  smoothing: number;
  xAxis: XAxis;
  logScale: boolean;
}

type Point = XY;

/** A run as the charts draw it: its name as every view says it, and its summary once it has one. */
export type ChartRun = CurveRun & { label: string; summary?: RunSummary };
type Role = 'raw' | 'smooth' | 'best' | 'test';

/** One line: a run's series (e.g. validation accuracy of "mood"), its raw and smoothed points and its best point. */
interface Track {
  run: ChartRun;
  task?: string;
  spec: ChartSpec;
  columns: SeriesColumns;
  smoothValues: number[];
  smoother: EmaSmoother;
  /** the smoothing changed: smoothValues are recomputed at the next redraw (once per frame while a slider moves) */
  resmooth: boolean;
  raw: MinMaxDownsampler;
  smooth: MinMaxDownsampler;
  best?: BestPoint;
  bestMarker: Point[];
  datasets: Record<Role, ChartDataset<'line', Point[]>>;
}

/** Buckets per line: two points each, about one point per pixel of a chart. */
const BUCKETS = 300;
const DASHES: number[][] = [[], [6, 3], [2, 2], [10, 3, 2, 3], [1, 4]];
const X_TITLES: Record<XAxis, string> = { step: 'step', epoch: 'epoch', wallMs: 'wall time' };

/** A perf mark per redraw, read by the e2e benchmark (performance.getEntriesByName). */
export const REDRAW_MEASURE = 'adapterlab:curves-redraw';

export class CurveCharts {
  private readonly charts = new Map<ChartSpec['id'], { chart: Chart<'line', Point[]>; card: HTMLElement }>();
  private readonly tracks = new Map<string, Track>(); // by run id + series key
  private readonly trackOf = new WeakMap<object, { track: Track; role: Role }>();
  private runs = new Map<string, ChartRun>();
  private hidden: ReadonlySet<string> = new Set();
  private tasks: string[] = []; // in order of appearance: the dash pattern of each
  private dirty = new Set<Track>();
  private frame?: number;
  /** Charts scrolled out of view are not redrawn; they are marked stale and redrawn when they come back. */
  private readonly visible = new Set<ChartSpec['id']>();
  private readonly stale = new Set<ChartSpec['id']>();
  private readonly observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const id = (entry.target as HTMLElement).dataset.chart as ChartSpec['id'];
      if (!entry.isIntersecting) {
        this.visible.delete(id);
        continue;
      }
      this.visible.add(id);
      if (this.stale.delete(id)) this.charts.get(id)?.chart.update('none');
    }
  });

  constructor(
    private readonly container: HTMLElement,
    private options: CurveOptions,
    private colors: ThemeColors,
  ) {}

  /** Starts over with these runs (their points follow through append). */
  setRuns(runs: ChartRun[]): void {
    for (const { chart } of this.charts.values()) chart.destroy();
    this.observer.disconnect();
    this.charts.clear();
    this.visible.clear();
    this.stale.clear();
    this.tracks.clear();
    this.container.replaceChildren();
    this.runs = new Map(runs.map((r) => [r.id, r]));
    this.tasks = [];
  }

  hasPoints(): boolean {
    return this.tracks.size > 0;
  }

  /** The raw columns of a run's series (for tables), if it has any points. */
  series(runId: string, key: string): SeriesColumns | undefined {
    return this.tracks.get(`${runId}\n${key}`)?.columns;
  }

  /** The last optimiser step a run has logged. */
  lastStep(runId: string): number | undefined {
    const steps = this.tracks.get(`${runId}\ntrain/loss`)?.columns.step;
    return steps?.length ? steps[steps.length - 1] : undefined;
  }

  append(runId: string, batch: CurveBatch): void {
    const run = this.runs.get(runId);
    if (!run) return;
    for (const [key, columns] of Object.entries(batch)) {
      const track = this.track(run, key);
      if (!track) continue;
      const from = track.columns.value.length;
      for (const c of ['step', 'epoch', 'wallMs', 'value'] as const) for (const v of columns[c]) track.columns[c].push(v);
      if (!track.resmooth) for (let i = from; i < track.columns.value.length; i++) track.smoothValues.push(track.smoother.push(track.columns.value[i]));
      this.updateBest(track, from);
      this.dirty.add(track);
    }
    this.scheduleRedraw();
  }

  setOptions(change: Partial<CurveOptions>): void {
    const before = this.options;
    this.options = { ...before, ...change };
    for (const track of this.tracks.values()) {
      if (change.xAxis !== undefined && change.xAxis !== before.xAxis) this.changeAxis(track);
      if (change.smoothing !== undefined && change.smoothing !== before.smoothing) track.resmooth = true;
      this.dirty.add(track);
    }
    for (const { chart } of this.charts.values()) this.applyOptions(chart);
    this.scheduleRedraw();
  }

  /** Hides every line of these runs (raw, smoothed, best, test) in every chart; the axes fit what is left. */
  setHidden(hidden: ReadonlySet<string>): void {
    this.hidden = new Set(hidden);
    for (const track of this.tracks.values()) {
      this.applyVisibility(track);
      this.dirty.add(track);
    }
    this.scheduleRedraw();
  }

  /** A run finished: its test result joins its validation lines. */
  setTestResult(runId: string, summary: RunSummary | undefined): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.summary = summary;
    for (const track of this.tracks.values()) if (track.run.id === runId) this.dirty.add(track);
    this.scheduleRedraw();
  }

  setTheme(colors: ThemeColors): void {
    this.colors = colors;
    for (const { chart } of this.charts.values()) this.applyOptions(chart);
    this.tracks.forEach((t) => this.dirty.add(t));
    this.scheduleRedraw();
  }

  dispose(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.observer.disconnect();
    for (const { chart } of this.charts.values()) chart.destroy();
  }

  private track(run: ChartRun, key: string): Track | undefined {
    const id = `${run.id}\n${key}`;
    const existing = this.tracks.get(id);
    if (existing) return existing;
    const parsed = parseSeriesKey(key);
    if (!parsed) return undefined;
    if (parsed.task !== undefined && !this.tasks.includes(parsed.task)) this.tasks.push(parsed.task);
    // A run that shares its colour with another of the panel is told apart by its own dash pattern.
    const dash =
      run.pattern > 0
        ? [...RUN_DASHES[run.pattern % RUN_DASHES.length]]
        : parsed.task === undefined
          ? []
          : DASHES[(this.tasks.indexOf(parsed.task) + 1) % DASHES.length];
    const label = `${run.label} · ${parsed.task ?? 'total'}`;
    const bestMarker: Point[] = [];
    const common = { parsing: false as const, normalized: true, spanGaps: true, pointRadius: 0, pointHoverRadius: 3, borderDash: dash, tension: 0 };
    const track: Track = {
      run,
      task: parsed.task,
      spec: parsed.chart,
      columns: emptyColumns(),
      smoothValues: [],
      smoother: new EmaSmoother(parsed.chart.smoothed ? this.options.smoothing : 0),
      resmooth: false,
      raw: new MinMaxDownsampler(BUCKETS),
      smooth: new MinMaxDownsampler(BUCKETS),
      bestMarker,
      datasets: {
        raw: {
          ...common,
          borderDash: [],
          label: `${label} (raw)`,
          data: [],
          borderColor: withAlpha(run.color, 0.25),
          backgroundColor: withAlpha(run.color, 0.25),
          borderWidth: 1,
        },
        smooth: { ...common, label, data: [], borderColor: run.color, backgroundColor: run.color, borderWidth: 1.75 },
        best: {
          ...common,
          label: `${label} best`,
          data: bestMarker,
          showLine: false,
          pointRadius: 6,
          pointHoverRadius: 8,
          pointStyle: 'star',
          borderColor: run.color,
          backgroundColor: run.color,
          borderWidth: 2,
        },
        test: {
          ...common,
          label: `${label} test`,
          data: [],
          showLine: false,
          pointRadius: 6,
          pointHoverRadius: 8,
          pointStyle: 'triangle',
          borderColor: run.color,
          backgroundColor: withAlpha(run.color, 0.35),
          borderWidth: 2,
        },
      },
    };
    for (const role of ['raw', 'smooth', 'best', 'test'] as const) this.trackOf.set(track.datasets[role], { track, role });
    this.tracks.set(id, track);
    const chart = this.chart(parsed.chart);
    chart.data.datasets.push(track.datasets.raw, track.datasets.smooth, track.datasets.best, track.datasets.test);
    this.applyVisibility(track);
    return track;
  }

  private chart(spec: ChartSpec): Chart<'line', Point[]> {
    const existing = this.charts.get(spec.id);
    if (existing) return existing.chart;
    const card = document.createElement('section');
    card.className = 'chart-card';
    card.dataset.chart = spec.id;
    const title = document.createElement('h3');
    title.textContent = spec.title;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${spec.title} chart`);
    box.append(canvas);
    card.append(title, box);
    // Charts keep the order of CHARTS whatever order their first points come in.
    const order = CHARTS.findIndex((c) => c.id === spec.id);
    const next = [...this.container.children].find((el) => CHARTS.findIndex((c) => c.id === (el as HTMLElement).dataset.chart) > order);
    this.container.insertBefore(card, next ?? null);
    this.visible.add(spec.id); // until the observer says otherwise: a new chart draws its first points
    this.observer.observe(card);
    const chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { display: false }, // the panel's run selector is the legend, shared by every chart
          tooltip: {
            filter: (item) => this.trackOf.get(item.dataset)?.role !== 'raw',
            callbacks: {
              title: (items) => (items.length ? `${X_TITLES[this.options.xAxis]} ${formatX(items[0].parsed.x ?? 0, this.options.xAxis)}` : ''),
              label: (item) => this.tooltipLabel(item),
            },
          },
        },
        scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      },
    });
    this.applyOptions(chart, spec);
    this.charts.set(spec.id, { chart, card });
    return chart;
  }

  private tooltipLabel(item: TooltipItem<'line'>): string {
    const info = this.trackOf.get(item.dataset);
    if (!info) return '';
    const { track, role } = info;
    const value = formatY(item.parsed.y ?? 0, track.spec.percent);
    const name = `${track.run.label} · ${track.task ?? 'total'}`;
    return role === 'best' ? `${name}: best ${value}` : role === 'test' ? `${name}: test ${value}` : `${name}: ${value}`;
  }

  private applyOptions(chart: Chart<'line', Point[]>, spec = this.specOf(chart)): void {
    const c = this.colors;
    const percent = spec?.percent ?? false;
    const grid = { color: withAlpha(c.border, 0.6) };
    const ticks = { color: c.description };
    chart.options.color = c.foreground;
    chart.options.font = { family: c.font };
    chart.options.scales = {
      x: {
        type: 'linear',
        grid,
        ticks: { ...ticks, callback: (v) => formatX(Number(v), this.options.xAxis) },
        title: { display: true, text: X_TITLES[this.options.xAxis], color: c.description },
      },
      // On a log axis chart.js's own ticks crowd on a narrow range ("0.69" over "0.67"): logAxisTicks picks readable ones.
      y: {
        type: this.options.logScale ? 'logarithmic' : 'linear',
        grid,
        ticks: { ...ticks, callback: (v) => formatY(Number(v), percent) },
        afterBuildTicks: this.options.logScale ? logAxisTicks : undefined,
      },
    };
    if (chart.options.plugins?.tooltip) {
      Object.assign(chart.options.plugins.tooltip, {
        backgroundColor: c.background,
        titleColor: c.foreground,
        bodyColor: c.foreground,
        borderColor: c.border,
        borderWidth: 1,
      });
    }
    for (const dataset of chart.data.datasets) {
      const info = this.trackOf.get(dataset);
      if (info) this.applyVisibility(info.track);
    }
  }

  private specOf(chart: Chart<'line', Point[]>): ChartSpec | undefined {
    for (const [id, entry] of this.charts) if (entry.chart === chart) return CHARTS.find((c) => c.id === id);
    return undefined;
  }

  /**
   * A hidden run draws nothing. Without smoothing (slider at 0, or a validation series) the raw line is the line:
   * drawing it twice would only cost time.
   */
  private applyVisibility(track: Track): void {
    const off = this.hidden.has(track.run.id);
    track.datasets.raw.hidden = off || this.options.smoothing === 0 || !track.spec.smoothed;
    for (const role of ['smooth', 'best', 'test'] as const) track.datasets[role].hidden = off;
  }

  /** The chart card names the runs it draws (data-shown-runs): what assistive tools and the e2e read of a canvas. */
  private markShownRuns(id: ChartSpec['id']): void {
    const entry = this.charts.get(id);
    if (!entry) return;
    const shown = new Set<string>();
    for (const track of this.tracks.values()) if (track.spec.id === id && !track.datasets.smooth.hidden && track.columns.value.length) shown.add(track.run.id);
    entry.card.dataset.shownRuns = [...shown].join(' ');
  }

  /** The run's test result at the end of its validation line: [] until it has one (or for training loss). */
  private testMarker(track: Track): Point[] {
    const metric = track.spec.testMetric;
    const value = metric && track.task !== undefined ? track.run.summary?.test[track.task]?.[metric] : undefined;
    const xs = track.columns[this.options.xAxis];
    return value === undefined || xs.length === 0 ? [] : [{ x: xs[xs.length - 1], y: value }];
  }

  /** The x values change: the downsampled points must be regrouped, the best marker moved. */
  private changeAxis(track: Track): void {
    track.raw.reset();
    track.smooth.reset();
    if (track.best) track.bestMarker.splice(0, track.bestMarker.length, { x: track.columns[this.options.xAxis][track.best.index], y: track.best.value });
  }

  private resmooth(track: Track): void {
    track.resmooth = false;
    track.smoother = new EmaSmoother(track.spec.smoothed ? this.options.smoothing : 0);
    track.smoothValues = track.columns.value.map((v) => track.smoother.push(v));
    track.smooth.reset();
  }

  private updateBest(track: Track, from: number): void {
    const best = bestPoint(track.columns.value, track.spec.direction, from, track.best);
    if (!best || best === track.best) return;
    track.best = best;
    track.bestMarker.splice(0, track.bestMarker.length, { x: track.columns[this.options.xAxis][best.index], y: best.value });
  }

  /**
   * Redraws the charts whose lines changed, once per animation frame however many batches arrived: each changed
   * line's downsampled points are brought up to date (looking only at the new points) and handed to its chart.
   */
  private scheduleRedraw(): void {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      const start = performance.now();
      const charts = new Set<ChartSpec['id']>();
      for (const track of this.dirty) {
        if (track.resmooth) this.resmooth(track);
        const xs = track.columns[this.options.xAxis];
        track.raw.update(xs, track.columns.value);
        track.smooth.update(xs, track.smoothValues);
        // New arrays: Chart.js then re-syncs its elements once, instead of hooking every push on a live array.
        track.datasets.raw.data = track.raw.points.slice();
        track.datasets.smooth.data = track.smooth.points.slice();
        track.datasets.best.data = track.bestMarker.slice();
        track.datasets.test.data = this.testMarker(track);
        charts.add(track.spec.id);
      }
      this.dirty.clear();
      for (const id of charts) this.markShownRuns(id);
      for (const id of charts) {
        if (this.visible.has(id)) this.charts.get(id)?.chart.update('none');
        else this.stale.add(id);
      }
      performance.measure(REDRAW_MEASURE, { start, end: performance.now() });
    });
  }
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export function formatX(value: number, axis: XAxis): string {
  if (axis === 'wallMs') {
    const s = Math.round(value / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  }
  return axis === 'epoch' ? String(Math.round(value * 100) / 100) : String(Math.round(value));
}

/** Up to 4 significant digits: enough to tell apart ticks 0.0005 apart on a flat loss curve. */
export function formatY(value: number, percent: boolean): string {
  if (percent) return `${+(100 * value).toPrecision(4)}%`;
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(2);
  return String(+value.toPrecision(4));
}
