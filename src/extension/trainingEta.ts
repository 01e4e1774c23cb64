// Time left for a whole training — its finished, running and queued runs — from the steps each run has done and
// how fast it did them. The run that reported last says little: it may be the shortest one, about to finish while
// longer runs go on and others still wait for a free process.

interface RunTiming {
  startedAt?: number;
  /** The latest progress reports, oldest first: the run's recent pace (its first steps are slower, warming up). */
  recent: { at: number; step: number }[];
  totalSteps?: number;
  finishedAt?: number;
}

/** Progress reports the pace is measured over. */
const PACE_WINDOW = 8;

/** How quickly a shown estimate follows a new one: it moves about two thirds of the way in this time. */
const SETTLE_MS = 4000;

export class TrainingEstimate {
  private readonly runs = new Map<string, RunTiming>();
  private shownFinish?: { at: number; finishAt: number };

  constructor(
    runIds: readonly string[],
    /** Runs trained at the same time. */
    private readonly parallel: number,
  ) {
    for (const id of runIds) this.runs.set(id, { recent: [] });
  }

  started(runId: string, at: number): void {
    this.timing(runId).startedAt = at;
  }

  progressed(runId: string, step: number, totalSteps: number, at: number): void {
    const run = this.timing(runId);
    run.startedAt ??= at;
    run.recent.push({ at, step });
    if (run.recent.length > PACE_WINDOW) run.recent.shift();
    run.totalSteps = totalSteps;
  }

  /** The run ended; one that never started (cancelled or failed in the queue) takes no time and sets no measure. */
  finished(runId: string, at: number): void {
    this.timing(runId).finishedAt = at;
  }

  /**
   * Milliseconds until the last run ends; undefined until a run has shown its pace. Follows the raw estimate
   * smoothly, so one run ending early or a queued run starting moves it over seconds rather than at once — but never
   * below the time a running run still needs at a pace measured over a full window (its row shows that figure; a
   * pace from the first few, slower, steps would make it jump).
   */
  etaMs(at: number): number | undefined {
    const raw = this.rawEtaMs(at);
    if (raw === undefined) return undefined;
    const finishAt = at + raw;
    const previous = this.shownFinish;
    const weight = previous ? 1 - Math.exp(-(at - previous.at) / SETTLE_MS) : 1;
    const smoothed = previous ? previous.finishAt + weight * (finishAt - previous.finishAt) : finishAt;
    const settled = [...this.runs.values()].filter((r) => r.finishedAt === undefined && r.recent.length === PACE_WINDOW);
    const longestRunning = Math.max(0, ...settled.map((r) => timeLeft(r, at) ?? 0));
    const shown = Math.max(smoothed, at + longestRunning);
    this.shownFinish = { at, finishAt: shown };
    return Math.max(0, shown - at);
  }

  /** One running run's time left at its recent pace; undefined until it has reported twice. */
  runEtaMs(runId: string, at: number): number | undefined {
    const run = this.runs.get(runId);
    return run && timeLeft(run, at);
  }

  /** Share of the training done, 0…1: time spent over time spent plus time left; finished runs over all until a pace is known. */
  fraction(at: number, etaMs: number | undefined): number {
    const all = [...this.runs.values()];
    const finished = all.filter((r) => r.finishedAt !== undefined).length;
    if (finished === all.length) return 1;
    const startedAt = Math.min(...all.map((r) => r.startedAt ?? Infinity));
    if (etaMs === undefined || !Number.isFinite(startedAt)) return finished / all.length;
    const spent = at - startedAt;
    return spent + etaMs > 0 ? spent / (spent + etaMs) : 0;
  }

  /**
   * The running runs' time left at their own pace, then the queued runs placed on the first process that frees up,
   * each as long as the runs that finished took on average (the running ones' expected length while none has); a
   * run still loading its data counts as such a run too.
   */
  private rawEtaMs(at: number): number | undefined {
    const all = [...this.runs.values()];
    const running = all.filter((r) => r.startedAt !== undefined && r.finishedAt === undefined);
    const queued = all.filter((r) => r.startedAt === undefined && r.finishedAt === undefined);
    const paced = running.flatMap((r) => {
      const left = timeLeft(r, at);
      return left === undefined ? [] : [{ run: r, left }];
    });
    const finishedLengths = all.filter((r) => r.finishedAt !== undefined && r.startedAt !== undefined).map((r) => r.finishedAt! - r.startedAt!);
    const lengths = finishedLengths.length ? finishedLengths : paced.map(({ run, left }) => at - run.startedAt! + left);
    const loading = running.length - paced.length;
    if (!lengths.length) return queued.length + loading ? undefined : 0;
    const runLength = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    const slots = running.map((r) => paced.find((p) => p.run === r)?.left ?? Math.max(0, runLength - (at - r.startedAt!)));
    while (slots.length < this.parallel) slots.push(0);
    for (let i = 0; i < queued.length; i++) {
      const free = slots.indexOf(Math.min(...slots));
      slots[free] += runLength;
    }
    return Math.max(0, ...slots);
  }

  private timing(runId: string): RunTiming {
    let run = this.runs.get(runId);
    if (!run) this.runs.set(runId, (run = { recent: [] }));
    return run;
  }
}

/** A running run's time left at its recent pace; undefined until it has reported twice (loading is not a step). */
function timeLeft(run: RunTiming, at: number): number | undefined {
  const [first, last] = [run.recent[0], run.recent[run.recent.length - 1]];
  if (!first || last.step <= first.step || run.totalSteps === undefined) return undefined;
  const msPerStep = (last.at - first.at) / (last.step - first.step);
  return Math.max(0, (run.totalSteps - last.step) * msPerStep - (at - last.at));
}
