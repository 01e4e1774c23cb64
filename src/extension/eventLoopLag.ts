// Measures how long the extension host's event loop was held up while training sessions run (or Playground panels
// are open), to show that training and inference do not block the editor. One histogram spans all sessions that overlap.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface LagStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  samples: number;
}

const RESOLUTION_MS = 10;

export class EventLoopLag {
  private histogram?: IntervalHistogram;
  private sessions = 0;

  begin(): void {
    if (this.sessions++ > 0) return;
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
  }

  /** The figures so far, the sessions going on. */
  snapshot(): LagStats {
    if (!this.histogram) throw new Error('EventLoopLag.snapshot() without begin()');
    return statsOf(this.histogram);
  }

  /** Ends one session; returns the figures since the first of the overlapping sessions began. */
  end(): LagStats {
    const h = this.histogram;
    if (!h) throw new Error('EventLoopLag.end() without begin()');
    const stats = statsOf(h);
    if (--this.sessions === 0) {
      h.disable();
      this.histogram = undefined;
    }
    return stats;
  }
}

/** The histogram counts the timer's own resolution in every sample; only the delay beyond it is lag. */
function statsOf(h: IntervalHistogram): LagStats {
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { p50Ms: round(ms(h.percentile(50))), p99Ms: round(ms(h.percentile(99))), maxMs: round(ms(h.max)), meanMs: round(ms(h.mean)), samples: h.count };
}
