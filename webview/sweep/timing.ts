// Performance measures of the sweep panel, read by the end-to-end test (test/e2e/sweep.test.ts) to report how long
// opening the panel and filtering its table take.

/** Runs one part of the render as a measure of its own (script time: layout and paint come after). */
export function timed(part: string, render: () => void): void {
  const start = performance.now();
  render();
  performance.measure(`adapterlab:sweep-${part}`, { start, end: performance.now() });
}

/** A measure from `started` to when the frame after the next has been painted. */
export function measureFrame(name: string, started: number, then?: (end: number) => void): void {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const end = performance.now();
      performance.measure(name, { start: started, end });
      then?.(end);
    }),
  );
}
