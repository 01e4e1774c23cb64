// A run's speed figures are measured at the kernel threads it started with, even when it is handed more mid-run (the
// runs beside it ended): it is compared with runs that had that many all along.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelThreads, setKernelThreads } from '../../src/core/model/kernels/threadedKernels';
import { StepTimes, medianStepMs } from '../../src/core/train/stepTimes';
import { backendReady } from '../helpers/tiny';
import { needsWasm } from '../helpers/kernels';

before(backendReady);
after(() => setKernelThreads(1));

test('ms/step is the median of the steps at the starting thread count; inference is timed at that count too', (t) => {
  if (needsWasm(t)) return;
  setKernelThreads(1);
  const times = new StepTimes();
  for (const ms of [900, 10, 12, 11]) times.add(ms); // the first compiles the kernels: left out
  setKernelThreads(2);
  assert.equal(kernelThreads(), 2, 'the pool started');
  for (const ms of [5, 6, 5, 6, 5, 6]) times.add(ms);
  assert.equal(times.medianMs(), 11, 'of 10, 12 and 11, not of every step (6)');
  assert.equal(times.perSecond(1000 * 100), (1000 * 100 * 1000) / (900 + 33 + 33), 'throughput: every step');
  assert.equal(
    times.atStartThreads(() => kernelThreads()),
    1,
  );
  assert.equal(kernelThreads(), 2, 'and back to the run’s threads after');
});

test('a run handed more threads before its second step reports the median of all its steps', () => {
  setKernelThreads(1);
  const times = new StepTimes();
  times.add(900);
  setKernelThreads(2);
  for (const ms of [5, 7, 6]) times.add(ms);
  assert.equal(times.medianMs(), medianStepMs([900, 5, 7, 6]));
  assert.equal(times.medianMs(), 6);
});
