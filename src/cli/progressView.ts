// How `adapter-lab train` shows its runs while they train. On a terminal: a block of live lines, one per run, redrawn
// in place below the messages (evaluations, failures) that scroll above it; each line fits the terminal's width by
// leaving parts out (bar, epoch, rate, loss) but never the run, its steps or its time left. Elsewhere (a file, a CI
// log): plain lines, a progress line per run every tenth of its steps.
import type { ProgressEvent } from '../common/events';
import { fitText, textWidth, wrapWords } from './terminalWidth';

export type RunState = 'queued' | 'starting' | 'loading' | 'training' | 'completed' | 'failed' | 'cancelled';

/** What a run's line shows. */
export interface RunView {
  name: string;
  state: RunState;
  step?: number;
  totalSteps?: number;
  epoch?: number; // fractional, as progress events give it
  epochs?: number;
  loss?: number;
  stepsPerSec?: number;
  etaMs?: number;
  /** Queued: what it waits for; loading: the backend; finished: test metrics, or why it failed. */
  detail?: string;
  /** Finished: how long it took. */
  tookMs?: number;
}

/** "0:42", "12:05", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/**
 * The pace of a run from its progress events: steps per second over the last WINDOW_MS of its training time (which
 * takes in the evaluations between epochs and the other runs sharing the cores), and the time left at that pace.
 * The rate shown and the time left come from the same numbers.
 */
export class StepRate {
  static readonly WINDOW_MS = 20_000;
  private readonly history: { step: number; elapsedMs: number }[] = [];
  private last?: ProgressEvent;

  add(event: ProgressEvent): void {
    this.last = event;
    this.history.push({ step: event.step, elapsedMs: event.elapsedMs });
    // Keep one point at or before the window's start, so the window is always spanned.
    while (this.history.length > 2 && this.history[1].elapsedMs <= event.elapsedMs - StepRate.WINDOW_MS) this.history.shift();
  }

  stepsPerSec(): number | undefined {
    const last = this.last;
    if (!last || last.elapsedMs <= 0) return undefined;
    const first = this.history[0];
    const windowed = last.elapsedMs - first.elapsedMs >= StepRate.WINDOW_MS / 4 && last.step > first.step;
    return windowed ? (1000 * (last.step - first.step)) / (last.elapsedMs - first.elapsedMs) : (1000 * last.step) / last.elapsedMs;
  }

  etaMs(): number | undefined {
    const rate = this.stepsPerSec();
    return this.last && rate ? (1000 * (this.last.totalSteps - this.last.step)) / rate : undefined;
  }
}

const BAR_MAX = 30;

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/**
 * The line of a run, at most `width - 1` columns (the last column is left free: writing into it makes some terminals
 * wrap). `nameWidth`: the names are padded to it, so that the lines of a block line up.
 */
export function runLine(view: RunView, nameWidth: number, width: number): string {
  const room = Math.max(1, width - 1);
  const name = view.name.padEnd(nameWidth);
  if (view.state === 'training' && view.step !== undefined && view.totalSteps) return trainingLine(view, name, room);
  const steps = view.step !== undefined && view.totalSteps ? `${view.step}/${view.totalSteps} steps` : undefined;
  const took = view.tookMs !== undefined ? ` in ${formatDuration(view.tookMs)}` : '';
  const text = (() => {
    switch (view.state) {
      case 'queued':
        return `queued${view.detail ? ` · ${view.detail}` : ''}`;
      case 'starting':
        return 'starting…';
      case 'loading':
      case 'training':
        return `loading${view.detail ? ` on ${view.detail}` : ''}…`;
      case 'completed': {
        // Shorter wording before anything is cut: the test metrics are what a finished line is for.
        const full = `✓ done${steps ? ` · ${steps}` : ''}${took}${view.detail ? ` · ${view.detail}` : ''}`;
        const counts = view.step !== undefined && view.totalSteps ? ` ${view.step}/${view.totalSteps}` : '';
        const short = `✓${counts}${view.tookMs !== undefined ? ` · ${formatDuration(view.tookMs)}` : ''}${view.detail ? ` · ${view.detail}` : ''}`;
        return textWidth(`${name}  ${full}`) <= room ? full : short;
      }
      case 'cancelled':
      case 'failed':
        return `✗ ${view.state}${steps ? ` at ${steps}` : ''}${view.detail ? `: ${view.detail}` : ''}`;
    }
  })();
  return fitLine(name, text, room);
}

/** The name and then the text; the text is cut first, down to `keep` columns, then the name (to 4 columns). */
function fitLine(name: string, text: string, room: number, keep = 12): string {
  const line = `${name}  ${text}`;
  if (textWidth(line) <= room) return line;
  const nameRoom = Math.max(4, Math.min(textWidth(name), room - 2 - Math.min(keep, textWidth(text))));
  return fitText(`${fitText(name.trimEnd(), nameRoom).padEnd(nameRoom)}  ${text}`, room);
}

