// The extension host's own helpers: throttled refreshes and the event-loop lag measurement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'timers/promises';
import { EventLoopLag } from '../../src/extension/eventLoopLag';
import { throttle } from '../../src/extension/throttle';

test('a throttled function runs at once, then at most once per window, and always after the last request', async () => {
  let calls = 0;
  const refresh = throttle(() => calls++, 50);
  refresh();
  assert.equal(calls, 1);
  refresh();
  refresh();
  refresh();
  assert.equal(calls, 1, 'requests inside the window wait');
  await sleep(80);
  assert.equal(calls, 2, 'and are served once at its end');
  refresh.dispose();
});

test('blocking the event loop shows up as lag; overlapping sessions share one measurement', async () => {
  const lag = new EventLoopLag();
  lag.begin();
  lag.begin();
  await sleep(50);
  const until = Date.now() + 120;
  while (Date.now() < until) {
    // busy: nothing else can run on this thread
  }
  await sleep(50);
  const first = lag.end();
  assert.ok(first.maxMs >= 80, `max lag ${first.maxMs} ms after blocking for 120 ms`);
  assert.ok(first.samples > 0);
  const second = lag.end();
  assert.ok(second.samples >= first.samples, 'the second session saw the same histogram');
  assert.throws(() => lag.end(), /without begin/);
});
