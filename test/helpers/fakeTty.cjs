// Preloaded (node --require) into a CLI under test: its stdout and stderr (one file, as a terminal shows both) say
// they are a terminal of FAKE_TTY_COLUMNS × FAKE_TTY_ROWS, so the test sees exactly what a terminal would be sent.
'use strict';
const columns = Number(process.env.FAKE_TTY_COLUMNS || 80);
const rows = Number(process.env.FAKE_TTY_ROWS || 30);
for (const [key, value] of Object.entries({
  isTTY: true,
  columns,
  rows,
  getWindowSize: () => [columns, rows],
  hasColors: () => false,
  getColorDepth: () => 1,
})) {
  for (const stream of [process.stdout, process.stderr]) Object.defineProperty(stream, key, { value, configurable: true, writable: true });
}