function trainingLine(view: RunView, name: string, room: number): string {
  const step = view.step!;
  const total = view.totalSteps!;
  const percent = `${Math.floor((100 * step) / total)}%`.padStart(4);
  const eta = `ETA ${view.etaMs !== undefined ? formatDuration(view.etaMs) : '–'}`;
  const rate = view.stepsPerSec !== undefined ? view.stepsPerSec.toFixed(view.stepsPerSec >= 100 ? 0 : 1) : '–';
  const epoch = view.epoch !== undefined && view.epochs ? `epoch ${Math.min(view.epochs, Math.ceil(view.epoch - 1e-9))}/${view.epochs}` : undefined;
  const loss = view.loss !== undefined ? `loss ${view.loss.toFixed(3)}` : undefined;
  const counts = `${String(step).padStart(String(total).length)}/${total}`;
  // From the fullest line to the barest: what goes first is what the others already say (the bar says the percentage),
  // then what matters least for "how far, how long".
  const layouts: { bar: number; pct: boolean; parts: (string | undefined)[] }[] = [
    { bar: 20, pct: true, parts: [`${counts} steps`, epoch, loss, `${rate} steps/s`, eta] },
    { bar: 10, pct: true, parts: [`${counts} steps`, loss, `${rate} steps/s`, eta] },
    { bar: 10, pct: true, parts: [counts, loss, `${rate}/s`, eta] },
    { bar: 10, pct: true, parts: [counts, loss, eta] },
    { bar: 0, pct: true, parts: [counts, loss, `${rate}/s`, eta] },
    { bar: 0, pct: true, parts: [counts, loss, eta] },
    { bar: 0, pct: true, parts: [counts, eta] },
    { bar: 0, pct: false, parts: [counts, eta] },
  ];
  for (const layout of layouts) {
    const info = layout.parts.filter((p): p is string => p !== undefined).join(' · ');
    const head = layout.pct ? `${percent} ` : '';
    const withoutBar = `${name}  ${head}${info}`;
    if (layout.bar === 0) {
      if (textWidth(withoutBar) <= room) return withoutBar;
      continue;
    }
    const barWidth = Math.min(BAR_MAX, room - textWidth(withoutBar) - 1);
    if (barWidth >= layout.bar) return `${name}  ${bar(step / total, barWidth)} ${head}${info}`;
  }
  const last = `${step}/${total} · ${eta}`;
  return fitLine(name, last, room, textWidth(last)); // narrower still: the name gives way
}

/** A block of live lines at the bottom of a terminal, with messages scrolling above it. */
export class LiveBlock {
  private drawn: string[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly onResize = () => this.render(true);
  private readonly restoreCursor = () => this.stream.write('\x1b[?25h');

  /** `lines(width, maxLines)`: the block's lines, each narrower than `width`, at most `maxLines` of them. */
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly lines: (width: number, maxLines: number) => string[],
    private readonly everyMs = 100,
  ) {
    stream.write('\x1b[?25l'); // no cursor blinking over the block
    process.on('exit', this.restoreCursor);
    stream.on('resize', this.onResize);
  }

  private get width(): number {
    return this.stream.columns || 80;
  }

  private get rows(): number {
    return this.stream.rows || 24;
  }

  /** Redraws soon (at most every `everyMs`). */
  update(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, this.everyMs);
  }

  /**
   * Writes lines above the block; they stay when the block moves on. A line wider than the terminal is broken at
   * spaces, its next lines indented by `indent`.
   */
  log(text: string, indent = 2): void {
    const lines = `${text
      .split('\n')
      .map((l) => wrapWords(l, this.width - 1, indent))
      .join('\n')}\n`;
    if (this.stopped) this.stream.write(lines);
    else this.render(false, lines);
  }

  /** The last frame; the cursor comes back below it. */
  stop(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.render();
    this.stopped = true;
    this.stream.off('resize', this.onResize);
    process.off('exit', this.restoreCursor);
    this.restoreCursor();
  }

  private render(resized = false, above = ''): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const width = this.width;
    // After a resize, terminals that reflow show each old line on as many rows as it now needs.
    const rowsUp = this.drawn.reduce((n, line) => n + (resized ? Math.max(1, Math.ceil(textWidth(line) / width)) : 1), 0);
    const next = this.lines(width, Math.max(1, this.rows - 2));
    const frame = `\r${rowsUp ? `\x1b[${rowsUp}A` : ''}${above || resized ? '\x1b[J' : ''}${above}${next.map((l) => `${l}\x1b[K\n`).join('')}\x1b[J`;
    this.stream.write(frame);
    this.drawn = next;
  }
}
